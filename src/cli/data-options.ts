import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { Json } from '../index.js';
import { UsageError } from './exit-codes.js';

/** Commander's accumulator for a repeatable option. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function parseJsonOption(text: string, option: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (error) {
    throw new UsageError(`${option} is not valid JSON: ${(error as Error).message}`);
  }
}

/** A JSON or YAML file given to `option` (YAML is a superset of JSON, so one parser reads both). */
export async function readDataFile(file: string, option: string): Promise<Json> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${option}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    return parseYaml(text) as Json;
  } catch (error) {
    throw new UsageError(`${option}: ${file} is neither JSON nor YAML: ${(error as Error).message}`);
  }
}

/**
 * The value of an inline JSON option or of its file twin (`--input`/`--input-file`, `--data`/`--data-file`); giving
 * both is bad usage. Undefined when neither is given.
 */
export async function readValueOptions(
  options: { inline?: string | undefined; file?: string | undefined },
  names: { inline: string; file: string },
): Promise<Json | undefined> {
  if (options.inline !== undefined && options.file !== undefined) throw new UsageError(`give ${names.inline} or ${names.file}, not both`);
  if (options.file !== undefined) return readDataFile(options.file, names.file);
  if (options.inline !== undefined) return parseJsonOption(options.inline, names.inline);
  return undefined;
}

/** `--secrets-file` and `--secret NAME=VALUE` together; a `--secret` overrides the file's value of the same name. */
export async function readSecrets(options: { secret?: string[]; secretsFile?: string | undefined }): Promise<Record<string, Json>> {
  return { ...(options.secretsFile === undefined ? {} : await readSecretsFile(options.secretsFile)), ...parseSecrets(options.secret ?? []) };
}

async function readSecretsFile(file: string): Promise<Record<string, Json>> {
  const secrets = await readDataFile(file, '--secrets-file');
  if (typeof secrets !== 'object' || secrets === null || Array.isArray(secrets)) throw new UsageError(`--secrets-file: ${file} must hold an object of name: value`);
  return secrets;
}

function parseSecrets(pairs: readonly string[]): Record<string, Json> {
  const secrets: Record<string, Json> = {};
  for (const pair of pairs) {
    const separator = pair.indexOf('=');
    if (separator <= 0) throw new UsageError(`--secret expects NAME=VALUE, found '${pair}'`);
    const value = pair.slice(separator + 1);
    let parsed: Json = value;
    try {
      parsed = JSON.parse(value) as Json;
    } catch {
      // not JSON: the secret is the plain string
    }
    secrets[pair.slice(0, separator)] = parsed;
  }
  return secrets;
}
