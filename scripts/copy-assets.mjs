#!/usr/bin/env node
// Copies the non-TypeScript files the code loads at run time from src/ to dist/ (tsc copies only what it compiles).
// The SQLite store reads migrations/NNNN-*.sql next to its module, so dist/store/sqlite/migrations/ must exist in the
// published package; test/integration/pack.test.ts checks the tarball.
//
//   node scripts/copy-assets.mjs          (run by `npm run build`, after tsc)
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const SOURCE = join(root, 'src');
const TARGET = join(root, 'dist');
/** File endings loaded at run time from beside their module. */
const ASSET_ENDINGS = ['.sql'];

/** @param {string} dir @returns {string[]} absolute paths of the assets below `dir` */
function findAssets(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return findAssets(path);
    return entry.isFile() && ASSET_ENDINGS.some((ending) => entry.name.endsWith(ending)) ? [path] : [];
  });
}

const assets = findAssets(SOURCE);
for (const asset of assets) {
  const target = join(TARGET, relative(SOURCE, asset));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(asset, target);
}
console.log(`copy-assets: copied ${assets.length} file(s) (${ASSET_ENDINGS.join(', ')}) from src/ to dist/`);
