import { UsageError } from './exit-codes.js';

/** A positive integer option (`--concurrency`, `--limit`, `--at`); anything else is bad usage naming the option. */
export function parsePositiveIntegerOption(text: string, option: string): number {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 1) throw new UsageError(`${option} expects a positive integer, found '${text}'`);
  return value;
}
