import assert from 'node:assert/strict';
import { test } from 'node:test';
import { snapshotsDroppedBy } from './snapshot-retention.js';

/** Plays the policy forward: the snapshot seqs left after every `every`-th event up to `upTo`. */
function retainedAfter(upTo: number, every: number): number[] {
  const kept = new Set<number>();
  for (let seq = every; seq <= upTo; seq += every) {
    for (const dropped of snapshotsDroppedBy(seq, every)) {
      assert.ok(kept.has(dropped), `snapshot ${dropped} dropped at ${seq} was not kept`);
      kept.delete(dropped);
    }
    kept.add(seq);
  }
  return [...kept].sort((a, b) => a - b);
}

test('the newest snapshots stay, older ones thin out by powers of two', () => {
  assert.deepEqual(retainedAfter(8, 1), [4, 6, 7, 8]);
  assert.deepEqual(retainedAfter(16, 1), [8, 12, 14, 15, 16]);
  assert.deepEqual(retainedAfter(5_000, 500), [2_000, 4_000, 4_500, 5_000]);
});

test('about log2(n) + 1 snapshots remain, so storage grows as n log n, not n squared', () => {
  for (const count of [10, 100, 1_000, 10_000]) {
    const kept = retainedAfter(count * 500, 500);
    assert.ok(kept.length <= Math.ceil(Math.log2(count)) + 2, `${count} snapshots taken, ${kept.length} kept: ${kept.join(',')}`);
    assert.equal(kept.at(-1), count * 500, 'the newest is kept');
    assert.equal(kept.at(-2), count > 1 ? (count - 1) * 500 : undefined, 'and the one before it');
  }
});

test('any old version has a snapshot at most about twice its distance from the head behind it', () => {
  const every = 10;
  const head = 1_000 * every;
  const kept = retainedAfter(head, every);
  for (let seq = every; seq <= head; seq += 7) {
    const nearest = kept.filter((at) => at <= seq).at(-1) ?? 0;
    assert.ok(seq - nearest <= 2 * (head - seq) + 2 * every, `version ${seq}: nearest snapshot ${nearest}`);
  }
});

test('a seq that is not a snapshot point drops nothing', () => {
  assert.deepEqual(snapshotsDroppedBy(0, 500), []);
  assert.deepEqual(snapshotsDroppedBy(750, 500), []);
  assert.deepEqual(snapshotsDroppedBy(500, 500), []);
});
