/**
 * Differential test: random programs over jq's grammar on random inputs (`program-generator.ts`), through jq-web
 * (jq's own C code) and through our compiled jq; both must give the same outputs or both fail
 * (`differential.ts` says how outcomes are compared). The seed is fixed so CI is repeatable and printed so a
 * failure reproduces: `ITONAMI_JQ_SEED=<n> ITONAMI_JQ_CASES=<programs>` here, or
 * `node scripts/jq-differential.mjs --seed <n> --cases <programs>` from a shell.
 * `ITONAMI_JQ_ENGINE=jq-web` puts jq-web on both sides (a check of the harness itself).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JqEngine } from '../../src/expressions/jq-engine.js';
import { createJqWebEngine } from '../support/jq-web-engine.js';
import { createCompiledJqEngine } from '../../src/expressions/jq/compiled-jq-engine.js';
import { formatDisagreement, formatSummary, runDifferential } from './differential.js';

const DEFAULT_SEED = 20_261_125;
/** 1,200 programs are about 2,400 cases and 13 s of jq-web here (2 cores, shared): under the 20 s budget. */
const DEFAULT_PROGRAMS = 1_200;

function positiveInteger(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, found ${JSON.stringify(text)}`);
  return value;
}

const seed = positiveInteger('ITONAMI_JQ_SEED', DEFAULT_SEED);
const programs = positiveInteger('ITONAMI_JQ_CASES', DEFAULT_PROGRAMS);
const selfCheck = process.env.ITONAMI_JQ_ENGINE === 'jq-web';

test(`the compiled jq agrees with jq-web on ${programs} generated programs (seed ${seed})`, async (t) => {
  t.diagnostic(`seed ${seed}; reproduce with ITONAMI_JQ_SEED=${seed} ITONAMI_JQ_CASES=${programs}, or node scripts/jq-differential.mjs --seed ${seed} --cases ${programs}`);
  const reference = await createJqWebEngine();
  const candidate: JqEngine = selfCheck ? await createJqWebEngine() : createCompiledJqEngine();
  const report = runDifferential({ seed, programs, reference, candidate });
  t.diagnostic(formatSummary(report));
  for (const sample of report.messageDifferences.samples) t.diagnostic(`message differs:\n${formatDisagreement(sample)}`);
  for (const disagreement of report.disagreements) t.diagnostic(formatDisagreement(disagreement));
  assert.ok(report.cases >= programs, `every program ran at least once (${report.cases} cases)`);
  assert.equal(report.disagreementCount, 0, `${report.disagreementCount} disagreements; the first:\n${report.disagreements.slice(0, 5).map(formatDisagreement).join('\n')}`);
});
