/**
 * The Serverless Workflow conformance kit: one node:test test per scenario of the spec's features, read at test
 * time from `<repo>/../shared/spec/ctk`. Network scenarios reach loopback fixtures through `hostRewriteFetch`,
 * given to the engine as its `fetch`; the engine itself still sees petstore.swagger.io and httpbin.org.
 */
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { HTTPBIN_ORIGIN, startHttpbinServer } from '../fixtures/httpbin-server.js';
import { hostRewriteFetch } from '../fixtures/host-rewrite-fetch.js';
import type { LoopbackServer } from '../fixtures/loopback-server.js';
import { PETSTORE_ORIGIN, startPetstoreServer } from '../fixtures/petstore-server.js';
import { CTK_FEATURES_DIR, loadFeatures } from './feature-loader.js';
import { runScenario } from './run-scenario.js';
import type { CtkEngine } from './scenario-world.js';

/** Generous: a scenario is a few milliseconds; the bound only turns a hung execution into a failure. */
const SCENARIO_TIMEOUT_MS = 30_000;

if (!existsSync(CTK_FEATURES_DIR)) {
  test('Serverless Workflow CTK', { skip: `${CTK_FEATURES_DIR} is missing, so no conformance scenario ran` }, () => {});
} else {
  const servers: LoopbackServer[] = [];
  let fetchViaFixtures: typeof fetch | undefined;
  before(async () => {
    const petstore = await startPetstoreServer();
    servers.push(petstore);
    const httpbin = await startHttpbinServer();
    servers.push(httpbin);
    fetchViaFixtures = hostRewriteFetch({ [PETSTORE_ORIGIN]: petstore.url, [HTTPBIN_ORIGIN]: httpbin.url });
  });
  after(() => Promise.all(servers.map((server) => server.close())));

  const openEngine = async (): Promise<CtkEngine> => {
    // Imported on first use so that, while src/index.ts is missing or broken, every scenario fails saying so.
    let engineModule: typeof import('../../src/index.js');
    try {
      engineModule = await import('../../src/index.js');
    } catch (error) {
      throw new Error(`the engine could not be loaded from src/index.ts: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return engineModule.createEngine({ fetch: fetchViaFixtures });
  };

  for (const feature of loadFeatures(CTK_FEATURES_DIR)) {
    // branch.feature and do.feature are both "Composite Task"; the file name tells them apart.
    describe(`${feature.name} (${feature.file})`, () => {
      for (const scenario of feature.scenarios) {
        test(scenario.name, { timeout: SCENARIO_TIMEOUT_MS }, () => runScenario(feature.file, scenario, openEngine));
      }
    });
  }
}
