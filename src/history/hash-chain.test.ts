import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { assertCompleted, openHarness } from '../../test/support/engine-harness.js';
import type { Json } from '../model/json.js';
import { historyReplayFlags } from './recorder.js';
import { GENESIS_HASH, chainedEvent, eventHash, hashRuleOf, storedTextHash } from './hash-chain.js';
import { ReplayFlag } from './replay-flags.js';

const event = { seq: 2, type: 'TaskCompleted', at: 1_700_000_000_000, data: { key: '/do/0/a#0:completed', output: { b: 1, a: [1, 'x'] } } as Json };

test('hash chain: the genesis hash is 64 zeros', () => {
  assert.equal(GENESIS_HASH, '0'.repeat(64));
});

test('hash chain: eventHash is sha256 of the previous hash followed by the canonical (JCS) event', () => {
  const canonical = '{"at":1700000000000,"data":{"key":"/do/0/a#0:completed","output":{"a":[1,"x"],"b":1}},"seq":2,"type":"TaskCompleted"}';
  const expected = createHash('sha256').update(GENESIS_HASH).update(canonical).digest('hex');
  assert.equal(eventHash(GENESIS_HASH, event), expected);
  assert.match(expected, /^[0-9a-f]{64}$/);
});

test('hash chain (jcs): key order in the payload does not change the hash', () => {
  const reordered = { ...event, data: { output: { a: [1, 'x'], b: 1 }, key: '/do/0/a#0:completed' } };
  assert.equal(eventHash(GENESIS_HASH, reordered), eventHash(GENESIS_HASH, event));
});

const changes = [
  { name: 'the previous hash', prev: 'f'.repeat(64), event },
  { name: 'seq', prev: GENESIS_HASH, event: { ...event, seq: 3 } },
  { name: 'type', prev: GENESIS_HASH, event: { ...event, type: 'TaskFaulted' } },
  { name: 'at', prev: GENESIS_HASH, event: { ...event, at: event.at + 1 } },
  { name: 'one payload value', prev: GENESIS_HASH, event: { ...event, data: { key: '/do/0/a#0:completed', output: { b: 2, a: [1, 'x'] } } } },
  { name: 'array order in the payload', prev: GENESIS_HASH, event: { ...event, data: { key: '/do/0/a#0:completed', output: { b: 1, a: ['x', 1] } } } },
] as const;

for (const c of changes) {
  test(`hash chain: changing ${c.name} changes the hash`, () => {
    assert.notEqual(eventHash(c.prev, c.event as typeof event), eventHash(GENESIS_HASH, event));
  });
}

test('hash chain (stored-text): sha256 of the previous hash, seq, type and at on lines of their own, then the payload text', () => {
  const dataText = JSON.stringify(event.data);
  const expected = createHash('sha256').update(`${GENESIS_HASH}\n2\nTaskCompleted\n1700000000000\n${dataText}`).digest('hex');
  assert.equal(storedTextHash(GENESIS_HASH, { seq: 2, type: 'TaskCompleted', at: event.at, dataText }), expected);
  assert.equal(eventHash(GENESIS_HASH, event, 'stored-text'), expected);
});

test('hash chain (stored-text): reordered keys or added whitespace in the stored payload change the hash', () => {
  const hashOf = (dataText: string) => storedTextHash(GENESIS_HASH, { seq: 2, type: 'TaskCompleted', at: event.at, dataText });
  const text = JSON.stringify(event.data);
  assert.notEqual(hashOf(JSON.stringify({ output: { a: [1, 'x'], b: 1 }, key: '/do/0/a#0:completed' })), hashOf(text));
  assert.notEqual(hashOf(JSON.stringify(event.data, null, 1)), hashOf(text));
  for (const c of changes) {
    assert.notEqual(eventHash(c.prev, c.event as typeof event, 'stored-text'), eventHash(GENESIS_HASH, event, 'stored-text'), c.name);
  }
});

test('hash chain: the rule follows the replay flags', () => {
  assert.equal(hashRuleOf([]), 'jcs');
  assert.equal(hashRuleOf([ReplayFlag.skipCompletedTasks]), 'jcs');
  assert.equal(hashRuleOf([ReplayFlag.skipCompletedTasks, ReplayFlag.hashStoredText]), 'stored-text');
});

test('hash chain: every event of a recorded execution hashes to its stored hash from its predecessor', async (t) => {
  const h = await openHarness(t);
  const result = await h.run(h.define([{ a: { set: { x: 1 } } }, { w: { wait: { seconds: 1 } } }, { b: { set: { y: '${ .x }' } } }]));
  assertCompleted(result);
  const history = await h.history(result.executionId);
  const rule = hashRuleOf(historyReplayFlags(history));
  assert.equal(rule, 'stored-text', 'new executions hash their payloads as stored');
  let previous = GENESIS_HASH;
  for (const stored of history) {
    assert.equal(stored.hash, eventHash(previous, { seq: stored.seq, type: stored.type, at: stored.at, data: stored.data as unknown as Json }, rule), `seq ${stored.seq}`);
    previous = stored.hash;
  }
  const state = await h.engine.getExecution(result.executionId);
  assert.equal(state?.hash, previous, 'the execution state carries the head hash');
});

test('hash chain: chainedEvent fixes seq and hash after its predecessor, and its row stores the text the hash covers', () => {
  const data = { key: '/do/0/a#0:completed', output: { b: 1, a: [2, '3'] } };
  for (const rule of ['stored-text', 'jcs'] as const) {
    const first = chainedEvent(undefined, 'TaskCompleted', 7, data, rule);
    const second = chainedEvent(first.event, 'TaskCompleted', 8, data, rule);
    assert.equal(first.event.seq, 1);
    assert.equal(second.event.seq, 2);
    assert.equal(first.event.hash, eventHash(GENESIS_HASH, { ...first.event, data: data }, rule));
    assert.equal(second.event.hash, eventHash(first.event.hash, { ...second.event, data: data }, rule));
    assert.deepEqual(second.row, { seq: 2, type: 'TaskCompleted', at: 8, data: JSON.stringify(data), hash: second.event.hash });
    assert.equal(second.event.data, data, 'the event keeps the payload object it was given');
  }
});
