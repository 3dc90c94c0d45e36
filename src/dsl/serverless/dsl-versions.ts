import { isJsonObject } from '../../model/json.js';
import type { LocatableProblem } from './problem-positions.js';
import { describeValue } from './schema-descriptions.js';

/**
 * The DSL versions this loader accepts. Every one is validated against the 1.0.3 schema: 1.0.1–1.0.3 only added to
 * 1.0.0 (`set` as a bare expression, `a2a` and `mcp` calls, expressions in more fields, container `pullPolicy`), so
 * the 1.0.3 schema is a superset and accepts any valid 1.0.x document.
 */
export const supportedDslVersions = ['1.0.0', '1.0.1', '1.0.2', '1.0.3'] as const;
export type DslVersion = (typeof supportedDslVersions)[number];

export function isSupportedDslVersion(version: unknown): version is DslVersion {
  return supportedDslVersions.some((supported) => supported === version);
}

/** `document.dsl` names a version we run; a non-string is left to the schema, which reports it. */
export function dslVersionProblem(document: unknown): LocatableProblem | undefined {
  const header = isJsonObject(document) ? document.document : undefined;
  const dsl = isJsonObject(header) ? header.dsl : undefined;
  if (typeof dsl !== 'string' || isSupportedDslVersion(dsl)) return undefined;
  const expected = `a supported DSL version (${supportedDslVersions.join(', ')})`;
  const found = describeValue(dsl);
  return { pointer: '/document/dsl', message: `expected ${expected}, found ${found}`, expected, found };
}
