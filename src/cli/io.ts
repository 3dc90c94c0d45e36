/** Where a command writes: results to `stdout`, diagnostics and progress to `stderr`. Injected so tests capture them. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** A command's work: resolves to its exit code. */
export type CommandRun = (io: Io) => Promise<number>;
