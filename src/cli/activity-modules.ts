import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type ActivityDefinition, defineActivity, isActivityDefinition } from '../index.js';
import { UsageError } from './exit-codes.js';

/**
 * Imports the ES modules of `--activities` and registers every export that is an activity definition
 * (`{ name, run }`, with any of `inputSchema`, `timeout`, `retry`, `heartbeatTimeout`) under its name. A module that
 * cannot be imported, that exports no activity, an activity whose options are invalid (the check `defineActivity`
 * makes), and two activities with one name are bad usage (exit 2).
 */
export async function loadActivityModules(modules: readonly string[]): Promise<Record<string, ActivityDefinition>> {
  const activities: Record<string, ActivityDefinition> = {};
  const origins = new Map<string, string>();
  for (const module of modules) {
    let exports: Record<string, unknown>;
    try {
      exports = (await import(pathToFileURL(path.resolve(module)).href)) as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(`--activities ${module}: cannot import it: ${error instanceof Error ? error.message : String(error)}`);
    }
    const found = Object.entries(exports).filter((entry): entry is [string, ActivityDefinition] => isActivityDefinition(entry[1]));
    if (found.length === 0) throw new UsageError(`--activities ${module}: it exports no activity (an object { name, run })`);
    for (const [exportName, activity] of found) {
      try {
        defineActivity(activity);
      } catch (error) {
        throw new UsageError(`--activities ${module}: export ${exportName}: ${error instanceof Error ? error.message : String(error)}`);
      }
      const earlier = origins.get(activity.name);
      if (earlier !== undefined) throw new UsageError(`--activities: two activities are named ${activity.name} (in ${earlier} and ${module})`);
      origins.set(activity.name, module);
      activities[activity.name] = activity;
    }
  }
  return activities;
}
