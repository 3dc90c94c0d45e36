/**
 * Reads the Serverless Workflow CTK's Gherkin features from the shared spec copy (`<repo>/../shared/spec/ctk`) at
 * test time; the features are never copied into this repo, so the runner always checks the spec's own text.
 * Scenarios come from `@cucumber/gherkin`'s pickles, so Backgrounds, Rules and Scenario Outlines expand the way
 * every Cucumber runner expands them; each step keeps its keyword and line for failure messages.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AstBuilder, compile, GherkinClassicTokenMatcher, Parser } from '@cucumber/gherkin';
import { IdGenerator, type FeatureChild, type GherkinDocument, type Step } from '@cucumber/messages';

/** The repository root: two levels up from `test/ctk/`. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where the spec's feature files live (a sibling checkout of the repo, not part of it). */
export const CTK_FEATURES_DIR = path.join(REPO_ROOT, '..', 'shared', 'spec', 'ctk');

export interface CtkStep {
  /** `Given`, `When`, `Then`, `And`, `But` or `*`, without the trailing space. */
  readonly keyword: string;
  /** The step text after the keyword, e.g. `given the workflow input is:`. */
  readonly text: string;
  readonly line: number;
  readonly docString?: { readonly content: string; readonly mediaType?: string };
  readonly dataTable?: readonly (readonly string[])[];
}

export interface CtkScenario {
  readonly name: string;
  readonly line: number;
  readonly tags: readonly string[];
  readonly steps: readonly CtkStep[];
}

export interface CtkFeature {
  /** File name inside the features folder, e.g. `call.feature`. */
  readonly file: string;
  readonly name: string;
  readonly scenarios: readonly CtkScenario[];
}

export class FeatureParseError extends Error {
  override readonly name = 'FeatureParseError';
  constructor(
    readonly details: { file: string; reason: string },
    options?: ErrorOptions,
  ) {
    super(`${details.file} is not a usable Gherkin feature: ${details.reason}`, options);
  }
}

/** Every `*.feature` file of `dir`, sorted by file name. Throws `FeatureParseError` naming the first bad file. */
export function loadFeatures(dir: string = CTK_FEATURES_DIR): CtkFeature[] {
  if (!existsSync(dir)) throw new FeatureParseError({ file: dir, reason: 'the folder does not exist' });
  return readdirSync(dir)
    .filter((name) => name.endsWith('.feature'))
    .sort()
    .map((name) => parseFeature(readFileSync(path.join(dir, name), 'utf8'), name));
}

export function parseFeature(text: string, file: string): CtkFeature {
  const newId = IdGenerator.incrementing();
  let document: GherkinDocument;
  try {
    document = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher()).parse(text);
  } catch (error) {
    throw new FeatureParseError({ file, reason: error instanceof Error ? error.message : String(error) }, { cause: error });
  }
  const feature = document.feature;
  if (feature === undefined) throw new FeatureParseError({ file, reason: 'it has no Feature: line' });
  const astSteps = new Map<string, Step>();
  collectSteps(feature.children, astSteps);
  const scenarios = compile(document, file, newId).map(
    (pickle): CtkScenario => ({
      name: pickle.name,
      line: pickle.location?.line ?? feature.location.line,
      tags: pickle.tags.map((tag) => tag.name),
      steps: pickle.steps.map((pickleStep): CtkStep => {
        const astStep = astSteps.get(pickleStep.astNodeIds[0] ?? '');
        const docString = pickleStep.argument?.docString;
        const dataTable = pickleStep.argument?.dataTable;
        return {
          keyword: astStep?.keyword.trim() ?? '*',
          text: pickleStep.text,
          line: astStep?.location.line ?? 0,
          ...(docString === undefined
            ? {}
            : { docString: { content: docString.content, ...(docString.mediaType ? { mediaType: docString.mediaType } : {}) } }),
          ...(dataTable === undefined ? {} : { dataTable: dataTable.rows.map((row) => row.cells.map((cell) => cell.value)) }),
        };
      }),
    }),
  );
  return { file, name: feature.name, scenarios };
}

function collectSteps(children: readonly FeatureChild[], into: Map<string, Step>): void {
  for (const child of children) {
    for (const step of child.background?.steps ?? []) into.set(step.id, step);
    for (const step of child.scenario?.steps ?? []) into.set(step.id, step);
    if (child.rule !== undefined) collectSteps(child.rule.children, into);
  }
}
