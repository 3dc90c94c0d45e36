import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dateFunctions } from './dates.js';
import { runNativeCases, type NativeCase } from './native-test-case.js';

const cases: NativeCase[] = [
  { name: 'gmtime/0', input: 1425599507, out: [2015, 2, 5, 23, 51, 47, 4, 63] },
  { name: 'gmtime/0', input: 1425599507.25, out: [2015, 2, 5, 23, 51, 47.25, 4, 63] },
  { name: 'gmtime/0', input: 0, out: [1970, 0, 1, 0, 0, 0, 4, 0] },
  { name: 'gmtime/0', input: -1.5, out: [1969, 11, 31, 23, 59, 59.5, 3, 364], why: 'jq truncates, then adds x - floor(x)' },
  { name: 'gmtime/0', input: 951782400, out: [2000, 1, 29, 0, 0, 0, 2, 59] },
  { name: 'gmtime/0', input: 'x', error: 'gmtime() requires numeric inputs' },
  { name: 'gmtime/0', input: Infinity, error: 'error converting number of seconds since epoch to datetime' },
  { name: 'localtime/0', input: 1425599507, out: [2015, 2, 5, 23, 51, 47, 4, 63], why: 'UTC here' },
  { name: 'localtime/0', input: null, error: 'localtime() requires numeric inputs' },
  { name: 'mktime/0', input: [2015, 2, 5, 23, 51, 47, 4, 63], out: 1425599507 },
  { name: 'mktime/0', input: [2015, 14, 5, 23, 51, 47.9, 0, 0], out: 1457221907, why: 'month 14 normalises; seconds truncate' },
  { name: 'mktime/0', input: [1969, 11, 31, 23, 59, 59, 0, 0], error: 'invalid gmtime representation' },
  { name: 'mktime/0', input: ['a', 1, 2, 3, 4, 5, 6, 7], error: 'mktime requires parsed datetime inputs' },
  { name: 'mktime/0', input: [2015, 1], error: 'mktime requires parsed datetime inputs' },
  { name: 'mktime/0', input: [2015, 1, 1, 0, 0, 0], error: 'mktime requires parsed datetime inputs', why: 'all eight fields' },
  { name: 'mktime/0', input: 1, error: 'mktime requires array inputs' },
  { name: 'strftime/1', input: [2015, 2, 5, 23, 51, 47, 4, 63], args: ['%Y-%m-%dT%H:%M:%SZ'], out: '2015-03-05T23:51:47Z' },
  { name: 'strftime/1', input: 1435677542.822351, args: ['%A, %B %d, %Y'], out: 'Tuesday, June 30, 2015' },
  { name: 'strftime/1', input: 1435677542.822351, args: ['%A, %B %e, %Y'], out: 'Tuesday, June 30, 2015' },
  {
    name: 'strftime/1', input: 1435677542, args: ['%a %b %c|%C %D %F %g %G %H %I %j %k %l %m %M %p %r %R %s %S %T %u %U %V %w %W %x %X %y %z %Z %% %-d %_m %^a'],
    out: 'Tue Jun Tue Jun 30 15:19:02 2015|20 06/30/15 2015-06-30 15 2015 15 03 181 15  3 06 19 PM 03:19:02 PM 15:19 1435677542 02 15:19:02 2 26 27 2 26 06/30/15 15:19:02 15 +0000 UTC % 30  6 TUE',
  },
  { name: 'strftime/1', input: [2021, 0, 1, 0, 0, 0, 5, 0], args: ['%G-W%V-%u'], out: '2020-W53-5', why: 'ISO week of 2021-01-01' },
  { name: 'strftime/1', input: ['a', 1, 2, 3, 4, 5, 6, 7], args: ['%Y'], error: 'strftime/1 requires parsed datetime inputs' },
  { name: 'strftime/1', input: 'x', args: ['%Y'], error: 'strftime/1 requires parsed datetime inputs' },
  { name: 'strftime/1', input: [], args: ['%Y'], error: 'strftime/1 requires parsed datetime inputs' },
  { name: 'strftime/1', input: [2015, 0, 1, 0, 0, 0, 0, 0], args: [1], error: 'strftime/1 requires a string format' },
  { name: 'strftime/1', input: 0, args: [''], error: 'strftime/1: unknown system failure' },
  { name: 'strflocaltime/1', input: ['a', 1, 2, 3, 4, 5, 6, 7], args: ['%Y'], error: 'strflocaltime/1 requires parsed datetime inputs' },
  { name: 'strflocaltime/1', input: 1425599507, args: ['%H:%M'], out: '23:51' },
  { name: 'strptime/1', input: '2015-03-05T23:51:47Z', args: ['%Y-%m-%dT%H:%M:%SZ'], out: [2015, 2, 5, 23, 51, 47, 4, 63] },
  { name: 'strptime/1', input: '10:30', args: ['%H:%M'], out: [1900, 0, 0, 10, 30, 0, 8, 367], why: "jq's sentinels stay without a date" },
  { name: 'strptime/1', input: '2015-03-05T23:51:47Z  ', args: ['%Y-%m-%dT%H:%M:%SZ'], out: [2015, 2, 5, 23, 51, 47, 4, 63, '  '], why: 'trailing whitespace is returned' },
  { name: 'strptime/1', input: 'Thu, 05 Mar 2015 11:51:47 PM +0100', args: ['%a, %d %b %Y %I:%M:%S %p %z'], out: [2015, 2, 5, 23, 51, 47, 4, 63] },
  { name: 'strptime/1', input: '15-3-5', args: ['%y-%m-%d'], out: [2015, 2, 5, 0, 0, 0, 4, 63] },
  { name: 'strptime/1', input: '2015 064', args: ['%Y %j'], out: [2015, 2, 5, 0, 0, 0, 4, 63], why: 'glibc derives month and day from %j' },
  { name: 'strptime/1', input: '2015-03-05x', args: ['%Y-%m-%d'], error: 'date "2015-03-05x" does not match format "%Y-%m-%d"' },
  { name: 'strptime/1', input: 1, args: ['%Y'], error: 'strptime/1 requires string inputs and arguments' },
];
runNativeCases(dateFunctions, cases);

test('every day from 1970-03-01 for 67 years reads back through strftime and strptime (jq optional.test)', () => {
  const strptime = dateFunctions['strptime/1'];
  const strftime = dateFunctions['strftime/1'];
  const mktime = dateFunctions['mktime/0'];
  assert.ok(strptime && strftime && mktime);
  const start = mktime(strptime('1970-03-01T01:02:03Z', '%Y-%m-%dT%H:%M:%SZ')) as number;
  let last;
  for (let day = 0; day < 365 * 67; day += 1) {
    const text = strftime(start + 86400 * day, '%Y-%m-%dT%H:%M:%SZ');
    last = strptime(text, '%Y-%m-%dT%H:%M:%SZ');
  }
  assert.deepEqual(last, [2037, 1, 11, 1, 2, 3, 3, 41]);
});
