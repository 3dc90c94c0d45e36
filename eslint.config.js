// @ts-check
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import importPlugin from 'eslint-plugin-import';
import tseslint from 'typescript-eslint';

const root = fileURLToPath(new URL('.', import.meta.url));

const TS_FILES = ['**/*.ts', '**/*.mts', '**/*.cts'];
const JS_FILES = ['**/*.js', '**/*.mjs', '**/*.cjs', 'bin/itonami'];
const TEST_FILES = ['**/*.test.ts', 'test/**', 'bench/**'];

/**
 * STYLE.md §3, the import table: what each layer (a folder of src/) may import besides itself; `values` may be
 * imported at all, `types` only with `import type`. `model` is the bottom layer, so every layer may import it.
 * "The Store interface" is `store/store.ts` plus `store/errors.ts` (`StoreConflictError` is part of the `append`
 * contract that history and the scheduler catch). Every layer but `model` may import observability's types (the
 * `Logger` it is handed, metric names); only src/index.ts imports observability's implementation.
 *
 * Two rules share the work, because import/no-restricted-paths cannot tell `import type` from a value import:
 * - import/no-restricted-paths gets `values` + `types` (+ observability) as allowed paths: resolved paths, so it
 *   catches any folder depth;
 * - @typescript-eslint/no-restricted-imports with allowTypeImports rejects a value import from the `types` folders.
 *   It matches the specifier text (`../../activities/…`), which is exact for relative imports inside src/.
 * `import { type X }` keeps a load-time import under verbatimModuleSyntax; no-import-type-side-effects flags it.
 */
const STORE_INTERFACE = ['store/store.ts', 'store/errors.ts'];
/** @type {Record<string, { values: string[]; types?: string[]; deterministic?: boolean }>} */
const layers = {
  model: { values: [] },
  dsl: { values: ['model'] },
  expressions: { values: ['model'], deterministic: true },
  history: { values: ['model', ...STORE_INTERFACE], deterministic: true },
  store: { values: ['model'] },
  runtime: { values: ['model', 'expressions', 'history'], types: ['activities', 'events'], deterministic: true },
  activities: { values: ['model'] },
  events: { values: ['model', ...STORE_INTERFACE] },
  scheduler: { values: ['model', 'runtime', 'history', 'events', ...STORE_INTERFACE] },
  observability: {
    values: ['model'],
    types: ['dsl', 'expressions', 'history', 'store', 'runtime', 'activities', 'events', 'scheduler'],
  },
  server: { values: ['index.ts'] },
  cli: { values: ['index.ts'] },
};

const describeLayer = (/** @type {string} */ name) => {
  const { values, types = [] } = layers[name] ?? { values: [] };
  if (values.length === 0 && types.length === 0) return `src/${name} imports nothing of ours`;
  const typeText = types.length === 0 ? '' : `; types only from ${types.join(', ')}`;
  const observability = name === 'model' || name === 'observability' ? '' : '; types from observability';
  return `src/${name} may import ${values.join(', ')}${typeText}${observability}`;
};

const boundaryZones = Object.entries(layers).map(([name, { values, types = [] }]) => ({
  target: `./src/${name}`,
  from: './src',
  except: [name, ...values, ...types, ...(name === 'model' ? [] : ['observability'])]
    .filter((path, index, all) => all.indexOf(path) === index)
    .map((path) => `./${path}`),
  message: `${describeLayer(name)} (STYLE.md §3).`,
}));

/** A relative specifier from inside src/ whose first folder after the `../` run is one of `folders`. */
const folderPattern = (/** @type {string[]} */ folders, /** @type {string} */ message) => ({
  regex: `^(\\.\\./)+(${folders.join('|')})(/|$)`,
  allowTypeImports: true,
  message,
});

// Determinism (STYLE.md §3, DESIGN.md "the execution model"): replay must see the same inputs, so runtime, history
// and expressions take time, randomness and I/O only from what the engine hands them.
const USE_CLOCK = 'Nondeterministic: use ctx.clock.now() (recorded in history), not the wall clock.';
const USE_PARK = 'Nondeterministic: use ctx.park({ until }) for a durable wait; timers belong to the scheduler.';
const USE_EFFECTS = 'Side effect: ask ctx.effects (recorded before use); runtime, history and expressions do no I/O.';
const USE_RANDOM = 'Nondeterministic: use ctx.random (recorded in history).';
const USE_OPTIONS = 'Process state does not replay: take it from the engine options or ctx (secrets via $secrets).';

const determinismGlobals = [
  { name: 'Date', message: USE_CLOCK },
  { name: 'performance', message: USE_CLOCK },
  ...['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate'].map(
    (name) => ({ name, message: USE_PARK }),
  ),
  { name: 'fetch', message: USE_EFFECTS },
  { name: 'WebSocket', message: USE_EFFECTS },
  { name: 'process', message: USE_OPTIONS },
  { name: 'crypto', message: USE_RANDOM },
];

const EFFECT_MODULES = 'fs|net|http|https|http2|child_process|dgram|dns|tls|os|timers|perf_hooks';
const determinismSyntax = [
  { selector: "MemberExpression[object.name='Math'][property.name='random']", message: USE_RANDOM },
  { selector: "NewExpression[callee.name='Date']", message: USE_CLOCK },
  { selector: "MemberExpression[object.name='Date'][property.name='now']", message: USE_CLOCK },
  { selector: 'MemberExpression[property.name=/^(randomUUID|getRandomValues|randomBytes|randomInt)$/]', message: USE_RANDOM },
  {
    selector: "MemberExpression[object.name='globalThis']",
    message: 'Reaching a global through globalThis bypasses the determinism rules; take the value from ctx.',
  },
  { selector: `ImportExpression[source.value=/^(node:)?(${EFFECT_MODULES})(\\u002F|$)/]`, message: USE_EFFECTS },
];

const builtin = (/** @type {string} */ name, /** @type {string} */ message) => [
  { name: `node:${name}`, message },
  { name, message },
];
const determinismImportPaths = [
  ...['fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'child_process', 'dgram', 'dns', 'tls'].flatMap((name) =>
    builtin(name, USE_EFFECTS),
  ),
  ...builtin('os', USE_OPTIONS),
  ...builtin('timers', USE_PARK),
  ...builtin('timers/promises', USE_PARK),
  ...builtin('perf_hooks', USE_CLOCK),
  // node:crypto stays importable: history hashes its chain with createHash. Only its random sources are out.
  // node:module is allowed too: expressions/jq-web-engine.ts loads jq-web with createRequire.
  ...['node:crypto', 'crypto'].map((name) => ({
    name,
    importNames: ['randomUUID', 'randomBytes', 'randomInt', 'getRandomValues', 'webcrypto'],
    message: USE_RANDOM,
  })),
];

/** One config object per layer: the rule's options are replaced, not merged, when two objects set it for a file. */
const layerImportRules = Object.entries(layers).map(([name, { types = [], deterministic = false }]) => {
  const patterns = [];
  if (types.length > 0) {
    patterns.push(folderPattern(types, `${describeLayer(name)}: use \`import type\` (STYLE.md §3).`));
  }
  if (name !== 'model' && name !== 'observability') {
    patterns.push(
      folderPattern(['observability'], 'Only src/index.ts imports the observability implementation; `import type` here (STYLE.md §3).'),
    );
  }
  return {
    files: [`src/${name}/**/*.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: deterministic ? determinismImportPaths : [], patterns },
      ],
    },
  };
});

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', '.tmp/', 'ui/', 'coverage/'] },

  js.configs.recommended,

  // Type-aware rules for TypeScript (the projectService reads tsconfig.json, which includes src, test, bench, scripts).
  // recommendedTypeChecked also turns off the core rules TypeScript checks better (no-undef, no-redeclare …).
  {
    files: TS_FILES,
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: root },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's test()/describe() return promises the runner itself awaits.
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // An async method without await is how an in-memory implementation meets a Promise-returning interface (and
      // turns a throw into a rejection); flagging it is noise.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },

  // Plain JavaScript: this file, scripts/*.mjs, bin/itonami. Not type-checked (tsconfig has no allowJs).
  {
    files: JS_FILES,
    extends: [tseslint.configs.recommended],
    languageOptions: {
      sourceType: 'module',
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' },
    },
  },

  {
    rules: {
      'no-empty': ['error', { allowEmptyCatch: false }], // an empty catch says why in a comment (STYLE.md §4)
      'no-var': 'error',
      'prefer-const': 'error',
    },
  },

  // Module boundaries (STYLE.md §3).
  {
    plugins: { import: importPlugin },
    settings: {
      'import/parsers': { '@typescript-eslint/parser': ['.ts', '.mts', '.cts'] },
      'import/resolver': { typescript: { project: './tsconfig.json' }, node: true },
      'import/extensions': ['.ts', '.js', '.mjs'],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'import/no-restricted-paths': ['error', { basePath: root, zones: boundaryZones }],
      // Type imports are ignored (they vanish at run time). The depth cap keeps `eslint .` fast; a longer cycle is
      // rare and still shows up from one of its shorter sub-paths once the tree grows.
      'import/no-cycle': ['error', { maxDepth: 8, ignoreExternal: true }],
    },
  },
  ...layerImportRules,

  // Determinism (STYLE.md §3).
  {
    files: Object.entries(layers)
      .filter(([, layer]) => layer.deterministic === true)
      .map(([name]) => `src/${name}/**/*.ts`),
    rules: {
      'no-restricted-globals': ['error', ...determinismGlobals],
      'no-restricted-syntax': ['error', ...determinismSyntax],
    },
  },

  // Tests drive real clocks, servers, processes and files, reach into any layer and poke at parsed JSON.
  {
    files: TEST_FILES,
    rules: {
      'no-restricted-globals': 'off',
      'no-restricted-syntax': 'off',
      '@typescript-eslint/no-restricted-imports': 'off',
      'import/no-restricted-paths': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
