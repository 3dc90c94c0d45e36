import { ExecutionExistsError, ExecutionNotFoundError, StoreConflictError } from '../errors.js';
import type {
  AppendInput,
  AppendResult,
  EventRow,
  ExecutionFilter,
  ExecutionRecord,
  NewExecution,
  ReadEventsInput,
  Store,
  StoredDefinition,
} from '../store.js';

/** The memory back end: the full `Store` contract, nothing durable. For tests and one-shot `itonami run`. */
export function createMemoryStore(): Store {
  const definitions = new Map<string, StoredDefinition>();
  const executions = new Map<string, { record: ExecutionRecord; events: EventRow[] }>();
  let isClosed = false;

  function open(): void {
    if (isClosed) throw new Error('the memory store is closed; create a new one');
  }

  function entry(executionId: string): { record: ExecutionRecord; events: EventRow[] } {
    const found = executions.get(executionId);
    if (found === undefined) throw new ExecutionNotFoundError(executionId);
    return found;
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
    async createExecution(execution: NewExecution, events) {
      open();
      if (executions.has(execution.executionId)) throw new ExecutionExistsError(execution.executionId);
      checkConsecutive(execution.executionId, 0, events);
      const last = events.at(-1);
      executions.set(execution.executionId, {
        record: { ...execution, updatedAt: last?.at ?? execution.createdAt, seq: last?.seq ?? 0 },
        events: [...events],
      });
    },
    async append(input: AppendInput): Promise<AppendResult> {
      open();
      const found = entry(input.executionId);
      checkConsecutive(input.executionId, found.record.seq, input.events, input.expectedSeq);
      found.events.push(...input.events);
      const last = input.events.at(-1);
      found.record = {
        ...found.record,
        seq: last?.seq ?? found.record.seq,
        updatedAt: last?.at ?? found.record.updatedAt,
        status: input.status ?? found.record.status,
      };
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
    async close() {
      isClosed = true;
    },
  };
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
