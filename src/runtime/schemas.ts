import { endpointUri } from './endpoint-uri.js';
import { jsonText } from '../model/json.js';
import { parse as parseYaml } from 'yaml';
import type { Json } from '../model/json.js';
import { ProblemError, problem } from '../model/problems.js';
import type { Schema } from '../model/workflow.js';
import type { TaskContext } from './task-context.js';

/**
 * Checks `data` against an input, output or export schema (DSL 1.0.3 "Schema": `{ format, document | resource }`).
 * A failure is a `validation` problem (400) naming the task and every violation. An external schema is read once
 * through a recorded effect, so replay does not read it again. Only `json` (JSON Schema) is supported; another
 * format is a `configuration` problem rather than a silent pass.
 */
export async function checkSchema(
  ctx: TaskContext,
  schema: Schema | undefined,
  data: Json,
  what: 'input' | 'output' | 'export',
  instance: string = ctx.pointer,
): Promise<void> {
  if (schema === undefined) return;
  const format = jsonText(schema.format ?? 'json').split(':')[0]?.toLowerCase();
  if (format !== 'json') {
    throw new ProblemError(
      problem('configuration', {
        detail: `${what} schema format '${jsonText(schema.format)}' is not supported (supported: json)`,
        instance,
      }),
    );
  }
  const document = 'document' in schema && schema.document !== undefined
    ? (schema.document as Json)
    : await loadExternalSchema(ctx, schema, what);
  const violations = ctx.run.ports.schemas.validate(document, data);
  if (violations.length > 0) {
    throw new ProblemError(
      problem('validation', { detail: `${what} does not match its schema: ${violations.join('; ')}`, instance }),
    );
  }
}

async function loadExternalSchema(ctx: TaskContext, schema: Schema, what: string): Promise<Json> {
  const resource = (schema as { resource?: { endpoint?: unknown } }).resource;
  const uri = endpointUri(resource?.endpoint);
  if (uri === undefined) {
    throw new ProblemError(problem('configuration', { detail: `${what} schema has neither document nor resource`, instance: ctx.pointer }));
  }
  const text = await ctx.effect(`schema/${what}`, 'resource', async (signal) =>
    ctx.run.ports.effects.readResource({ resource: { uri }, signal }),
  );
  return parseYaml(jsonText(text)) as Json;
}
