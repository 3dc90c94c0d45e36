import type { AnyHistoryEvent } from '../history/events.js';
import type { ExecutionState } from '../history/execution-state.js';
import { type ReplayCheckpoint, foldReplayCheckpoint } from '../history/replay-checkpoint.js';
import type { Store } from '../store/store.js';
import { snapshotsDroppedBy } from './snapshot-retention.js';

/** What the replay points need of the engine. */
export interface ReplayPointsHost {
  readonly store: Store;
  /** A snapshot every this many events. */
  readonly snapshotEvery: number;
  /** Events of an execution, in seq order. */
  history(executionId: string, range?: { fromSeq?: number; toSeq?: number }): Promise<AnyHistoryEvent[]>;
  /** The folded state at `seq` (nearest snapshot plus the tail). */
  stateAt(executionId: string, seq: number): Promise<ExecutionState | undefined>;
}

/**
 * The two places a history is folded ahead of need, both written after the events they fold are durable (a lost one
 * only costs a longer read): snapshots of the state, for reading any version, and the replay checkpoint, for resuming.
 */
export class ReplayPoints {
  readonly #host: ReplayPointsHost;

  constructor(host: ReplayPointsHost) {
    this.#host = host;
  }

  /**
   * What a resume replays: the latest replay checkpoint plus the events after it when the execution has one (it runs
   * under `ReplayFlag.skipCompletedTasks`), else the whole history.
   */
  async replayInput(executionId: string): Promise<{ history: AnyHistoryEvent[]; checkpoint?: ReplayCheckpoint }> {
    const stored = await this.#host.store.getReplayCheckpoint(executionId);
    if (stored === undefined) return { history: await this.#host.history(executionId) };
    const checkpoint = JSON.parse(stored.checkpoint) as ReplayCheckpoint;
    const tail = await this.#host.history(executionId, { fromSeq: checkpoint.seq + 1 });
    return { history: [...checkpoint.events, ...tail], checkpoint };
  }

  /**
   * After an append of the events `fromSeq`…`toSeq`: a snapshot at each multiple of `snapshotEvery` among them (the
   * retention rule counts on every one), and then, for a run that keeps one, the replay checkpoint at the last of
   * them when it is due. Returns the run's checkpoint as it now stands.
   */
  async afterAppend(
    executionId: string,
    appended: { fromSeq: number; toSeq: number },
    run: { isCheckpointed: boolean; checkpoint: ReplayCheckpoint | undefined },
  ): Promise<ReplayCheckpoint | undefined> {
    const every = this.#host.snapshotEvery;
    const seq = appended.toSeq - (appended.toSeq % every);
    if (seq < appended.fromSeq || seq === 0) return run.checkpoint;
    for (let at = Math.ceil(appended.fromSeq / every) * every; at <= seq; at += every) await this.#snapshot(executionId, at);
    if (!run.isCheckpointed || !isCheckpointDue(seq, run.checkpoint, this.#host.snapshotEvery)) return run.checkpoint;
    return this.#checkpoint(executionId, seq, run.checkpoint);
  }

  async #snapshot(executionId: string, seq: number): Promise<void> {
    const state = await this.#host.stateAt(executionId, seq);
    if (state === undefined) return;
    const dropSeqs = snapshotsDroppedBy(seq, this.#host.snapshotEvery);
    await this.#host.store.putSnapshot({ executionId, seq, state: JSON.stringify(state) }, { dropSeqs });
  }

  /** Moves the checkpoint forward to `seq` from the run's last one, else from the store's, else from the start. */
  async #checkpoint(executionId: string, seq: number, previous: ReplayCheckpoint | undefined): Promise<ReplayCheckpoint | undefined> {
    const store = this.#host.store;
    let from = previous;
    if (from === undefined) {
      const stored = await store.getReplayCheckpoint(executionId);
      if (stored !== undefined && stored.seq >= seq) return undefined;
      from = stored === undefined ? undefined : (JSON.parse(stored.checkpoint) as ReplayCheckpoint);
    }
    if (from !== undefined && from.seq >= seq) return from;
    const checkpoint = foldReplayCheckpoint(from, await this.#host.history(executionId, { fromSeq: (from?.seq ?? 0) + 1, toSeq: seq }));
    await store.putReplayCheckpoint({ executionId, seq, checkpoint: JSON.stringify(checkpoint) });
    return checkpoint;
  }
}

/**
 * A checkpoint is rewritten whole, so one is written only once the events after the last one outnumber an eighth of
 * its size (and at least `snapshotEvery`): writing stays linear in the history, and a resume reads a tail of at most
 * that many events.
 */
function isCheckpointDue(seq: number, last: ReplayCheckpoint | undefined, snapshotEvery: number): boolean {
  const size = last === undefined ? 0 : last.events.length + last.droppedStarts.length;
  return seq - (last?.seq ?? 0) >= Math.max(snapshotEvery, Math.ceil(size / 8));
}
