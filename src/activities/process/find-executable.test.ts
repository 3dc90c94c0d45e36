import assert from 'node:assert/strict';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { findExecutable } from './find-executable.js';
import { tempDir } from '../../../test/support/temp-dir.js';

test('findExecutable takes the first executable on PATH, skipping non-executables and relative entries', async (t) => {
  const root = await tempDir(t, 'itonami-find-');
  const plain = join(root, 'plain');
  await writeFile(plain, '');
  await chmod(plain, 0o644);
  const tool = join(root, 'tool');
  await writeFile(tool, '#!/bin/sh\n');
  await chmod(tool, 0o755);
  const path = ['', 'relative', root].join(':');
  assert.equal(await findExecutable('tool', path), tool);
  assert.equal(await findExecutable('plain', path), undefined);
  assert.equal(await findExecutable('missing', path), undefined);
  assert.equal(await findExecutable(tool, ''), tool);
  assert.equal(await findExecutable(root, root), undefined);
});
