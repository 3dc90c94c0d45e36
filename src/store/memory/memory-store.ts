import { isTerminal } from '../../model/phases.js';
import { ExecutionExistsError, ExecutionNotFoundError, LeaseLostError, StoreConflictError } from '../errors.js';
import type {
  AppendInput,
  AppendResult,
  Claim,
  ClaimInput,
  ClaimToken,
  EventRow,
  ExecutionCommand,
  ExecutionFilter,
  ExecutionRecord,
  InboxEntry,
  NewExecution,
  ReadEventsInput,
  SignalEntry,
  Snapshot,
  StoredReplayCheckpoint,
  Store,
  StoredDefinition,
} from '../store.js';

interface ExecutionEntry {
  record: ExecutionRecord;
  events: EventRow[];
  command?: ExecutionCommand;
  /** The last claim's epoch, kept after a release: epochs only grow, so a stale token never matches a later claim. */
  epoch: number;
  /** Its signal mailbox, in send order. */
  signals?: SignalEntry[];
}

/** The memory back end: the full `Store` contract, nothing durable. For tests and embedders that need no file. */
export function createMemoryStore(): Store {
  const definitions = new Map<string, StoredDefinition>();
  const executions = new Map<string, ExecutionEntry>();
  const snapshots = new Map<string, Snapshot[]>();
  const checkpoints = new Map<string, StoredReplayCheckpoint>();
  const blobs = new Map<string, string>();
  const inbox: InboxEntry[] = [];
  const inboxKeys = new Set<string>();
  /** Subscription key → inbox seqs delivered to it. */
  const subscriptions = new Map<string, number[]>();
  const scheduleCursors = new Map<string, number>();
  let isClosed = false;

  function open(): void {
    if (isClosed) throw new Error('the memory store is closed; create a new one');
  }

  function entry(executionId: string): ExecutionEntry {
    const found = executions.get(executionId);
    if (found === undefined) throw new ExecutionNotFoundError(executionId);
    return found;
  }

  function isCurrent(found: ExecutionEntry, token: ClaimToken): boolean {
    const claim = found.record.claim;
    return claim !== undefined && claim.owner === token.owner && claim.epoch === token.epoch;
  }

  function lost(found: ExecutionEntry, token: ClaimToken): LeaseLostError {
    const claim = found.record.claim;
    return new LeaseLostError({
      executionId: token.executionId,
      owner: token.owner,
      epoch: token.epoch,
      ...(claim === undefined ? {} : { currentOwner: claim.owner, currentEpoch: claim.epoch }),
    });
  }

  function claim(found: ExecutionEntry, input: ClaimInput): Claim | undefined {
    const { record } = found;
    if (isTerminal(record.status)) return undefined;
    const current = record.claim;
    if (current !== undefined && current.owner !== input.owner && current.expiresAt > input.now) return undefined;
    const next: Claim = {
      executionId: record.executionId,
      owner: input.owner,
      epoch: found.epoch + 1,
      expiresAt: input.now + input.leaseMs,
    };
    const { wakeAt: _parked, ...rest } = record;
    found.record = { ...rest, claim: next };
    found.epoch = next.epoch;
    return withCommand(next, found.command);
  }

  function isDue(record: ExecutionRecord, now: number): boolean {
    return record.wakeAt === undefined || (record.wakeAt !== null && record.wakeAt <= now);
  }

  function wake(found: ExecutionEntry, now: number): void {
    if (found.record.wakeAt !== undefined) found.record = { ...found.record, wakeAt: now };
  }

  return {
    async putDefinition(definition) {
      open();
      if (!definitions.has(definition.hash)) definitions.set(definition.hash, definition);
    },
    async getDefinition(hash) {
      open();
      return definitions.get(hash);
    },
    async listDefinitions(filter = {}) {
      open();
      return [...definitions.values()].filter(
        (d) =>
          (filter.namespace === undefined || d.namespace === filter.namespace) &&
          (filter.name === undefined || d.name === filter.name),
      );
    },
    async createExecution(execution: NewExecution, events, claimInput) {
      open();
      if (executions.has(execution.executionId)) throw new ExecutionExistsError(execution.executionId);
      checkConsecutive(execution.executionId, 0, events);
      const last = events.at(-1);
      const created: ExecutionEntry = {
        record: { ...execution, updatedAt: last?.at ?? execution.createdAt, seq: last?.seq ?? 0 },
        events: [...events],
        epoch: 0,
      };
      executions.set(execution.executionId, created);
      return claimInput === undefined ? undefined : claim(created, claimInput);
    },
    async append(input: AppendInput): Promise<AppendResult> {
      open();
      const found = entry(input.executionId);
      if (input.claim !== undefined && !isCurrent(found, input.claim)) throw lost(found, input.claim);
      checkConsecutive(input.executionId, found.record.seq, input.events, input.expectedSeq);
      found.events.push(...input.events);
      const last = input.events.at(-1);
      found.record = {
        ...found.record,
        seq: last?.seq ?? found.record.seq,
        updatedAt: last?.at ?? found.record.updatedAt,
        status: input.status ?? found.record.status,
      };
      if (input.release === true && input.claim !== undefined) {
        const { claim: _released, ...rest } = found.record;
        found.record = rest;
      }
      const parentId = found.record.parentExecutionId;
      if (input.status !== undefined && isTerminal(input.status) && parentId !== undefined) {
        const parent = executions.get(parentId);
        if (parent !== undefined && !isTerminal(parent.record.status)) wake(parent, 0);
      }
      return { seq: found.record.seq };
    },
    async readEvents({ executionId, fromSeq = 1, toSeq = Number.POSITIVE_INFINITY }: ReadEventsInput) {
      open();
      return entry(executionId).events.filter((e) => e.seq >= fromSeq && e.seq <= toSeq);
    },
    async getExecution(executionId) {
      open();
      return executions.get(executionId)?.record;
    },
    async listExecutions(filter: ExecutionFilter = {}) {
      open();
      const matching = [...executions.values()]
        .map((e) => e.record)
        .filter(
          (r) =>
            (filter.status === undefined || r.status === filter.status) &&
            (filter.namespace === undefined || r.namespace === filter.namespace) &&
            (filter.name === undefined || r.name === filter.name) &&
            (filter.parentExecutionId === undefined || r.parentExecutionId === filter.parentExecutionId),
        )
        .sort((a, b) => b.createdAt - a.createdAt || (a.executionId < b.executionId ? -1 : 1));
      return matching.slice(0, filter.limit ?? 100);
    },
    async claimExecution(input) {
      open();
      const found = executions.get(input.executionId);
      return found === undefined ? undefined : claim(found, input);
    },
    async claimRunnable(input) {
      open();
      const claims: Claim[] = [];
      const candidates = [...executions.values()]
        .filter(({ record }) => !isTerminal(record.status) && isDue(record, input.now))
        .filter(({ record }) => record.claim === undefined || record.claim.expiresAt <= input.now)
        .sort((a, b) => a.record.createdAt - b.record.createdAt);
      for (const found of candidates) {
        if (claims.length >= input.limit) break;
        const taken = claim(found, input);
        if (taken !== undefined) claims.push(taken);
      }
      return claims;
    },
    async renewClaim(token, input) {
      open();
      const found = entry(token.executionId);
      if (!isCurrent(found, token)) throw lost(found, token);
      const renewed: Claim = { executionId: token.executionId, owner: token.owner, epoch: token.epoch, expiresAt: input.now + input.leaseMs };
      found.record = { ...found.record, claim: renewed };
      return withCommand(renewed, found.command);
    },
    async releaseClaim(token, park) {
      open();
      const found = executions.get(token.executionId);
      if (found === undefined || !isCurrent(found, token)) return;
      const { claim: _released, ...rest } = found.record;
      found.record = park === undefined ? rest : { ...rest, wakeAt: found.command === undefined ? park.wakeAt : 0 };
    },
    async nextWakeAt() {
      open();
      const times = [...executions.values()]
        .map(({ record }) => (isTerminal(record.status) ? undefined : record.wakeAt))
        .filter((at): at is number => typeof at === 'number');
      return times.length === 0 ? undefined : Math.min(...times);
    },
    async nextClaimExpiry({ owner }) {
      open();
      const times = [...executions.values()]
        .map(({ record }) => (isTerminal(record.status) || record.claim?.owner === owner ? undefined : record.claim?.expiresAt))
        .filter((at): at is number => at !== undefined);
      return times.length === 0 ? undefined : Math.min(...times);
    },
    async requestCommand(executionId, command) {
      open();
      const found = entry(executionId);
      if (isTerminal(found.record.status)) return false;
      found.command = command;
      wake(found, 0);
      return true;
    },
    async takeCommand(token) {
      open();
      const found = entry(token.executionId);
      if (!isCurrent(found, token)) throw lost(found, token);
      const command = found.command;
      delete found.command;
      return command;
    },
    async putSnapshot(snapshot, options = {}) {
      open();
      const dropped = new Set([snapshot.seq, ...(options.dropSeqs ?? [])]);
      const list = (snapshots.get(snapshot.executionId) ?? []).filter((s) => !dropped.has(s.seq));
      list.push(snapshot);
      list.sort((a, b) => a.seq - b.seq);
      snapshots.set(snapshot.executionId, list);
    },
    async getSnapshot(executionId, atSeq = Number.POSITIVE_INFINITY) {
      open();
      return (snapshots.get(executionId) ?? []).filter((s) => s.seq <= atSeq).at(-1);
    },
    async putReplayCheckpoint(checkpoint) {
      open();
      if (!executions.has(checkpoint.executionId)) throw new ExecutionNotFoundError(checkpoint.executionId);
      const known = checkpoints.get(checkpoint.executionId);
      if (known === undefined || known.seq <= checkpoint.seq) checkpoints.set(checkpoint.executionId, checkpoint);
    },
    async getReplayCheckpoint(executionId) {
      open();
      return checkpoints.get(executionId);
    },
    async putBlob(hash, content) {
      open();
      if (!blobs.has(hash)) blobs.set(hash, content);
    },
    async getBlob(hash) {
      open();
      return blobs.get(hash);
    },
    async sendSignal(signal) {
      open();
      const found = entry(signal.executionId);
      const mailbox = found.signals ?? [];
      const known = mailbox.find((sent) => sent.id === signal.id);
      if (known !== undefined) return { outcome: 'duplicate', seq: known.seq };
      if (isTerminal(found.record.status)) return { outcome: 'ended', seq: 0 };
      const { executionId: _executionId, ...sent } = signal;
      mailbox.push({ ...sent, seq: mailbox.length + 1 });
      found.signals = mailbox;
      wake(found, 0);
      return { outcome: 'accepted', seq: mailbox.length };
    },
    async signals({ executionId, afterSeq }) {
      open();
      return (entry(executionId).signals ?? []).filter((sent) => sent.seq > afterSeq);
    },
    async publishEvent(event) {
      open();
      const key = JSON.stringify([event.source, event.id]);
      if (inboxKeys.has(key)) return { isAccepted: false, seq: inbox.find((e) => e.source === event.source && e.id === event.id)?.seq ?? 0 };
      inboxKeys.add(key);
      const entryRow: InboxEntry = { ...event, seq: inbox.length + 1 };
      inbox.push(entryRow);
      for (const [subscription, delivered] of subscriptions) {
        delivered.push(entryRow.seq);
        const executionId = (JSON.parse(subscription) as [string, string])[0];
        const found = executions.get(executionId);
        if (found !== undefined) wake(found, 0);
      }
      return { isAccepted: true, seq: entryRow.seq };
    },
    async subscribe({ executionId, key }) {
      open();
      const id = JSON.stringify([executionId, key]);
      if (!subscriptions.has(id)) subscriptions.set(id, []);
    },
    async unsubscribe({ executionId, key }) {
      open();
      subscriptions.delete(JSON.stringify([executionId, key]));
    },
    async deliveries({ executionId, key, afterSeq }) {
      open();
      const delivered = subscriptions.get(JSON.stringify([executionId, key])) ?? [];
      return delivered.filter((seq) => seq > afterSeq).map((seq) => inbox[seq - 1] as InboxEntry);
    },
    async getScheduleCursor(key) {
      open();
      return scheduleCursors.get(key);
    },
    async advanceScheduleCursor({ key, from, to }) {
      open();
      if (scheduleCursors.get(key) !== from) return false;
      scheduleCursors.set(key, to);
      return true;
    },
    async close() {
      isClosed = true;
    },
  };
}

function withCommand(claim: Claim, command: ExecutionCommand | undefined): Claim {
  return command === undefined ? claim : { ...claim, command };
}

/** The optimistic-append rule every back end enforces: the batch must extend exactly the head the writer saw. */
function checkConsecutive(executionId: string, head: number, events: readonly EventRow[], expectedSeq = head): void {
  if (expectedSeq !== head) throw new StoreConflictError({ executionId, expectedSeq, actualSeq: head });
  events.forEach((event, index) => {
    if (event.seq !== head + index + 1) {
      throw new StoreConflictError({ executionId, expectedSeq: event.seq - index - 1, actualSeq: head });
    }
  });
}
