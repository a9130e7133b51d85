import { readFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { isCI } from './shared-control-plane.js';

/** What the node tier's runner (run-tests.mjs --node) hands its test files: the one node cluster of the machine. */
export interface NodeClusterInfo {
  readonly dir: string;
  readonly kubeconfigPath: string;
  readonly server: string;
  readonly caPem: string;
  readonly nodeName: string;
  readonly containerdSocket: string;
  readonly ctr: string;
}

/** Set by run-tests.mjs: the JSON file describing the running node cluster. */
export const NODE_CLUSTER_ENV = 'GITSEAL_NODE_CLUSTER';

/**
 * The node cluster the runner started. Without one (a node test file run on its own, outside the runner) the test
 * is skipped with the reason, except under CI=true, where that is a failure.
 */
export function nodeCluster(t: TestContext): NodeClusterInfo | undefined {
  const file = process.env[NODE_CLUSTER_ENV];
  if (!file) {
    const why = `no node cluster: run node tests with \`npm run test:node\` (${NODE_CLUSTER_ENV} is not set)`;
    if (isCI()) throw new Error(why);
    t.skip(why);
    return undefined;
  }
  return JSON.parse(readFileSync(file, 'utf8')) as NodeClusterInfo;
}
