import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';

/**
 * Where `name` would be found by a shell with this `PATH`: the first directory holding an executable regular file of
 * that name, or `undefined`. A name with a `/` in it is a path and is checked as-is (relative paths are not
 * searched, as in POSIX `execvp`).
 */
export async function findExecutable(name: string, searchPath: string): Promise<string | undefined> {
  if (name.includes('/')) return (await isExecutableFile(name)) ? name : undefined;
  for (const directory of searchPath.split(delimiter)) {
    // An empty PATH entry means the current directory in POSIX; a workflow engine must not run what happens to
    // sit in its working directory, so empty and relative entries are skipped.
    if (directory === '' || !isAbsolute(directory)) continue;
    const candidate = join(directory, name);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    // Missing, unreadable or not executable: all mean "not found here".
    return false;
  }
}
