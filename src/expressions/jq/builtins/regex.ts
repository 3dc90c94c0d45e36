import type { Json, JsonObject } from '../../../model/json.js';
import { JqError } from '../errors.js';
import type { NativeFunctionTable } from './native-function.js';
import { typeError } from './type-error.js';

/**
 * `_match_impl/3` (f_match in jq 1.7.1's src/builtin.c), the engine under match/test/capture/scan/splits/sub/gsub,
 * on JavaScript regular expressions (`u` and `d` flags) instead of Oniguruma (Perl_NG syntax, UTF-8).
 *
 * Flags: g (all matches), i (case-insensitive), x (extended: unescaped whitespace and #-comments dropped),
 * n (empty matches dropped), s (single line: `^`/`$` anchor the whole string, already jq's default), p (also
 * `.` matches newlines), l (longest match: ignored, JS has no such mode). Anything else is jq's
 * `<flags> is not a valid modifier string`.
 *
 * Translated so results agree with Oniguruma: `\w \W \b \B \d \D` are Unicode-aware as in Oniguruma (letters,
 * marks, decimal digits, connector punctuation); `\A \z \Z \h \H` and POSIX brackets (`[[:alpha:]]`) are rewritten;
 * identity escapes of punctuation (`\-`, `\"`, `\ `) are accepted; `(?'name'…)` becomes `(?<name>…)`; a leading
 * `(?i)` becomes the i flag.
 * Differences that remain (documented in the README, tested in regex.test.ts): `$` does not match before a final
 * newline (Oniguruma's `\Z`-like `$`); no possessive quantifiers, atomic groups, `\K`, `\G`, inline flag groups
 * other than a leading `(?i)`, or backreferences to a group defined later (all of these raise the invalid-regex
 * error); `l` is ignored; a regex error's text is JavaScript's, at offset 0.
 */

/** A regex compiled for jq matching: the JS RegExp (always with `g`, `u`, `d`) and what jq's flags asked. */
export interface CompiledRegex {
  readonly regexp: RegExp;
  readonly global: boolean;
  readonly skipEmpty: boolean;
  /** Capture group names by group number (1-based; index 0 unused); null for an unnamed group. */
  readonly groupNames: ReadonlyArray<string | null>;
}

const WORD = '\\p{L}\\p{M}\\p{Nd}\\p{Pc}';
const POSIX_CLASSES: Record<string, string> = {
  alpha: '\\p{Alphabetic}',
  digit: '0-9',
  alnum: '\\p{Alphabetic}\\p{Nd}',
  upper: '\\p{Uppercase}',
  lower: '\\p{Lowercase}',
  space: '\\s',
  blank: ' \\t',
  punct: '\\p{P}',
  xdigit: '0-9A-Fa-f',
  word: WORD,
  cntrl: '\\p{Cc}',
  print: '\\p{L}\\p{M}\\p{N}\\p{P}\\p{S}\\p{Zs}',
  graph: '\\p{L}\\p{M}\\p{N}\\p{P}\\p{S}',
  ascii: '\\x00-\\x7f',
};
/** Characters that stay escaped in a JS `u` regex; other escaped punctuation loses its backslash. */
const SYNTAX_CHARACTERS = new Set('^$\\.*+?()[]{}|/');

interface Translation {
  source: string;
  groupNames: Array<string | null>;
  ignoreCase: boolean;
}

/** Rewrites an Oniguruma (Perl_NG) pattern into a JS `u` pattern and numbers its capture groups. */
function translate(pattern: string, extended: boolean): Translation {
  let source = '';
  const groupNames: Array<string | null> = [null];
  let ignoreCase = false;
  let i = 0;
  if (pattern.startsWith('(?i)')) {
    ignoreCase = true;
    i = 4;
  }
  let inClass = false;
  while (i < pattern.length) {
    const char = pattern[i] as string;
    if (char === '\\') {
      const next = pattern[i + 1];
      i += 2;
      if (next === undefined) {
        source += '\\';
        break;
      }
      source += translateEscape(next, inClass);
      if ((next === 'p' || next === 'P') && pattern[i] === '{') {
        const close = pattern.indexOf('}', i);
        if (close !== -1) {
          source += pattern.slice(i, close + 1);
          i = close + 1;
        }
      } else if (next === 'k' && pattern[i] === '<') {
        const close = pattern.indexOf('>', i);
        if (close !== -1) {
          source += pattern.slice(i, close + 1);
          i = close + 1;
        }
      }
      continue;
    }
    if (inClass) {
      if (char === '[' && pattern[i + 1] === ':') {
        const close = pattern.indexOf(':]', i + 2);
        const name = close === -1 ? undefined : pattern.slice(i + 2, close);
        const expansion = name === undefined ? undefined : POSIX_CLASSES[name];
        if (expansion !== undefined && close !== -1) {
          source += expansion;
          i = close + 2;
          continue;
        }
      }
      if (char === ']') inClass = false;
      source += char === '[' ? '\\[' : char;
      i++;
      continue;
    }
    if (extended && /\s/.test(char)) {
      i++;
      continue;
    }
    if (extended && char === '#') {
      while (i < pattern.length && pattern[i] !== '\n') i++;
      continue;
    }
    if (char === '[') {
      inClass = true;
      source += char;
      i++;
      if (pattern[i] === '^') {
        source += '^';
        i++;
      }
      if (pattern[i] === ']') {
        source += '\\]'; // a leading ] is a literal in Oniguruma
        i++;
      }
      continue;
    }
    if (char === '(') {
      if (pattern[i + 1] !== '?') {
        groupNames.push(null);
      } else if (pattern[i + 2] === '<' && pattern[i + 3] !== '=' && pattern[i + 3] !== '!') {
        const close = pattern.indexOf('>', i);
        groupNames.push(close === -1 ? null : pattern.slice(i + 3, close));
      } else if (pattern[i + 2] === "'") {
        const close = pattern.indexOf("'", i + 3);
        if (close !== -1) {
          const name = pattern.slice(i + 3, close);
          groupNames.push(name);
          source += `(?<${name}>`;
          i = close + 1;
          continue;
        }
      }
    }
    source += char;
    i++;
  }
  return { source, groupNames, ignoreCase };
}

function translateEscape(next: string, inClass: boolean): string {
  switch (next) {
    case 'w':
      return inClass ? WORD : `[${WORD}]`;
    case 'W':
      return inClass ? '\\W' : `[^${WORD}]`;
    case 'd':
      return '\\p{Nd}';
    case 'D':
      return '\\P{Nd}';
    case 'h':
      return inClass ? '0-9a-fA-F' : '[0-9a-fA-F]';
    case 'H':
      return inClass ? '\\H' : '[^0-9a-fA-F]';
    case 'b':
      return inClass ? '\\b' : `(?:(?<=[${WORD}])(?![${WORD}])|(?<![${WORD}])(?=[${WORD}]))`;
    case 'B':
      return inClass ? '\\B' : `(?:(?<=[${WORD}])(?=[${WORD}])|(?<![${WORD}])(?![${WORD}]))`;
    case 'A':
      return inClass ? 'A' : '^';
    case 'z':
      return inClass ? 'z' : '$';
    case 'Z':
      return inClass ? 'Z' : '(?=\\n?$)';
    case 'e':
      return '\\x1b';
    case 'a':
      return '\\x07';
    default:
      if (/[0-9A-Za-z]/.test(next)) return `\\${next}`;
      if (SYNTAX_CHARACTERS.has(next) || (inClass && next === '-')) return `\\${next}`;
      return next;
  }
}

const VALID_FLAGS = new Set(['g', 'i', 'x', 'n', 's', 'p', 'l']);

/** Compiles a jq regex and flags string (or null) once, for callers that match it many times. */
export function compileRegex(regex: Json, flags: Json): CompiledRegex {
  if (typeof regex !== 'string') throw typeError(regex, 'is not a string');
  let global = false;
  let ignoreCase = false;
  let extended = false;
  let skipEmpty = false;
  let dotAll = false;
  if (typeof flags === 'string') {
    for (const flag of flags) {
      if (!VALID_FLAGS.has(flag)) throw new JqError(`${flags} is not a valid modifier string`);
      if (flag === 'g') global = true;
      else if (flag === 'i') ignoreCase = true;
      else if (flag === 'x') extended = true;
      else if (flag === 'n') skipEmpty = true;
      else if (flag === 'p') dotAll = true;
    }
  } else if (flags !== null) {
    throw typeError(flags, 'is not a string');
  }
  const translation = translate(regex, extended);
  const jsFlags = `gud${ignoreCase || translation.ignoreCase ? 'i' : ''}${dotAll ? 's' : ''}`;
  let regexp: RegExp;
  try {
    regexp = new RegExp(translation.source, jsFlags);
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '') : String(error);
    throw new JqError(`${regex} (at offset 0) is not a valid regex: ${reason}`);
  }
  return { regexp, global, skipEmpty, groupNames: translation.groupNames };
}

/** Maps UTF-16 indices of one string to code point offsets (identity without surrogate pairs). */
function codePointIndexer(text: string): (index: number) => number {
  if (!/[\ud800-\udfff]/.test(text)) return (index) => index;
  const table = new Array<number>(text.length + 1);
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    table[i] = count;
    const unit = text.charCodeAt(i);
    if (!(unit >= 0xdc00 && unit < 0xe000 && i > 0 && text.charCodeAt(i - 1) >= 0xd800 && text.charCodeAt(i - 1) < 0xdc00)) count++;
  }
  table[text.length] = count;
  return (index) => table[index] as number;
}

/**
 * Runs a compiled regex as jq's f_match does: test mode answers a boolean at the first match; otherwise an array
 * of `{offset, length, string, captures}` with code point offsets. An empty match records every group as an empty
 * string at its offset and moves on one character; a group that did not take part is `{offset: -1, string: null}`.
 * Key order follows jq's objects.
 */
export function runRegex(input: Json, compiled: CompiledRegex, testMode: boolean): Json {
  if (typeof input !== 'string') throw typeError(input, 'cannot be matched, as it is not a string');
  const { regexp, global, skipEmpty, groupNames } = compiled;
  const toOffset = codePointIndexer(input);
  const results: Json[] = [];
  regexp.lastIndex = 0;
  while (regexp.lastIndex <= input.length) {
    const match = regexp.exec(input);
    if (match === null) break;
    const start = match.index;
    const end = start + match[0].length;
    if (start === end) {
      // Oniguruma's FIND_NOT_EMPTY looks for a non-empty match instead; skipping the empty one finds it next.
      regexp.lastIndex = end + (end < input.length && (input.codePointAt(end) as number) > 0xffff ? 2 : 1);
      if (skipEmpty) continue;
      if (testMode) return true;
      const offset = toOffset(start);
      const captures: Json[] = [];
      for (let group = 1; group < groupNames.length; group++) {
        captures.push({ offset, string: '', length: 0, name: groupNames[group] ?? null });
      }
      results.push({ offset, length: 0, string: '', captures });
    } else {
      regexp.lastIndex = end;
      if (testMode) return true;
      results.push(matchObject(match, toOffset, groupNames));
    }
    if (!global) break;
  }
  return testMode ? false : results;
}

function matchObject(match: RegExpExecArray, toOffset: (index: number) => number, groupNames: ReadonlyArray<string | null>): JsonObject {
  const captures: Json[] = [];
  const indices = match.indices;
  for (let group = 1; group < groupNames.length; group++) {
    const name = groupNames[group] ?? null;
    const range = indices?.[group];
    const text = match[group];
    if (range === undefined || text === undefined) {
      captures.push({ offset: -1, string: null, length: 0, name });
    } else if (text.length === 0) {
      captures.push({ offset: toOffset(range[0]), string: '', length: 0, name });
    } else {
      const offset = toOffset(range[0]);
      captures.push({ offset, length: toOffset(range[1]) - offset, string: text, name });
    }
  }
  const offset = toOffset(match.index);
  return { offset, length: toOffset(match.index + match[0].length) - offset, string: match[0], captures };
}

export const regexFunctions: NativeFunctionTable = {
  '_match_impl/3': (input, regex, flags, testMode) => {
    if (typeof input !== 'string') throw typeError(input, 'cannot be matched, as it is not a string');
    return runRegex(input, compileRegex(regex, flags), testMode === true);
  },
};
