/**
 * Runs one CTK scenario: each step through the step table (exactly one definition must match, and the docstring
 * must be present exactly when the definition takes one), then the replay check whenever the scenario executed
 * the workflow. Failures name the feature file, line and step, so a red test points at the spec text.
 */
import type { CtkScenario, CtkStep } from './feature-loader.js';
import { assertReplayMatches } from './replay-check.js';
import type { OpenEngine } from './scenario-world.js';
import { ScenarioWorld } from './scenario-world.js';
import { matchStep, stepDefinitions, type StepCall } from './step-definitions.js';
import { parseYamlDocString } from './yaml-docstring.js';

export class StepFailedError extends Error {
  override readonly name = 'StepFailedError';
  constructor(
    readonly details: { file: string; line: number; step: string; reason: string },
    options?: ErrorOptions,
  ) {
    super(`${details.file}:${details.line} "${details.step}" failed: ${details.reason}`, options);
  }
}

export async function runScenario(file: string, scenario: CtkScenario, openEngine: OpenEngine): Promise<void> {
  const world = new ScenarioWorld(openEngine);
  try {
    for (const step of scenario.steps) await runStep(world, file, step);
    if (world.execution !== undefined) {
      await assertReplayMatches(await world.engine(), world.execution.result.executionId);
    }
  } finally {
    await world.close();
  }
}

async function runStep(world: ScenarioWorld, file: string, step: CtkStep): Promise<void> {
  const fail = (reason: string, cause?: unknown): StepFailedError =>
    new StepFailedError({ file, line: step.line, step: `${step.keyword} ${step.text}`, reason }, cause === undefined ? undefined : { cause });
  const matches = matchStep(step.text);
  if (matches.length === 0) {
    throw fail(`no step definition matches it; the runner knows: ${stepDefinitions.map((d) => d.usage).join(' | ')}`);
  }
  if (matches.length > 1) throw fail(`it is ambiguous: ${matches.map((m) => m.definition.usage).join(' | ')}`);
  const [{ definition, args }] = matches as [(typeof matches)[number]];
  if (definition.takesDocString !== (step.docString !== undefined)) {
    throw fail(definition.takesDocString ? 'it needs a """yaml docstring and has none' : 'it takes no docstring but has one');
  }
  try {
    const docText = step.docString?.content ?? '';
    const call: StepCall = { args, docText, doc: step.docString === undefined ? null : parseYamlDocString(docText, step.docString.mediaType) };
    await definition.run(world, call);
  } catch (error) {
    throw fail(error instanceof Error ? `${error.name === 'Error' || error.name === 'AssertionError' ? '' : `${error.name}: `}${error.message}` : String(error), error);
  }
}
