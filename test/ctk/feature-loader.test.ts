import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { CTK_FEATURES_DIR, FeatureParseError, loadFeatures, parseFeature, REPO_ROOT } from './feature-loader.js';

test('the features folder is <repo>/../shared/spec/ctk', () => {
  assert.equal(path.join(REPO_ROOT, 'test', 'ctk', 'feature-loader.ts'), new URL('./feature-loader.ts', import.meta.url).pathname);
  assert.equal(CTK_FEATURES_DIR, path.resolve(REPO_ROOT, '..', 'shared', 'spec', 'ctk'));
});

test('a feature keeps keywords, lines, docstrings with their media type, and expands backgrounds and outlines', () => {
  const feature = parseFeature(
    [
      'Feature: Sample',
      '  Background:',
      '    Given a workflow with definition:',
      '    """yaml',
      '      do: []',
      '    """',
      '  Scenario Outline: Run <n>',
      '    When the workflow is executed',
      '    Then <task> should run first',
      '    Examples:',
      '      | n | task |',
      '      | 1 | a    |',
      '      | 2 | b    |',
    ].join('\n'),
    'sample.feature',
  );
  assert.equal(feature.name, 'Sample');
  assert.deepEqual(feature.scenarios.map((s) => s.name), ['Run 1', 'Run 2']);
  const [first] = feature.scenarios;
  assert.deepEqual(first?.steps.map((s) => [s.keyword, s.text, s.line]), [
    ['Given', 'a workflow with definition:', 3],
    ['When', 'the workflow is executed', 8],
    ['Then', 'a should run first', 9],
  ]);
  assert.deepEqual(first?.steps[0]?.docString, { content: '  do: []', mediaType: 'yaml' });
});

test('a malformed feature is rejected naming the file and the line', () => {
  assert.throws(() => parseFeature('Feature: X\n  Scenario: Y\n    Given a\n  nonsense line here', 'bad.feature'), (error: unknown) => {
    assert.ok(error instanceof FeatureParseError);
    assert.match(error.message, /^bad\.feature is not a usable Gherkin feature: .*\(4:3\)/s);
    return true;
  });
  assert.throws(() => parseFeature('# only a comment', 'empty.feature'), /empty\.feature is not a usable Gherkin feature: it has no Feature: line/);
});

test('loadFeatures reads only *.feature files, sorted, and names a missing folder', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ctk-loader-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'b.feature'), 'Feature: B\n  Scenario: S\n    Given x');
  writeFileSync(path.join(dir, 'a.feature'), 'Feature: A');
  writeFileSync(path.join(dir, 'README.md'), '# not a feature');
  assert.deepEqual(loadFeatures(dir).map((f) => [f.file, f.name, f.scenarios.length]), [['a.feature', 'A', 0], ['b.feature', 'B', 1]]);
  assert.throws(() => loadFeatures(path.join(dir, 'absent')), /absent is not a usable Gherkin feature: the folder does not exist/);
});
