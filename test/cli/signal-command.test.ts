/**
 * `itonami signal ID NAME [--data JSON]`: stores a signal for the execution (a worker's wait consumes it); exit 1 with
 * a 404 for an unknown id and a 409 for an ended execution; 2 for bad usage.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { explain, openWorkspace, problemOnStderr, runCli, singleJsonLine } from './cli-process.js';

const APPROVAL_YAML = `document: { dsl: '1.0.3', namespace: test, name: approval, version: '1.0.0' }
do:
  - approval: { listen: { to: { one: { with: { type: io.itonami.signal, subject: approve } } } } }
`;

describe('itonami signal', { timeout: 60_000 }, () => {
  let workspace: Awaited<ReturnType<typeof openWorkspace>>;
  before(async () => {
    workspace = await openWorkspace();
    await writeFile(join(workspace.dir, 'approval.yaml'), APPROVAL_YAML);
  });
  after(() => workspace.close());
  const itonami = (...args: string[]) => runCli(args, { cwd: workspace.dir });

  test('a signal stored before any worker runs is consumed by the wait; the ended execution then refuses one (409)', async () => {
    const started = await itonami('start', 'approval.yaml', '--id', 'approval-1', '--db', 'signals.db');
    assert.equal(started.code, 0, explain(started));
    const sent = await itonami('signal', 'approval-1', 'approve', '--data', '{"by":"ann"}', '--db', 'signals.db');
    assert.equal(sent.code, 0, explain(sent));
    assert.equal(sent.stdout, '');
    const worked = await itonami('worker', '--until-idle', '--max-wait', '1s', '--quiet', '--db', 'signals.db');
    assert.equal(worked.code, 0, explain(worked));
    const state = await itonami('state', 'approval-1', '--db', 'signals.db');
    assert.deepEqual((singleJsonLine(state.stdout) as { output: unknown }).output, [{ by: 'ann' }]);
    const late = await itonami('signal', 'approval-1', 'approve', '--db', 'signals.db');
    assert.equal(late.code, 1, explain(late));
    assert.equal(problemOnStderr(late)['status'], 409);
  });

  test('an unknown execution is a 404; bad --data is bad usage', async () => {
    const unknown = await itonami('signal', 'nobody', 'approve', '--db', 'signals.db');
    assert.equal(unknown.code, 1, explain(unknown));
    assert.equal(problemOnStderr(unknown)['status'], 404);
    const bad = await itonami('signal', 'approval-1', 'approve', '--data', '{nope', '--db', 'signals.db');
    assert.equal(bad.code, 2, explain(bad));
  });
});
