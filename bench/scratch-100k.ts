import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, openSqliteStore } from '../src/index.js';
const dir = mkdtempSync(join(tmpdir(), 'itonami-bench-'));
const engine = await createEngine({ store: openSqliteStore({ path: join(dir, 'db.sqlite'), synchronous: 'NORMAL' }), functions: { noop: (i) => i } });
const def = engine.load(`
document: { dsl: '1.0.3', namespace: bench, name: loop, version: '1.0.0' }
do:
  - loop:
      for: { each: item, in: '\${ [range(0; .n)] }' }
      do:
        - step: { call: noop, with: { i: '\${ $item }' } }
`);
const n = 33332;
const t = performance.now();
const r = await engine.run(def, { input: { n } });
const ms = performance.now() - t;
const h = await engine.history(r.executionId);
console.log(n, r.status, h.length, 'events', ms.toFixed(0), 'ms', (ms / h.length * 1000).toFixed(1), 'us/event', process.memoryUsage().rss/1e6);
for (let i = 0; i < 3; i++) {
let t2 = performance.now(); await engine.getExecution(r.executionId); const g = performance.now() - t2;
  console.log('  getExecution', g.toFixed(1));
}
let t2 = performance.now(); await engine.rebuild(r.executionId); const b = performance.now() - t2;
console.log('  rebuild', b.toFixed(1), 'ms');
await engine.close();
rmSync(dir, { recursive: true });
