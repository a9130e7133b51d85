// `npm run demo`: gitseal end to end on this machine, with nothing of the user's touched. On a real node when the
// machine allows it (Linux, root, the node's binaries and images at hand or buildable; node-demo.ts), otherwise on
// the API-only control plane (api-only-demo.ts); the first line says which and why. Everything it starts is stopped
// at the end, also on failure and on Ctrl-C.
//   --api-only               the API-only control plane even where a node could run
//   --use-current-context    the cluster $KUBECONFIG names, the controller as a local process (API-only flow)
//   --node-cluster PATH      a running node cluster (`cluster up --node --dir PATH`, or the node tier's JSON file):
//                            the node flow without starting one; the demo removes what it added
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { missingBuildTools } from '../image/index.js';
import { nodeUnsupported } from '../cluster/node-cluster.js';
import { nodeBinariesUnavailable } from '../cluster/node-binaries.js';
import { runApiOnlyDemo } from './api-only-demo.js';
import { chooseDemoMode, DemoMode, type NodeFacts } from './demo-mode.js';
import { Cleanups, step } from './demo-steps.js';
import { runNodeDemo } from './node-demo.js';

/** The kubelet's port: taken when another node cluster runs on this machine (one fits). */
const KUBELET_PORT = 10250;

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRINUSE'));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
  });
}

async function nodeFacts(): Promise<NodeFacts> {
  const unsupported = nodeUnsupported();
  if (unsupported) return { unsupported };
  const binaries = nodeBinariesUnavailable();
  if (binaries) return { binaries };
  const missing = missingBuildTools();
  if (missing.length > 0) return { images: `the images need ${missing.join(', ')}` };
  if (await portInUse(KUBELET_PORT)) {
    return { busy: `another node cluster runs on this machine (port ${KUBELET_PORT} is taken)` };
  }
  return {};
}

const cleanups = new Cleanups();
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`gitseal demo: ${signal}, stopping everything`);
    void cleanups.runAll().finally(() => process.exit(130));
  });
}

try {
  const { values } = parseArgs({
    options: {
      'api-only': { type: 'boolean', default: false },
      'use-current-context': { type: 'boolean', default: false },
      'node-cluster': { type: 'string' },
    },
  });
  const flags = {
    apiOnly: values['api-only'],
    useCurrentContext: values['use-current-context'],
    ...(values['node-cluster'] !== undefined ? { nodeCluster: values['node-cluster'] } : {}),
  };
  const explicit = flags.apiOnly || flags.useCurrentContext || flags.nodeCluster !== undefined;
  const choice = chooseDemoMode(flags, explicit ? {} : await nodeFacts());
  console.log(choice.line);
  if (choice.mode === DemoMode.Node || choice.mode === DemoMode.ExistingNode) {
    await runNodeDemo(flags.nodeCluster, cleanups);
  } else {
    await runApiOnlyDemo(choice.mode === DemoMode.CurrentContext, cleanups);
  }
  step('stopping everything');
  await cleanups.runAll();
  step('demo finished');
} catch (error) {
  console.error(`gitseal demo failed: ${error instanceof Error ? error.message : String(error)}`);
  if (!interrupted) await cleanups.runAll();
  process.exitCode = 1;
}
