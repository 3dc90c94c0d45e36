import { openBenchEngine, PARKED_YAML, runPool } from './workload.js';
const parked = new Set<string>();
const b = await openBenchEngine({ synchronous: 'FULL', parkAfterMs: 0, wrapStore: (s) => ({ ...s, releaseClaim: async (t, p) => { await s.releaseClaim(t, p); if (p !== undefined) parked.add(t.executionId); } }) });
const def = b.engine.load(PARKED_YAML);
for (const n of [1000]) {
  parked.clear();
  const t = performance.now();
  const ids = await runPool(n, 100, async () => (await b.engine.start(def)).executionId);
  while (parked.size < n) await new Promise((r) => setTimeout(r, 5));
  const ms = performance.now() - t;
  console.log(n, (n / ms * 1000).toFixed(0), '/s', (process.memoryUsage().rss / 1e6).toFixed(0), 'MB');
}
await b.close();
