import { problem, ProblemError } from '../../model/problems.js';

/**
 * How a `run: script` language is executed. The spec names JavaScript (ES2024) and Python (3.13); its prose says
 * `js`, its examples `javascript`, and the schema accepts any string, so names are matched case-insensitively.
 */
export interface ScriptLanguage {
  /** Canonical name, used in messages. */
  readonly name: 'javascript' | 'python';
  /** `node`: the engine's own Node binary (`process.execPath`); `python3`: looked up on the child's `PATH`. */
  readonly interpreter: 'node' | 'python3';
  /** `.mjs` makes Node load the code as an ES module, so `import` works without a package.json. */
  readonly extension: '.mjs' | '.py';
}

const javascript: ScriptLanguage = { name: 'javascript', interpreter: 'node', extension: '.mjs' };
const python: ScriptLanguage = { name: 'python', interpreter: 'python3', extension: '.py' };

// A Map, not an object literal: `constructor` or `__proto__` must not resolve to anything.
const languages: ReadonlyMap<string, ScriptLanguage> = new Map([
  ['javascript', javascript],
  ['js', javascript],
  ['python', python],
  ['python3', python],
]);

export const SUPPORTED_SCRIPT_LANGUAGES: readonly string[] = [...languages.keys()];

/**
 * @throws ProblemError `configuration` for a language outside the table, e.g. `ruby`.
 */
export function scriptLanguage(language: string): ScriptLanguage {
  const found = languages.get(language.trim().toLowerCase());
  if (found !== undefined) return found;
  throw new ProblemError(
    problem('configuration', {
      detail:
        `script language '${language}' is not supported; expected one of ` +
        `${SUPPORTED_SCRIPT_LANGUAGES.join(', ')} (case-insensitive)`,
    }),
  );
}
