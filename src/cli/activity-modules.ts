import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type RegisteredFunction, isActivityDefinition } from '../index.js';
import { UsageError } from './exit-codes.js';

/**
 * Imports the ES modules of `--activities` and registers every export that is an activity definition
 * (`{ name, run }`) under its name. A module that cannot be imported, or that exports no activity, and two activities
 * with one name are bad usage (exit 2).
 */
export async function loadActivityModules(modules: readonly string[]): Promise<Record<string, RegisteredFunction>> {
  const functions: Record<string, RegisteredFunction> = {};
  const origins = new Map<string, string>();
  for (const module of modules) {
    let exports: Record<string, unknown>;
    try {
      exports = (await import(pathToFileURL(path.resolve(module)).href)) as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(`--activities ${module}: cannot import it: ${error instanceof Error ? error.message : String(error)}`);
    }
    const activities = Object.values(exports).filter(isActivityDefinition);
    if (activities.length === 0) throw new UsageError(`--activities ${module}: it exports no activity (an object { name, run })`);
    for (const activity of activities) {
      const earlier = origins.get(activity.name);
      if (earlier !== undefined) throw new UsageError(`--activities: two activities are named ${activity.name} (in ${earlier} and ${module})`);
      origins.set(activity.name, module);
      functions[activity.name] = activity.run;
    }
  }
  return functions;
}
