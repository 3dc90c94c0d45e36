import type { Json } from '../index.js';
import type { Io } from './io.js';

/**
 * Shorter values would match ordinary progress text (task names, timings) and mask nothing worth hiding; a secret
 * that short is guessable anyway. GitHub Actions draws the same line for its log masking.
 */
const MIN_MASKED_LENGTH = 4;
const MASK = '***';

/**
 * An `Io` whose stderr has every secret value replaced by `***`. Progress shows error details, and an expression
 * error's detail can quote the value it failed on (`string ("s3cr3t") and number (1) cannot be added`), so a secret
 * would otherwise reach terminals and CI logs. Stdout is left alone: a workflow may output a secret on purpose, and
 * stdout is the result scripts parse.
 */
export function withMaskedStderr(io: Io, secrets: Readonly<Record<string, Json>>): Io {
  const values = secretTexts(Object.values(secrets));
  if (values.length === 0) return io;
  return {
    stdout: (text) => io.stdout(text),
    stderr: (text) => io.stderr(values.reduce((masked, value) => masked.split(value).join(MASK), text)),
  };
}

/** Every string or number leaf, as written and JSON-escaped, longest first so a value containing another goes whole. */
function secretTexts(values: readonly Json[]): string[] {
  const texts = new Set<string>();
  const visit = (value: Json): void => {
    if (typeof value === 'string' || typeof value === 'number') {
      const text = String(value);
      for (const form of [text, JSON.stringify(text).slice(1, -1)]) if (form.length >= MIN_MASKED_LENGTH) texts.add(form);
    } else if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (value !== null && typeof value === 'object') {
      Object.values(value).forEach(visit);
    }
  };
  values.forEach(visit);
  return [...texts].sort((a, b) => b.length - a.length);
}
