import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseChallenges } from './auth-challenge.js';
import { digestAuthorization, pickDigestChallenge } from './digest.js';

// RFC 7616 §3.9.1: the worked example, one challenge per algorithm, answered for GET /dir/index.html.
const rfcChallenge =
  'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, ' +
  'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", ' +
  'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, ' +
  'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';
const cnonce = 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ';

const vectors = [
  { algorithm: 'MD5', response: '8ca523f5e9506fed4657c9700eebdbec' },
  { algorithm: 'SHA-256', response: '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1' },
] as const;
for (const v of vectors) {
  test(`answers RFC 7616's ${v.algorithm} example with its published response`, () => {
    const offered = parseChallenges(rfcChallenge).filter((c) => c.params['algorithm'] === v.algorithm);
    const challenge = pickDigestChallenge(offered);
    assert.ok(challenge !== undefined);
    const header = digestAuthorization({
      challenge,
      username: 'Mufasa',
      password: 'Circle of Life',
      method: 'GET',
      uri: '/dir/index.html',
      cnonce,
    });
    assert.match(header, new RegExp(`response="${v.response}"`));
    assert.match(header, /^Digest username="Mufasa", realm="http-auth@example.org", uri="\/dir\/index.html"/);
    assert.match(header, /nc=00000001, cnonce="f2\/wE4q74E6zIJEtWaHKaf5wv\/H5QzzpXusqGemxURZJ", qop=auth,/);
    assert.match(header, /opaque="FQhe\/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"$/);
  });
}

test('picks the strongest algorithm offered', () => {
  assert.equal(pickDigestChallenge(parseChallenges(rfcChallenge))?.algorithm, 'SHA-256');
});

test('reads several schemes in one header and skips what is not Digest', () => {
  const challenges = parseChallenges(
    'Bearer abc==, Basic realm="x, y", Digest realm="r", nonce="n", algorithm=MD5-sess',
  );
  assert.deepEqual(
    challenges.map((c) => c.scheme),
    ['Bearer', 'Basic', 'Digest'],
  );
  assert.equal(challenges[1]?.params['realm'], 'x, y');
  assert.deepEqual(pickDigestChallenge(challenges), { realm: 'r', nonce: 'n', algorithm: 'MD5-sess', userhash: false });
});

test('refuses challenges it cannot answer', () => {
  const cases = [
    'Digest realm="r", nonce="n", algorithm=SHA-1',
    'Digest realm="r", nonce="n", qop="auth-conf"',
    'Digest realm="r"',
    'Basic realm="r"',
  ];
  for (const header of cases) assert.equal(pickDigestChallenge(parseChallenges(header)), undefined, header);
});

test('answers an RFC 2069 challenge (no qop) without nc or cnonce', () => {
  const challenge = pickDigestChallenge(parseChallenges('Digest realm="r", nonce="n"'));
  assert.ok(challenge !== undefined);
  const header = digestAuthorization({ challenge, username: 'u', password: 'p', method: 'GET', uri: '/', cnonce: 'c' });
  assert.doesNotMatch(header, /nc=|cnonce=|qop=/);
  assert.match(header, /algorithm=MD5/);
});

test('hashes the username when the server asks for userhash', () => {
  const challenge = pickDigestChallenge(parseChallenges('Digest realm="r", nonce="n", qop=auth, userhash=true'));
  assert.ok(challenge !== undefined);
  const header = digestAuthorization({ challenge, username: 'u', password: 'p', method: 'GET', uri: '/', cnonce: 'c' });
  assert.match(header, /username="[0-9a-f]{32}"/);
  assert.match(header, /userhash=true$/);
});
