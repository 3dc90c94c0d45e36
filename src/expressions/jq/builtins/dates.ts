import { civilFromDays, daysFromCivil } from '../../../model/civil-days.js';
import type { Json } from '../../../model/json.js';
import { JqError } from '../errors.js';
import type { NativeFunctionTable } from './native-function.js';

/**
 * jq 1.7.1's date builtins (src/builtin.c over glibc's gmtime_r, timegm, strftime, strptime), in UTC only and in
 * pure arithmetic: the `expressions/` layer may not read a clock or a time zone. `localtime`/`strflocaltime` are
 * their UTC twins with their own messages. A broken-down time is jq's array [year, month 0–11, day 1–31, hours,
 * minutes, seconds (fractional from gmtime), weekday 0–6 from Sunday, day of year 0–365].
 */

interface BrokenDownTime {
  year: number;
  month: number;
  day: number;
  hours: number;
  minutes: number;
  seconds: number;
  weekday: number;
  yearDay: number;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** gmtime_r on `(time_t)seconds`, then jq adds the fraction `seconds - floor(seconds)` to the seconds field. */
function gmtime(seconds: number): Json {
  // glibc fails once the year leaves the int range; NaN and infinities have no time_t.
  if (!Number.isFinite(seconds) || Math.abs(seconds) > 6.7e16) {
    throw new JqError('error converting number of seconds since epoch to datetime');
  }
  const whole = Math.trunc(seconds); // C's (time_t) cast truncates toward zero, floor is used for the fraction
  const days = Math.floor(whole / 86400);
  const secondOfDay = whole - days * 86400;
  const [year, month, day] = civilFromDays(days);
  const weekday = (((days + 4) % 7) + 7) % 7;
  const yearDay = days - daysFromCivil(year, 1, 1);
  const secondsField = (secondOfDay % 60) + (seconds - Math.floor(seconds));
  return [year, month - 1, day, Math.floor(secondOfDay / 3600), Math.floor((secondOfDay % 3600) / 60), secondsField, weekday, yearDay];
}

/** C's conversion of a double to an int field: truncation. */
function toInt(value: number): number {
  return Number.isFinite(value) ? Math.trunc(value) : 0;
}

/**
 * jv2tm: the first eight fields as integers. Each must be a number, so a shorter array fails too (`[] | todate`
 * is `strftime/1 requires parsed datetime inputs` in jq 1.7, as jq-web confirms).
 */
function toBrokenDown(value: Json): BrokenDownTime | undefined {
  if (!Array.isArray(value)) return undefined;
  const fields: number[] = [];
  for (let i = 0; i < 8; i++) {
    const field = value[i];
    if (typeof field !== 'number') return undefined;
    fields.push(toInt(field));
  }
  const [year, month, day, hours, minutes, seconds, weekday, yearDay] = fields as [number, number, number, number, number, number, number, number];
  return { year, month, day, hours, minutes, seconds, weekday, yearDay };
}

/** timegm: normalises out-of-range fields (month 12 is next January), ignores weekday and day of year. */
function timegm(time: BrokenDownTime): number {
  const totalMonths = time.year * 12 + time.month;
  const year = Math.floor(totalMonths / 12);
  const month = totalMonths - year * 12;
  const days = daysFromCivil(year, month + 1, 1) + time.day - 1;
  return days * 86400 + time.hours * 3600 + time.minutes * 60 + time.seconds;
}

function mktime(input: Json): Json {
  if (!Array.isArray(input)) throw new JqError('mktime requires array inputs');
  if (input.length < 6) throw new JqError('mktime requires parsed datetime inputs');
  const time = toBrokenDown(input);
  if (time === undefined) throw new JqError('mktime requires parsed datetime inputs');
  const seconds = timegm(time);
  // timegm's error value: jq cannot tell it from 1969-12-31T23:59:59 and reports both.
  if (seconds === -1) throw new JqError('invalid gmtime representation');
  return seconds;
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function pad(value: number, width: number, padChar: string): string {
  const negative = value < 0;
  const digits = String(Math.abs(value));
  const padded = digits.length >= width ? digits : padChar.repeat(width - digits.length) + digits;
  return negative ? `-${padded}` : padded;
}

/** ISO 8601 week-based year and week (glibc's iso_week_days). */
function isoWeek(time: BrokenDownTime): [number, number] {
  const isoWeekDays = (yday: number, wday: number): number => yday - ((yday - wday + 382) % 7) + 3;
  let year = time.year;
  let days = isoWeekDays(time.yearDay, time.weekday);
  if (days < 0) {
    year--;
    days = isoWeekDays(time.yearDay + (isLeap(year) ? 366 : 365), time.weekday);
  } else {
    const next = isoWeekDays(time.yearDay - (isLeap(year) ? 366 : 365), time.weekday);
    if (next >= 0) {
      year++;
      days = next;
    }
  }
  return [year, Math.floor(days / 7) + 1];
}

/** glibc strftime in the C locale, UTC, with the `-` `_` `0` `^` `#` flags and a field width. */
function formatTime(time: BrokenDownTime, format: string): string {
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const char = format[i] as string;
    if (char !== '%') {
      out += char;
      continue;
    }
    let flag = '';
    while ('-_0^#'.includes(format[i + 1] ?? 'x')) flag += format[++i] as string;
    let width = '';
    while (/[0-9]/.test(format[i + 1] ?? 'x')) width += format[++i] as string;
    while ('EO'.includes(format[i + 1] ?? 'x')) i++;
    const spec = format[++i];
    if (spec === undefined) {
      out += `%${flag}${width}`;
      break;
    }
    const number = (value: number, size: number, padChar = '0'): string => {
      const chosen = flag.includes('-') ? '' : flag.includes('_') ? ' ' : flag.includes('0') ? '0' : padChar;
      const w = width === '' ? size : Number(width);
      return chosen === '' ? String(value) : pad(value, w, chosen);
    };
    const text = (value: string): string => {
      let result = flag.includes('^') ? value.toUpperCase() : flag.includes('#') ? swapCase(value) : value;
      if (width !== '' && result.length < Number(width)) {
        result = (flag.includes('0') ? '0' : ' ').repeat(Number(width) - result.length) + result;
      }
      return result;
    };
    const hour12 = time.hours % 12 === 0 ? 12 : time.hours % 12;
    switch (spec) {
      case 'a': out += text((WEEKDAYS[time.weekday] ?? '?').slice(0, 3)); break;
      case 'A': out += text(WEEKDAYS[time.weekday] ?? '?'); break;
      case 'b':
      case 'h': out += text((MONTHS[time.month] ?? '?').slice(0, 3)); break;
      case 'B': out += text(MONTHS[time.month] ?? '?'); break;
      case 'c': out += text(formatTime(time, '%a %b %e %H:%M:%S %Y')); break;
      case 'C': out += number(Math.floor(time.year / 100), 2); break;
      case 'd': out += number(time.day, 2); break;
      case 'D': out += text(formatTime(time, '%m/%d/%y')); break;
      case 'e': out += number(time.day, 2, ' '); break;
      case 'F': out += text(formatTime(time, '%Y-%m-%d')); break;
      case 'g': out += number(((isoWeek(time)[0] % 100) + 100) % 100, 2); break;
      case 'G': out += number(isoWeek(time)[0], 1); break;
      case 'H': out += number(time.hours, 2); break;
      case 'I': out += number(hour12, 2); break;
      case 'j': out += number(time.yearDay + 1, 3); break;
      case 'k': out += number(time.hours, 2, ' '); break;
      case 'l': out += number(hour12, 2, ' '); break;
      case 'm': out += number(time.month + 1, 2); break;
      case 'M': out += number(time.minutes, 2); break;
      case 'n': out += '\n'; break;
      case 'p': out += text(time.hours < 12 ? 'AM' : 'PM'); break;
      case 'P': out += text(time.hours < 12 ? 'am' : 'pm'); break;
      case 'r': out += text(formatTime(time, '%I:%M:%S %p')); break;
      case 'R': out += text(formatTime(time, '%H:%M')); break;
      case 's': out += number(timegm(time), 1); break;
      case 'S': out += number(time.seconds, 2); break;
      case 't': out += '\t'; break;
      case 'T': out += text(formatTime(time, '%H:%M:%S')); break;
      case 'u': out += number(time.weekday === 0 ? 7 : time.weekday, 1); break;
      case 'U': out += number(Math.floor((time.yearDay + 7 - time.weekday) / 7), 2); break;
      case 'V': out += number(isoWeek(time)[1], 2); break;
      case 'w': out += number(time.weekday, 1); break;
      case 'W': out += number(Math.floor((time.yearDay + 7 - ((time.weekday + 6) % 7)) / 7), 2); break;
      case 'x': out += text(formatTime(time, '%m/%d/%y')); break;
      case 'X': out += text(formatTime(time, '%H:%M:%S')); break;
      case 'y': out += number(((time.year % 100) + 100) % 100, 2); break;
      case 'Y': out += number(time.year, 1); break;
      case 'z': out += text('+0000'); break;
      case 'Z': out += text('UTC'); break;
      case '%': out += '%'; break;
      default: out += `%${flag}${width}${spec}`;
    }
  }
  return out;
}

function swapCase(value: string): string {
  return value === value.toUpperCase() ? value.toLowerCase() : value.toUpperCase();
}

function strftime(input: Json, format: Json, name: string, toTime: (seconds: number) => Json): Json {
  let value = input;
  if (typeof value === 'number') {
    value = toTime(value);
  } else if (!Array.isArray(value)) {
    throw new JqError(`${name}/1 requires parsed datetime inputs`);
  }
  if (typeof format !== 'string') throw new JqError(`${name}/1 requires a string format`);
  const time = toBrokenDown(value);
  if (time === undefined) throw new JqError(`${name}/1 requires parsed datetime inputs`);
  const text = formatTime(time, format);
  // C's strftime returns 0 for an empty result, which jq reports as a failure.
  if (text === '') throw new JqError(`${name}/1: unknown system failure`);
  return text;
}

interface ParseState {
  time: BrokenDownTime;
  at: number;
  wantDays: boolean;
  haveWeekday: boolean;
  haveYearDay: boolean;
  haveMonth: boolean;
  haveDay: boolean;
  pm: boolean | undefined;
  haveTwelveHour: boolean;
  century: number | undefined;
  yearInCentury: number | undefined;
}

const isSpace = (char: string | undefined): boolean => char !== undefined && /[ \t\n\v\f\r]/.test(char);

/** glibc strptime in the C locale. Returns the index where parsing stopped, or undefined on a mismatch. */
function parseTime(input: string, format: string, state: ParseState): number | undefined {
  const number = (min: number, max: number, digits: number): number | undefined => {
    while (isSpace(input[state.at])) state.at++;
    let value = 0;
    let count = 0;
    while (count < digits && /[0-9]/.test(input[state.at] ?? 'x')) {
      value = value * 10 + Number(input[state.at]);
      state.at++;
      count++;
    }
    return count === 0 || value < min || value > max ? undefined : value;
  };
  const name = (names: string[]): number | undefined => {
    const rest = input.slice(state.at).toLowerCase();
    for (let i = 0; i < names.length; i++) {
      const full = (names[i] as string).toLowerCase();
      if (rest.startsWith(full)) {
        state.at += full.length;
        return i;
      }
    }
    for (let i = 0; i < names.length; i++) {
      if (rest.startsWith((names[i] as string).toLowerCase().slice(0, 3))) {
        state.at += 3;
        return i;
      }
    }
    return undefined;
  };
  const time = state.time;
  for (let i = 0; i < format.length; i++) {
    const char = format[i] as string;
    if (isSpace(char)) {
      while (isSpace(input[state.at])) state.at++;
      continue;
    }
    if (char !== '%') {
      if (input[state.at] !== char) return undefined;
      state.at++;
      continue;
    }
    while ('-_0^#EO'.includes(format[i + 1] ?? 'x')) i++;
    const spec = format[++i];
    let value: number | undefined;
    const sub = (inner: string): boolean => parseTime(input, inner, state) !== undefined;
    switch (spec) {
      case 'a':
      case 'A':
        if ((value = name(WEEKDAYS)) === undefined) return undefined;
        time.weekday = value;
        state.haveWeekday = true;
        break;
      case 'b':
      case 'B':
      case 'h':
        if ((value = name(MONTHS)) === undefined) return undefined;
        time.month = value;
        state.haveMonth = true;
        state.wantDays = true;
        break;
      case 'c': if (!sub('%a %b %e %H:%M:%S %Y')) return undefined; break;
      case 'C':
        if ((value = number(0, 99, 2)) === undefined) return undefined;
        state.century = value;
        state.wantDays = true;
        break;
      case 'd':
      case 'e':
        if ((value = number(1, 31, 2)) === undefined) return undefined;
        time.day = value;
        state.haveDay = true;
        state.wantDays = true;
        break;
      case 'D':
      case 'x': if (!sub('%m/%d/%y')) return undefined; break;
      case 'F': if (!sub('%Y-%m-%d')) return undefined; break;
      case 'H':
      case 'k':
        if ((value = number(0, 23, 2)) === undefined) return undefined;
        time.hours = value;
        break;
      case 'I':
      case 'l':
        if ((value = number(1, 12, 2)) === undefined) return undefined;
        time.hours = value % 12;
        state.haveTwelveHour = true;
        break;
      case 'j':
        if ((value = number(1, 366, 3)) === undefined) return undefined;
        time.yearDay = value - 1;
        state.haveYearDay = true;
        break;
      case 'm':
        if ((value = number(1, 12, 2)) === undefined) return undefined;
        time.month = value - 1;
        state.haveMonth = true;
        state.wantDays = true;
        break;
      case 'M':
        if ((value = number(0, 59, 2)) === undefined) return undefined;
        time.minutes = value;
        break;
      case 'n':
      case 't':
        while (isSpace(input[state.at])) state.at++;
        break;
      case 'p':
      case 'P': {
        const rest = input.slice(state.at, state.at + 2).toUpperCase();
        if (rest !== 'AM' && rest !== 'PM') return undefined;
        state.pm = rest === 'PM';
        state.at += 2;
        break;
      }
      case 'r': if (!sub('%I:%M:%S %p')) return undefined; break;
      case 'R': if (!sub('%H:%M')) return undefined; break;
      case 's': {
        const match = /^-?[0-9]+/.exec(input.slice(state.at));
        if (match === null) return undefined;
        state.at += match[0].length;
        const parsed = gmtime(Number(match[0])) as number[];
        [time.year, time.month, time.day, time.hours, time.minutes, time.seconds, time.weekday, time.yearDay] =
          parsed as [number, number, number, number, number, number, number, number];
        state.haveWeekday = true;
        state.haveYearDay = true;
        break;
      }
      case 'S':
        if ((value = number(0, 61, 2)) === undefined) return undefined;
        time.seconds = value;
        break;
      case 'T':
      case 'X': if (!sub('%H:%M:%S')) return undefined; break;
      case 'u':
        if ((value = number(1, 7, 1)) === undefined) return undefined;
        time.weekday = value % 7;
        state.haveWeekday = true;
        break;
      case 'w':
        if ((value = number(0, 6, 1)) === undefined) return undefined;
        time.weekday = value;
        state.haveWeekday = true;
        break;
      case 'U':
      case 'V':
      case 'W':
        if (number(0, 53, 2) === undefined) return undefined;
        break;
      case 'g':
        if (number(0, 99, 2) === undefined) return undefined;
        break;
      case 'G':
        if (!/[0-9]/.test(input[state.at] ?? 'x')) return undefined;
        while (/[0-9]/.test(input[state.at] ?? 'x')) state.at++;
        break;
      case 'y':
        if ((value = number(0, 99, 2)) === undefined) return undefined;
        state.yearInCentury = value;
        time.year = value >= 69 ? 1900 + value : 2000 + value;
        state.wantDays = true;
        break;
      case 'Y':
        if ((value = number(0, 9999, 4)) === undefined) return undefined;
        time.year = value;
        state.wantDays = true;
        break;
      case 'z': {
        while (isSpace(input[state.at])) state.at++;
        if (input[state.at] === 'Z') {
          state.at++;
          break;
        }
        const match = /^[+-][0-9]{2}(?::?[0-9]{2})?/.exec(input.slice(state.at));
        if (match === null) return undefined;
        state.at += match[0].length;
        break;
      }
      case 'Z':
        while (isSpace(input[state.at])) state.at++;
        while (state.at < input.length && !isSpace(input[state.at])) state.at++;
        break;
      case '%':
        if (input[state.at] !== '%') return undefined;
        state.at++;
        break;
      default:
        return undefined;
    }
  }
  return state.at;
}

function strptime(input: Json, format: Json): Json {
  if (typeof input !== 'string' || typeof format !== 'string') {
    throw new JqError('strptime/1 requires string inputs and arguments');
  }
  // jq zeroes the struct (year 1900) and marks weekday and day of year with the sentinels 8 and 367.
  const time: BrokenDownTime = { year: 1900, month: 0, day: 0, hours: 0, minutes: 0, seconds: 0, weekday: 8, yearDay: 367 };
  const state: ParseState = {
    time, at: 0, wantDays: false, haveWeekday: false, haveYearDay: false, haveMonth: false, haveDay: false, pm: undefined, haveTwelveHour: false, century: undefined, yearInCentury: undefined,
  };
  const end = parseTime(input, format, state);
  if (end === undefined || (end < input.length && !isSpace(input[end]))) {
    throw new JqError(`date "${input}" does not match format "${format}"`);
  }
  if (state.pm === true && state.haveTwelveHour) time.hours += 12;
  if (state.century !== undefined) time.year = state.century * 100 + (state.yearInCentury ?? 0);
  // glibc derives the weekday and day of year once a date field was parsed (day 0 is the previous month's last);
  // otherwise jq's sentinels 8 and 367 stay, as jq only fills them in for a non-zero day.
  if (state.wantDays && !state.haveWeekday && state.haveYearDay && !(state.haveMonth && state.haveDay)) {
    // glibc derives the missing month and day from the day of the year (%Y %j).
    const [, month, day] = civilFromDays(daysFromCivil(time.year, 1, 1) + time.yearDay);
    if (!state.haveMonth) time.month = month - 1;
    if (!state.haveDay) time.day = day;
  }
  if (state.wantDays) {
    const days = daysFromCivil(time.year, time.month + 1, time.day);
    if (!state.haveWeekday) time.weekday = (((days + 4) % 7) + 7) % 7;
    if (!state.haveYearDay) time.yearDay = days - daysFromCivil(time.year, 1, 1);
  }
  const result: Json[] = [time.year, time.month, time.day, time.hours, time.minutes, time.seconds, time.weekday, time.yearDay];
  if (end < input.length) result.push(input.slice(end));
  return result;
}

function requireSeconds(input: Json, message: string): number {
  if (typeof input !== 'number') throw new JqError(message);
  return input;
}

export const dateFunctions: NativeFunctionTable = {
  'mktime/0': mktime,
  'gmtime/0': (input) => gmtime(requireSeconds(input, 'gmtime() requires numeric inputs')),
  'localtime/0': (input) => gmtime(requireSeconds(input, 'localtime() requires numeric inputs')),
  'strftime/1': (input, format) => strftime(input, format, 'strftime', gmtime),
  'strflocaltime/1': (input, format) => strftime(input, format, 'strflocaltime', gmtime),
  'strptime/1': (input, format) => strptime(input, format),
};
