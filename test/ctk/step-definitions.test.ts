/**
 * Self-test of the CTK runner against the spec's own features: they parse, there are 11 files and 21 scenarios,
 * and every step line matches exactly one step definition (with a docstring exactly when the step takes one).
 * Needs no engine, so it guards the runner while the engine is being written.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { CTK_FEATURES_DIR, loadFeatures } from './feature-loader.js';
import { matchStep } from './step-definitions.js';
import { parseYamlDocString } from './yaml-docstring.js';

const skip = existsSync(CTK_FEATURES_DIR) ? false : `${CTK_FEATURES_DIR} is missing`;

test('the spec ships 11 CTK features with 21 scenarios', { skip }, () => {
  const features = loadFeatures();
  assert.equal(features.length, 11, features.map((f) => f.file).join(', '));
  assert.equal(features.flatMap((f) => f.scenarios).length, 21);
  assert.deepEqual(
    features.map((f) => [f.file, f.scenarios.length]),
    [['branch.feature', 1], ['call.feature', 5], ['data-flow.feature', 3], ['do.feature', 1], ['emit.feature', 1],
      ['flow.feature', 2], ['for.feature', 1], ['raise.feature', 1], ['set.feature', 1], ['switch.feature', 3], ['try.feature', 2]],
  );
});

test('every step of every CTK scenario matches exactly one step definition and its docstring parses', { skip }, () => {
  const problems: string[] = [];
  for (const feature of loadFeatures()) {
    for (const scenario of feature.scenarios) {
      assert.ok(scenario.steps.length > 0, `${feature.file}: "${scenario.name}" has no steps`);
      for (const step of scenario.steps) {
        const where = `${feature.file}:${step.line} "${step.keyword} ${step.text}"`;
        const matches = matchStep(step.text);
        if (matches.length !== 1) problems.push(`${where} matches ${matches.length} definitions`);
        else if (matches[0]?.definition.takesDocString !== (step.docString !== undefined)) problems.push(`${where}: docstring mismatch`);
        if (step.docString !== undefined) {
          try {
            parseYamlDocString(step.docString.content, step.docString.mediaType);
          } catch (error) {
            problems.push(`${where}: ${String(error)}`);
          }
        }
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('the CTK input step is written "And given the workflow input is:"', { skip }, () => {
  const inputSteps = loadFeatures().flatMap((f) => f.scenarios.flatMap((s) => s.steps)).filter((s) => s.text.includes('workflow input'));
  assert.equal(inputSteps.length, 16);
  for (const step of inputSteps) assert.deepEqual([step.keyword, step.text], ['And', 'given the workflow input is:']);
});

// Documented in the spec's ctk/README, used by no scenario yet, so checked here by example.
const documentedSteps = [
  ['the workflow should cancel', 'the workflow should cancel', []],
  ['the workflow input is:', 'given the workflow input is: """yaml', []],
  ['setRed should run before setGreen', '<task> should run after|before <task>', ['setRed', 'before', 'setGreen']],
  ['setRed should cancel', '<task> should cancel|complete|fault', ['setRed', 'cancel']],
  ['setRed should complete', '<task> should cancel|complete|fault', ['setRed', 'complete']],
  ['setRed should fault', '<task> should cancel|complete|fault', ['setRed', 'fault']],
  ['setRed should complete with output:', '<task> should complete with output: """yaml', ['setRed']],
  ['/do/0/fork/branches/1/setRed should fault with error:', '<task> should fault with error: """yaml', ['/do/0/fork/branches/1/setRed']],
  ["the workflow output should have properties 'a'", "the workflow output should have properties '<path>', '<path>'…", ["'a'"]],
  ["the workflow output should have a 'ids' property containing 0 items", "the workflow output should have a '<path>' property containing <N> items", ['ids', '0']],
] as const;
for (const [text, usage, args] of documentedSteps) {
  test(`"${text}" matches only "${usage}"`, () => {
    const matches = matchStep(text);
    assert.deepEqual(matches.map((m) => m.definition.usage), [usage]);
    if (args.length > 0) assert.deepEqual(matches[0]?.args, args);
  });
}

const nearMisses = [
  'the workflow should explode',
  'the workflow should complete with outputs:',
  'the workflow output should have properties a, b',
  "the workflow output should have properties 'a',",
  "the workflow output should have a 'colors' property containing many items",
  'set Red should run first',
  'setRed should run sometime',
];
for (const text of nearMisses) {
  test(`"${text}" matches no step definition`, () => assert.deepEqual(matchStep(text), []));
}
