import type { EventRow } from '../store/store.js';
import { GENESIS_HASH, type HashRule, eventHash, hashRuleOf, storedTextHash } from './hash-chain.js';
import type { Json } from '../model/json.js';

/** The first event of a history that does not hold: its `seq` and why. */
export interface ChainBreak {
  readonly seq: number;
  readonly reason: string;
}

/**
 * Recomputes a history's hash chain from its stored rows: every `seq` must follow the previous one and every hash
 * must be the event's hash after the previous one, by the rule its `WorkflowStarted` names (see `eventHash`). Returns the first event that does not hold, or undefined when the
 * whole chain is intact. A changed event breaks its own hash (and, through `prevHash`, every later one), so the first
 * break names the altered event; under `stored-text` any changed byte of its payload does, under `jcs` any change
 * of its meaning (JCS does not see reordered keys or whitespace).
 */
export function findChainBreak(rows: readonly EventRow[]): ChainBreak | undefined {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let rule: HashRule = 'jcs';
  for (const row of rows) {
    if (row.seq !== expectedSeq) return { seq: row.seq, reason: `expected seq ${expectedSeq}: the history has a gap or a duplicate` };
    let data: Json;
    try {
      data = JSON.parse(row.data) as Json;
    } catch {
      return { seq: row.seq, reason: 'the stored payload is not JSON: it was altered' };
    }
    // The first event names the rule (its replay flags), and is hashed by it: an edit of the flags breaks it too.
    if (row.seq === 1) rule = hashRuleOf(replayFlagsOf(data));
    const hash =
      rule === 'stored-text'
        ? storedTextHash(prevHash, { seq: row.seq, type: row.type, at: row.at, dataText: row.data })
        : eventHash(prevHash, { seq: row.seq, type: row.type, at: row.at, data });
    if (hash !== row.hash) return { seq: row.seq, reason: `the event does not hash to its recorded hash: it was altered (type ${row.type})` };
    prevHash = row.hash;
    expectedSeq += 1;
  }
  return undefined;
}

function replayFlagsOf(data: Json): number[] {
  const flags = typeof data === 'object' && data !== null && !Array.isArray(data) ? data['replayFlags'] : undefined;
  return Array.isArray(flags) ? flags.filter((flag): flag is number => typeof flag === 'number') : [];
}
