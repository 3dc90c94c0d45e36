import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rawContentUrl } from './raw-content-url.js';

const cases = [
  {
    name: 'the spec example: a GitHub tree URL',
    uri: 'https://github.com/serverlessworkflow/catalog/tree/main/functions/log/1.0.0/function.yaml',
    expected:
      'https://raw.githubusercontent.com/serverlessworkflow/catalog/refs/heads/main/functions/log/1.0.0/function.yaml',
  },
  {
    name: 'a GitHub blob URL',
    uri: 'https://github.com/o/r/blob/dev/a/b.yaml',
    expected: 'https://raw.githubusercontent.com/o/r/refs/heads/dev/a/b.yaml',
  },
  {
    name: 'a GitHub tree URL at a commit',
    uri: 'https://github.com/o/r/tree/0123456789abcdef0123456789abcdef01234567/x',
    expected: 'https://raw.githubusercontent.com/o/r/0123456789abcdef0123456789abcdef01234567/x',
  },
  {
    name: 'a GitHub tree root (a catalog endpoint)',
    uri: 'https://github.com/serverlessworkflow/catalog/tree/main',
    expected: 'https://raw.githubusercontent.com/serverlessworkflow/catalog/refs/heads/main',
  },
  {
    name: 'a bare GitHub repository (the default branch)',
    uri: 'https://github.com/serverlessworkflow/catalog.git',
    expected: 'https://raw.githubusercontent.com/serverlessworkflow/catalog/HEAD',
  },
  {
    name: 'a GitLab tree URL in a subgroup',
    uri: 'https://gitlab.com/group/sub/project/-/tree/main/functions/log',
    expected: 'https://gitlab.com/group/sub/project/-/raw/main/functions/log',
  },
  {
    name: 'a self-hosted GitLab blob URL, port and query kept',
    uri: 'https://git.example.org:8443/team/project/-/blob/v2/f.yaml?inline=false',
    expected: 'https://git.example.org:8443/team/project/-/raw/v2/f.yaml?inline=false',
  },
  {
    name: 'a bare gitlab.com project',
    uri: 'https://gitlab.com/group/project',
    expected: 'https://gitlab.com/group/project/-/raw/HEAD',
  },
  {
    name: 'a raw URL, unchanged',
    uri: 'https://raw.githubusercontent.com/o/r/HEAD/x',
    expected: 'https://raw.githubusercontent.com/o/r/HEAD/x',
  },
  {
    name: 'another GitHub page, unchanged',
    uri: 'https://github.com/o/r/issues/1',
    expected: 'https://github.com/o/r/issues/1',
  },
  { name: 'another host, unchanged', uri: 'https://example.com/catalog', expected: 'https://example.com/catalog' },
  { name: 'a path, unchanged', uri: './catalog', expected: './catalog' },
] as const;

for (const c of cases) {
  test(`rawContentUrl: ${c.name}`, () => {
    assert.equal(rawContentUrl(c.uri), c.expected);
  });
}
