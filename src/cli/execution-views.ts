import type { AnyHistoryEvent, ExecutionRecord, ExecutionState, Json, Phase } from '../index.js';

/** Every phase, for checking `--status`; a `Record` so a phase added to the model fails to compile here. */
const PHASES: Readonly<Record<Phase, true>> = { pending: true, running: true, waiting: true, suspended: true, cancelled: true, faulted: true, completed: true };

export const phaseNames: readonly Phase[] = Object.keys(PHASES) as Phase[];

export function isPhase(text: string): text is Phase {
  return Object.hasOwn(PHASES, text);
}

/** The hash before the first event of every history (`prevHash` of seq 1). */
const GENESIS_HASH = '0'.repeat(64);

/** Epoch ms → ISO 8601 UTC, the CLI's one time format. */
export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** `itonami status`: what a script needs to know about an execution now. */
export function statusView(state: ExecutionState): Record<string, Json> {
  return {
    id: state.executionId,
    status: state.status,
    ...(state.status === 'completed' ? { output: state.output ?? null } : {}),
    ...(state.error === undefined ? {} : { error: state.error as unknown as Json }),
    ...(state.cancelReason === undefined ? {} : { reason: state.cancelReason }),
    definition: { namespace: state.namespace, name: state.name, version: state.version, hash: state.definitionHash },
    createdAt: isoTime(state.startedAt),
    updatedAt: isoTime(state.updatedAt),
    seq: state.seq,
  };
}

/** `itonami list --json`: one entry per execution, from the executions index (no history is read). */
export function listEntry(record: ExecutionRecord): Record<string, Json> {
  return {
    id: record.executionId,
    status: record.status,
    definition: { namespace: record.namespace, name: record.name, version: record.version, hash: record.definitionHash },
    createdAt: isoTime(record.createdAt),
    updatedAt: isoTime(record.updatedAt),
    ...(record.parentExecutionId === undefined ? {} : { parentId: record.parentExecutionId }),
  };
}

/** `namespace/name@version`, as `itonami deploy` and `itonami list` print a definition. */
export function qualifiedName(definition: { namespace: string; name: string; version: string }): string {
  return `${definition.namespace}/${definition.name}@${definition.version}`;
}

export interface HistoryEntry {
  readonly seq: number;
  readonly type: string;
  /** The task reference of the event's key; null for unkeyed and workflow-level events. */
  readonly taskRef: string | null;
  readonly at: string;
  readonly hash: string;
  readonly prevHash: string;
  readonly data: Json;
}

/** `itonami history --json`: the events with their task reference and the hash each one chains from. */
export function historyEntries(events: readonly AnyHistoryEvent[]): HistoryEntry[] {
  return events.map((event, index) => {
    const key = (event.data as { key?: unknown }).key;
    return {
      seq: event.seq,
      type: event.type,
      taskRef: typeof key === 'string' ? taskRefOfKey(key) : null,
      at: isoTime(event.at),
      hash: event.hash,
      prevHash: events[index - 1]?.hash ?? GENESIS_HASH,
      data: event.data as unknown as Json,
    };
  });
}

/**
 * The task reference in a history key: `/do/1/loop/do/0/inner[0]#0:started` → `/do/1/loop/do/0/inner` (the visit
 * `#n` and slot, then the loop indexes, removed). Keys that are not task pointers (`workflow:completed`) have none.
 * The last `#` is the visit's, since a task name may itself hold a `#`.
 */
export function taskRefOfKey(key: string): string | null {
  if (!key.startsWith('/')) return null;
  const visit = key.lastIndexOf('#');
  return (visit < 0 ? key : key.slice(0, visit)).replace(/\[[\d,]*\]$/, '');
}

/** `itonami state`: the folded state, key order kept, its instants (`startedAt`, `updatedAt`, `endedAt`) as ISO 8601. */
export function stateView(state: ExecutionState): Json {
  const view = withIsoTimes(state as unknown as Record<string, Json>);
  view['tasks'] = state.tasks.map((task) => withIsoTimes(task as unknown as Record<string, Json>));
  return view;
}

const INSTANTS = new Set(['startedAt', 'updatedAt', 'endedAt']);

function withIsoTimes(record: Record<string, Json>): Record<string, Json> {
  return Object.fromEntries(Object.entries(record).map(([name, value]) => [name, INSTANTS.has(name) && typeof value === 'number' ? isoTime(value) : value]));
}
