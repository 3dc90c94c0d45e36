import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeToken, tokenize } from './lexer.js';

/** `kind:text` per token, without the final `end`; a number shows its value, an invalid token its reason if any. */
function lex(source: string): string[] {
  return tokenize(source)
    .filter((token) => token.kind !== 'end')
    .map((token) => {
      if (token.kind === 'number') return `number:${token.number}`;
      return `${token.kind}:${token.reason ?? token.text}`;
    });
}

const cases: { name: string; source: string; expected: string[] }[] = [
  { name: 'identity and recurse', source: '. ..', expected: ['punct:.', 'punct:..'] },
  { name: 'a field', source: '.foo.bar_1', expected: ['field:foo', 'field:bar_1'] },
  { name: 'a keyword after a dot is a field', source: '.and .__loc__', expected: ['field:and', 'field:__loc__'] },
  { name: 'keywords', source: 'if then elif else end', expected: ['keyword:if', 'keyword:then', 'keyword:elif', 'keyword:else', 'keyword:end'] },
  { name: 'a longer name is not a keyword', source: 'android ifx', expected: ['ident:android', 'ident:ifx'] },
  { name: 'true, false, null and not are names', source: 'true not', expected: ['ident:true', 'ident:not'] },
  { name: 'a module-qualified name is one identifier', source: 'a::b::c', expected: ['ident:a::b::c'] },
  { name: 'a dangling :: is two colons', source: 'a::', expected: ['ident:a', 'punct::', 'punct::'] },
  { name: 'variables', source: '$x $ENV $a::b $if', expected: ['binding:x', 'binding:ENV', 'binding:a::b', 'binding:if'] },
  { name: '$__loc__ is a token of its own', source: '$__loc__ $__loc__x', expected: ['location:$__loc__', 'binding:__loc__x'] },
  { name: 'a lone $', source: '$ x', expected: ['punct:$', 'ident:x'] },
  { name: 'formats', source: '@base64 @base32d', expected: ['format:base64', 'format:base32d'] },
  { name: 'a lone @ is invalid', source: '@ x', expected: ['invalid:@', 'ident:x'] },
  { name: 'integers and decimals', source: '0 12 1.5 1. .5', expected: ['number:0', 'number:12', 'number:1.5', 'number:1', 'number:0.5'] },
  { name: 'exponents', source: '1e3 1E-2 2.5e+1 .5e1', expected: ['number:1000', 'number:0.01', 'number:25', 'number:5'] },
  { name: 'an exponent needs digits', source: '1e', expected: ['number:1', 'ident:e'] },
  { name: 'a second dot starts a new number', source: '1.2.3', expected: ['number:1.2', 'number:0.3'] },
  { name: '.. before a digit is recurse', source: '..5', expected: ['punct:..', 'number:5'] },
  { name: 'a huge literal is infinite (jq would keep its text)', source: '1e1000', expected: ['number:Infinity'] },
  { name: 'the longest operator wins', source: '?// //= // / |= | == = != <= < >= >', expected: [
    'punct:?//', 'punct://=', 'punct://', 'punct:/', 'punct:|=', 'punct:|', 'punct:==', 'punct:=', 'punct:!=',
    'punct:<=', 'punct:<', 'punct:>=', 'punct:>',
  ] },
  { name: '.a?//1 lexes ?// (so jq rejects it)', source: '.a?//1', expected: ['field:a', 'punct:?//', 'number:1'] },
  { name: 'update operators', source: '+= -= *= /= %=', expected: ['punct:+=', 'punct:-=', 'punct:*=', 'punct:/=', 'punct:%='] },
  { name: 'a minus sign is its own token', source: '.a-1 --1', expected: ['field:a', 'punct:-', 'number:1', 'punct:-', 'punct:-', 'number:1'] },
  { name: 'a lone ! is invalid', source: '!', expected: ['invalid:!'] },
  { name: 'a plain string', source: '"abc"', expected: ['stringStart:"', 'stringText:abc', 'stringEnd:"'] },
  { name: 'the empty string', source: '""', expected: ['stringStart:"', 'stringEnd:"'] },
  { name: 'an interpolation', source: '"a\\(1)b"', expected: [
    'stringStart:"', 'stringText:a', 'interpolationStart:\\(', 'number:1', 'interpolationEnd:)', 'stringText:b', 'stringEnd:"',
  ] },
  { name: 'a string inside an interpolation', source: '"\\("x\\(.)")"', expected: [
    'stringStart:"', 'interpolationStart:\\(', 'stringStart:"', 'stringText:x', 'interpolationStart:\\(', 'punct:.',
    'interpolationEnd:)', 'stringEnd:"', 'interpolationEnd:)', 'stringEnd:"',
  ] },
  { name: 'parentheses inside an interpolation', source: '"\\((1))"', expected: [
    'stringStart:"', 'interpolationStart:\\(', 'punct:(', 'number:1', 'punct:)', 'interpolationEnd:)', 'stringEnd:"',
  ] },
  { name: 'JSON escapes', source: '"\\n\\t\\r\\b\\f\\"\\\\\\/x"', expected: ['stringStart:"', 'stringText:\n\t\r\b\f"\\/x', 'stringEnd:"'] },
  { name: 'unicode escapes and a surrogate pair', source: '"\\u00e9\\ud83d\\ude00"', expected: ['stringStart:"', 'stringText:é😀', 'stringEnd:"'] },
  { name: 'a lone low surrogate becomes U+FFFD', source: '"\\udc00"', expected: ['stringStart:"', 'stringText:\ufffd', 'stringEnd:"'] },
  { name: 'a raw newline inside a string is kept', source: '"a\nb"', expected: ['stringStart:"', 'stringText:a\nb', 'stringEnd:"'] },
  { name: 'an unknown escape', source: '"\\a"', expected: [
    'stringStart:"', 'invalid:Invalid escape at line 1, column 4 (while parsing \'"\\a"\')', 'stringEnd:"',
  ] },
  { name: 'a short \\u escape', source: '"\\u12"', expected: [
    'stringStart:"', 'invalid:Invalid \\uXXXX escape at line 1, column 6 (while parsing \'"\\u12"\')', 'stringEnd:"',
  ] },
  { name: 'a lone high surrogate', source: '"\\ud83d"', expected: [
    'stringStart:"', 'invalid:Invalid \\uXXXX\\uXXXX surrogate pair escape at line 1, column 8 (while parsing \'"\\ud83d"\')',
    'stringEnd:"',
  ] },
  { name: 'a backslash ending the input', source: '"a\\', expected: ['stringStart:"', 'stringText:a', 'invalid:\\'] },
  { name: 'an unterminated string ends at the end', source: '"abc', expected: ['stringStart:"', 'stringText:abc'] },
  { name: 'a comment runs to the newline', source: '1 # c\n2', expected: ['number:1', 'number:2'] },
  { name: 'a CR does not end a comment (jq 1.7.1)', source: '1 # c\r2', expected: ['number:1'] },
  { name: 'a backslash does not continue a comment (jq 1.7.1)', source: '1 # c \\\n2', expected: ['number:1', 'number:2'] },
  { name: 'a # inside a string is text', source: '"#x"', expected: ['stringStart:"', 'stringText:#x', 'stringEnd:"'] },
  { name: 'a CR outside a comment is invalid', source: '1\r\n', expected: ['number:1', 'invalid:\r'] },
  { name: 'a closing bracket that matches nothing is invalid', source: '}', expected: ['invalid:}'] },
  { name: 'a mismatched closing bracket is invalid', source: '(]', expected: ['punct:(', 'invalid:]'] },
  { name: 'a non-ASCII character is one invalid token', source: 'é😀', expected: ['invalid:é', 'invalid:😀'] },
];

for (const c of cases) {
  test(`lexer: ${c.name}`, () => {
    assert.deepEqual(lex(c.source), c.expected);
  });
}

test('lexer: tokens carry UTF-16 offsets and the input ends with one end token', () => {
  const tokens = tokenize('.a | "é\\(1)"');
  assert.deepEqual(
    tokens.map((token) => [token.kind, token.start, token.end]),
    [
      ['field', 0, 2], ['punct', 3, 4], ['stringStart', 5, 6], ['stringText', 6, 7], ['interpolationStart', 7, 9],
      ['number', 9, 10], ['interpolationEnd', 10, 11], ['stringEnd', 11, 12], ['end', 12, 12],
    ],
  );
});

const names: { source: string; expected: string }[] = [
  { source: 'x', expected: 'IDENT' },
  { source: '.x', expected: 'FIELD' },
  { source: '$x', expected: 'BINDING' },
  { source: '1', expected: 'LITERAL' },
  { source: '@json', expected: 'FORMAT' },
  { source: 'as', expected: 'as' },
  { source: '?', expected: "'?'" },
  { source: '==', expected: '==' },
  { source: '"', expected: 'QQSTRING_START' },
  { source: '}', expected: 'INVALID_CHARACTER' },
  { source: '', expected: 'end of file' },
];
for (const c of names) {
  test(`lexer: ${JSON.stringify(c.source)} is named ${c.expected} in errors, as bison names it`, () => {
    const [token] = tokenize(c.source);
    assert.ok(token !== undefined);
    assert.equal(describeToken(token), c.expected);
  });
}
