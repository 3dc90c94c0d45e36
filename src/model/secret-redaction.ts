import type { Json } from './json.js';
import type { Problem } from './problems.js';

/**
 * Shorter values would match ordinary text (task names, numbers in messages) and hide nothing worth hiding; a secret
 * that short is guessable anyway. GitHub Actions draws the same line for its log masking.
 */
const MIN_REDACTED_LENGTH = 4;
const MASK = '***';

/**
 * A function that replaces every secret value in a text by `***`. An error's detail can quote the value an
 * expression failed on (`string ("s3cr3t") and number (1) cannot be added`); redacting it before the problem is
 * recorded keeps secret values out of histories, logs and terminals.
 */
export function secretRedactor(secrets: Readonly<Record<string, Json>>): (text: string) => string {
  const values = secretTexts(Object.values(secrets));
  if (values.length === 0) return (text) => text;
  return (text) => values.reduce((redacted, value) => redacted.split(value).join(MASK), text);
}

/** The problem with every string member (detail, title, extension members, nested) redacted. */
export function redactProblem(problem: Problem, redact: (text: string) => string): Problem {
  return redactJson(problem as unknown as Json, redact) as unknown as Problem;
}

function redactJson(value: Json, redact: (text: string) => string): Json {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((item) => redactJson(item, redact));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactJson(item, redact)]));
  }
  return value;
}

/** Every string or number leaf, as written and JSON-escaped, longest first so a value containing another goes whole. */
function secretTexts(values: readonly Json[]): string[] {
  const texts = new Set<string>();
  const visit = (value: Json): void => {
    if (typeof value === 'string' || typeof value === 'number') {
      const text = String(value);
      for (const form of [text, JSON.stringify(text).slice(1, -1)]) if (form.length >= MIN_REDACTED_LENGTH) texts.add(form);
    } else if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (value !== null && typeof value === 'object') {
      Object.values(value).forEach(visit);
    }
  };
  values.forEach(visit);
  return [...texts].sort((a, b) => b.length - a.length);
}
