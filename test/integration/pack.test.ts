/**
 * The published package works: `npm pack` (which builds dist/ through `prepack`), install the tarball into a fresh
 * project, run its `itonami` bin on an example, and get the same answer the repository's own bin/itonami gives.
 * This catches what only packaging breaks: a file missing from `files`, an asset tsc does not copy, a bin that is not
 * executable, a dependency listed under devDependencies. It installs from the registry (with --prefer-offline, so a
 * warm cache makes it quick), except for the native dependencies, which it takes already built from the repository
 * (see seedBuiltPackages): about 20 seconds instead of over three minutes.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { access, copyFile, cp, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../support/temp-dir.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE = 'hello-world.yaml';
const TIMEOUT_MS = 600_000;
/** The dependencies npm compiles from source on install (no prebuilt binary can be downloaded here). */
const NATIVE_PACKAGES = ['better-sqlite3', '@hanazuki/node-jsonnet'];

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * npm, when it runs this test through `npm test`, exports its own state as npm_* variables (npm_config_*,
 * npm_package_*, npm_lifecycle_*); a nested npm would take them as settings of the outer run. Drop them.
 */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
}

function run(command: string, args: readonly string[], cwd: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', reject);
    child.once('close', (code, signal) =>
      resolve({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }),
    );
  });
}

function explain(what: string, result: RunResult): string {
  return `${what} exited with ${result.code ?? result.signal}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

function npmMissing(): string | false {
  const probe = spawnSync('npm', ['--version'], { stdio: 'ignore' });
  return probe.error === undefined ? false : `npm is not on PATH (${probe.error.message}); cannot pack the package`;
}

interface PackageManifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false; // absent is an answer here, not a failure
  }
}

/** Where Node would load `name` from for the package in `fromDir`: its own node_modules, then each one above it. */
async function resolveInstalled(name: string, fromDir: string): Promise<string | undefined> {
  for (let dir = fromDir; !relative(repo, dir).startsWith('..'); dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (await exists(join(candidate, 'package.json'))) return candidate;
  }
  return undefined;
}

/**
 * Installing the tarball compiles better-sqlite3 and node-jsonnet from source (~3 minutes on 2 cores), although
 * `npm ci` compiled the very same versions for the repository. So before `npm install <tarball>`, copy the
 * repository's built copies of those packages, and everything they need at run time, into the project's
 * node_modules at the same paths. npm then finds them installed at the versions the tarball asks for, keeps them
 * and runs no install script for them; everything else it still resolves from the tarball's dependency list and
 * installs from the registry. Nothing is taken on trust: a seeded package the tarball does not depend on is pruned
 * as extraneous, one at another version is replaced (and compiled), and `npm ls` below checks the tree is complete.
 * Alternatives do not remove the compile: an npm cache with --offline only saves downloads, and there is no npm
 * setting to reuse another tree's build/. `npm install --ignore-scripts` plus copying build/ would skip every other
 * package's install scripts too. The copies are taken with their nested node_modules left out, so each nested
 * package is copied only if the walk reaches it, and npm's own .bin links are left for npm to recreate.
 */
async function seedBuiltPackages(project: string): Promise<readonly string[]> {
  const seeded = new Set<string>();
  const pending: string[] = [];
  for (const name of NATIVE_PACKAGES) {
    const dir = await resolveInstalled(name, repo);
    // Without a repository copy, npm installs (and compiles) it as it would without seeding.
    if (dir !== undefined) pending.push(dir);
  }
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    if (seeded.has(dir)) continue;
    seeded.add(dir);
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as PackageManifest;
    const optional = new Set([
      ...Object.keys(manifest.optionalDependencies ?? {}),
      ...Object.entries(manifest.peerDependenciesMeta ?? {}).filter(([, meta]) => meta.optional === true).map(([name]) => name),
    ]);
    const names = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.optionalDependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]);
    for (const name of names) {
      const found = await resolveInstalled(name, dir);
      // npm does not complete the dependencies of a package it finds already installed, so a gap here would leave
      // the project's tree incomplete; `npm ci` in the repository is what fixes it.
      if (found === undefined && !optional.has(name)) {
        throw new Error(`${relative(repo, dir)} needs ${name}, which the repository's node_modules lacks; run npm ci`);
      }
      if (found !== undefined) pending.push(found);
    }
  }
  for (const dir of seeded) {
    const nested = join(dir, 'node_modules');
    await cp(dir, join(project, relative(repo, dir)), {
      recursive: true,
      verbatimSymlinks: true,
      filter: (source) => source !== nested,
    });
  }
  return [...seeded].map((dir) => relative(repo, dir)).sort();
}

test('the packed package installs and its itonami bin runs an example as the repository does', {
  skip: npmMissing(),
  timeout: TIMEOUT_MS,
}, async (t) => {
  const scratch = await tempDir(t, 'itonami-pack-');
  const example = join(repo, 'examples', EXAMPLE);

  // The repository's own answer is the expected one; run it first so a broken example fails here, not below.
  const repoRunDir = join(scratch, 'repo-run');
  await mkdir(repoRunDir);
  await copyFile(example, join(repoRunDir, EXAMPLE));
  const expected = await run(process.execPath, [join(repo, 'bin', 'itonami'), 'run', EXAMPLE], repoRunDir);
  assert.equal(expected.code, 0, explain(`bin/itonami run examples/${EXAMPLE} (from the repository)`, expected));
  assert.notEqual(expected.stdout, '', `bin/itonami run examples/${EXAMPLE} printed nothing`);

  const packDir = join(scratch, 'pack');
  await mkdir(packDir);
  const pack = await run('npm', ['pack', '--pack-destination', packDir, '--no-audit', '--no-fund'], repo);
  assert.equal(pack.code, 0, explain('npm pack (prepack builds dist/)', pack));
  const tarballs = (await readdir(packDir)).filter((name) => name.endsWith('.tgz'));
  assert.equal(tarballs.length, 1, `npm pack left ${tarballs.length} tarballs in ${packDir}: ${tarballs.join(', ')}`);
  const tarball = join(packDir, tarballs[0] ?? '');

  const listing = await run('tar', ['-tzf', tarball], scratch);
  assert.equal(listing.code, 0, explain(`tar -tzf ${tarball}`, listing));
  const files = new Set(listing.stdout.split('\n').filter((line) => line !== ''));
  for (const required of ['package/package.json', 'package/bin/itonami', 'package/dist/cli/main.js', `package/examples/${EXAMPLE}`]) {
    assert.ok(files.has(required), `the tarball lacks ${required}; it holds:\n${[...files].sort().join('\n')}`);
  }
  // tsc does not copy .sql: the SQLite store loads its migrations from dist/ at run time (scripts/copy-assets.mjs).
  const migrations = (await readdir(join(repo, 'src', 'store', 'sqlite', 'migrations'))).filter((name) => name.endsWith('.sql'));
  assert.ok(migrations.includes('0001-initial-schema.sql'), `src/store/sqlite/migrations holds ${migrations.join(', ')}`);
  for (const migration of migrations) {
    const required = `package/dist/store/sqlite/migrations/${migration}`;
    assert.ok(files.has(required), `the tarball lacks ${required}; is scripts/copy-assets.mjs part of npm run build?`);
  }
  const sources = [...files].filter((path) => path.startsWith('package/src/') || path.startsWith('package/test/'));
  assert.deepEqual(sources, [], 'the tarball ships sources or tests; bin/itonami would then run src/ through tsx');

  const project = join(scratch, 'project');
  await mkdir(project);
  await writeFile(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'itonami-pack-check', version: '0.0.0', private: true, type: 'module' }, null, 2)}\n`,
  );
  const seeded = await seedBuiltPackages(project);
  t.diagnostic(`seeded ${seeded.length} packages from the repository: ${NATIVE_PACKAGES.join(', ')} and what they need`);
  const install = await run('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline'], project);
  assert.equal(install.code, 0, explain(`npm install ${tarball}`, install));
  t.diagnostic(install.stdout.trim());
  const tree = await run('npm', ['ls', '--all'], project);
  assert.equal(tree.code, 0, explain('npm ls --all (is the installed tree complete after seeding?)', tree));

  await copyFile(example, join(project, EXAMPLE));
  const installed = await run(join(project, 'node_modules', '.bin', 'itonami'), ['run', EXAMPLE], project);
  assert.equal(installed.code, 0, explain(`node_modules/.bin/itonami run ${EXAMPLE} (installed)`, installed));
  assert.equal(installed.stdout, expected.stdout, 'the installed package answers differently from the repository');
});
