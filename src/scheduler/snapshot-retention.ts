/**
 * Which snapshots an execution keeps. A snapshot holds the whole folded state, which grows with the history, so
 * keeping one every `every` events would cost storage quadratic in the history's length. Instead the n-th snapshot
 * (at seq n × every) survives while m snapshots are newer only if n is a multiple of 2^floor(log2(m)): the newest
 * ones stay dense, older ones thin out by powers of two, and about log2(n) + 1 remain. Reading the head folds at
 * most `every` events; reading an old version folds at most about twice as many events as it lies behind the head.
 *
 * The rule only ever drops (a snapshot dropped once is never wanted again), so each new snapshot names the ones it
 * makes obsolete, and the store deletes them in the same write.
 */
export function snapshotsDroppedBy(seq: number, every: number): number[] {
  const latest = seq / every;
  if (!Number.isSafeInteger(latest) || latest < 1) return [];
  const dropped: number[] = [];
  // The n-th snapshot's distance from the newest crosses a power of two 2^j exactly when n = latest − 2^j; it is
  // dropped then if it was a multiple of 2^(j−1) but not of 2^j.
  for (let span = 2; span < latest; span *= 2) {
    const index = latest - span;
    if (index % (span / 2) === 0 && index % span !== 0) dropped.push(index * every);
  }
  return dropped;
}
