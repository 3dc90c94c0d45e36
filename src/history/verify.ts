import type { EventRow } from '../store/store.js';
import { GENESIS_HASH, eventHash } from './hash-chain.js';
import type { Json } from '../model/json.js';

/** The first event of a history that does not hold: its `seq` and why. */
export interface ChainBreak {
  readonly seq: number;
  readonly reason: string;
}

/**
 * Recomputes a history's hash chain from its stored rows: every `seq` must follow the previous one and every hash
 * must equal `sha256(prevHash ‖ JCS(event))`. Returns the first event that does not hold, or undefined when the
 * whole chain is intact. Any changed stored byte of an event breaks its own hash (and, through `prevHash`, every
 * later one), so the first break names the altered event.
 */
export function findChainBreak(rows: readonly EventRow[]): ChainBreak | undefined {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  for (const row of rows) {
    if (row.seq !== expectedSeq) return { seq: row.seq, reason: `expected seq ${expectedSeq}: the history has a gap or a duplicate` };
    let data: Json;
    try {
      data = JSON.parse(row.data) as Json;
    } catch {
      return { seq: row.seq, reason: 'the stored payload is not JSON: it was altered' };
    }
    const hash = eventHash(prevHash, { seq: row.seq, type: row.type, at: row.at, data });
    if (hash !== row.hash) return { seq: row.seq, reason: `the event does not hash to its recorded hash: it was altered (type ${row.type})` };
    prevHash = row.hash;
    expectedSeq += 1;
  }
  return undefined;
}
