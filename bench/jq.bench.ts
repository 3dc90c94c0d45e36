/**
 * jq evaluations per second: Itonami's compiled jq against jq-web (jq's C code as WebAssembly, which re-runs jq's
 * `main()` per evaluation) in the same run, on the expression shapes workflows use, over inputs of about 1 KB, and
 * the `select` shape over about 100 KB too. Both compile once; only `evaluate` is timed. Target (issue 4): at least
 * 100× jq-web on every shape.
 */
import assert from 'node:assert/strict';
import { loadavg } from 'node:os';
import type { JqEngine } from '../src/expressions/jq-engine.js';
import { createJqWebEngine } from '../test/support/jq-web-engine.js';
import { createCompiledJqEngine } from '../src/expressions/jq/compiled-jq-engine.js';
import type { Json } from '../src/model/json.js';
import { compare, type Measurement } from './measure.js';
import { report, type Figure, type ReportOptions } from './report.js';

interface Shape {
  readonly name: string;
  readonly source: string;
  readonly input: Json;
  readonly variables: Readonly<Record<string, Json>>;
}

/** `count` items of `{ id, n, name, tags }`: about 60 bytes each as JSON. */
function items(count: number): Json[] {
  return Array.from({ length: count }, (_, index) => ({ id: index, n: index % 4, name: `item-${index}`, tags: ['a', 'b'] }));
}

/** An object of about `bytes` bytes of JSON: the fields a shape reads plus filler, as task data tends to be. */
function payload(bytes: number, fields: Record<string, Json>): Record<string, Json> {
  const value: Record<string, Json> = { ...fields };
  for (let index = 0; JSON.stringify(value).length < bytes; index += 1) value[`field${index}`] = `value number ${index}`;
  return value;
}

const KB = 1_024;
const SELECT = '[.items[] | select(.n > 1) | .n * 2]';
/** The select shape as a Markdown table cell shows it (a bare `|` would end the cell). */
const SELECT_LABEL = SELECT.replaceAll('|', '\\|');

const SHAPES: readonly Shape[] = [
  { name: 'path `.a.b`', source: '.a.b', input: payload(KB, { a: { b: 42 } }), variables: {} },
  {
    name: 'object `{a: .x, b: $input.y}`',
    source: '{a: .x, b: $input.y}',
    input: payload(KB, { x: 'x' }),
    variables: { input: payload(KB, { y: [1, 2, 3] }) },
  },
  { name: `select \`${SELECT_LABEL}\`, 1 KB`, source: SELECT, input: { items: items(16) }, variables: {} },
  {
    name: 'interpolation `"Hello \\(.user.first) …"`',
    source: '"Hello \\(.user.first) \\(.user.last), you have \\(.items | length) items"',
    input: payload(KB, { user: { first: 'Ada', last: 'Lovelace' }, items: [1, 2, 3] }),
    variables: {},
  },
  {
    name: 'merge `$context + {k: .v}`',
    source: '$context + {k: .v}',
    input: payload(KB, { v: 'new' }),
    variables: { context: payload(KB, { k: 'old' }) },
  },
  { name: 'reduce `reduce .items[] as $i (0; . + $i.n)`', source: 'reduce .items[] as $i (0; . + $i.n)', input: { items: items(16) }, variables: {} },
  { name: `select \`${SELECT_LABEL}\`, 100 KB`, source: SELECT, input: { items: items(1_600) }, variables: {} },
];

/** Wall time a timed round aims at: long enough that timer resolution and one GC pause do not matter. */
const ROUND_MS = 150;

/**
 * A subject evaluating `shape` as many times as fit in about ROUND_MS, judged from a short untimed trial (the
 * engines differ by orders of magnitude, so one fixed count would be too short for one or too long for the other).
 */
function subject(label: string, jq: JqEngine, shape: Shape): { name: string; evaluations: number; run: () => number } {
  const compiled = jq.compile(shape.source, Object.keys(shape.variables));
  const evaluateTimes = (count: number): number => {
    for (let index = 0; index < count; index += 1) jq.evaluate(compiled, shape.input, shape.variables);
    return count;
  };
  const msFor = (count: number): number => {
    const started = performance.now();
    evaluateTimes(count);
    return performance.now() - started;
  };
  let trial = 1;
  while (msFor(trial) < 30) trial *= 2;
  // Timed again at the same count: the first trials ran while the JIT was still compiling, which overstates cost.
  const evaluations = Math.max(5, Math.round((trial * ROUND_MS) / msFor(trial)));
  return { name: `${label}: ${shape.name}`, evaluations, run: () => evaluateTimes(evaluations) };
}

/** `reportOptions` lets a trial run write elsewhere than bench/RESULTS.md. */
export async function benchJq(reportOptions: ReportOptions = {}): Promise<void> {
  const startLoad = loadavg()[0] ?? 0;
  const compiledJq = createCompiledJqEngine();
  const jqWeb = await createJqWebEngine();
  const headline: Figure[] = [];
  const absolutes: Measurement[] = [];
  for (const shape of SHAPES) {
    // A fast wrong answer is not a result: both engines must agree on the shape first.
    const expected = jqWeb.evaluate(jqWeb.compile(shape.source, Object.keys(shape.variables)), shape.input, shape.variables);
    const actual = compiledJq.evaluate(compiledJq.compile(shape.source, Object.keys(shape.variables)), shape.input, shape.variables);
    assert.deepEqual(actual, expected, `${shape.name}: the compiled jq and jq-web agree`);
    const [web, ours] = (await compare([subject('jq-web', jqWeb, shape), subject('compiled jq', compiledJq, shape)], {
      warmupRounds: 1,
      rounds: 5,
    })) as [Measurement, Measurement];
    headline.push({ label: `${shape.name}: compiled ÷ jq-web`, value: ours.perSecond / web.perSecond, unit: '×', target: { atLeast: 100 } });
    absolutes.push(ours, web);
  }
  report({
    name: 'jq',
    command: 'npm run bench -- jq',
    workload:
      'Evaluations per second of each expression shape, compiled once per engine (cached), on the same input and variables, ' +
      'timed in alternating rounds: Itonami\'s compiled jq against jq-web 0.6.2 (jq\'s C code in WebAssembly). Inputs are about 1 KB of ' +
      'JSON (objects with filler fields; 16 items of ~60 bytes), and 1,600 items (~100 KB) for the last shape.',
    headline,
    absolutes,
    notes: [
      'Before timing, each shape\'s outputs from both engines were checked deep-equal.',
      `Each round evaluates as many times as a short untimed trial says fit in about ${ROUND_MS} ms, per engine and shape.`,
      `1-minute load average at start ${startLoad.toFixed(1)} (the machine is shared with other work).`,
    ],
  }, reportOptions);
}
