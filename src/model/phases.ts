/** Status phases of workflows and tasks (DSL 1.0.3 "Status Phases"). */
export const phases = ['pending', 'running', 'waiting', 'suspended', 'cancelled', 'faulted', 'completed'] as const;
export type Phase = (typeof phases)[number];

export type TerminalPhase = 'cancelled' | 'faulted' | 'completed';

export function isTerminal(phase: Phase): phase is TerminalPhase {
  return phase === 'cancelled' || phase === 'faulted' || phase === 'completed';
}
