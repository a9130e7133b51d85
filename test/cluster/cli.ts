#!/usr/bin/env node
// npm run -s cluster -- up --dir DIR [--node]  start etcd + kube-apiserver (and with --node a real node: containerd,
//                                              kubelet, controller-manager, scheduler, kube-proxy, CoreDNS) in the
//                                              background, print the kubeconfig path
// npm run -s cluster -- down --dir DIR         stop everything and remove its data (pods, mounts, iptables chains,
//                                              the bridge, cgroups; host sysctls put back)
// npm run -s cluster -- binaries [--node]      locate or build the binaries, print their folder
// npm run -s cluster -- tools                  locate or build the tools tests run beside the cluster (Helm,
//                                              Bitnami's kubeseal and controller, the OCI registry, promtool,
//                                              Alertmanager, Gitea), print their paths
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bitnamiControllerBinary } from '../support/bitnami-controller.js';
import { resolveControlPlaneBinaries } from './binaries.js';
import { resolveAlertmanagerBinary } from './alertmanager-binary.js';
import { resolveGiteaBinary } from './gitea-binary.js';
import { resolveHelmBinary } from './helm-binary.js';
import { resolveKubesealBinary } from './kubeseal-binary.js';
import { resolvePromtoolBinary } from './promtool-binary.js';
import { resolveRegistryBinary } from './registry-binary.js';
import { ClusterError } from './cluster-error.js';
import { startControlPlane } from './control-plane.js';
import { resolveNodeBinaries } from './node-binaries.js';
import { startNodeCluster, stopNodeCluster } from './node-cluster.js';
import { probeHttp } from './http-probe.js';
import { isProcessRunning } from './process-liveness.js';
import { readState } from './state.js';
import { stopRecordedControlPlane } from './stop-recorded.js';

let logsDir = 'DIR/logs';

const usage = 'usage: npm run -s cluster -- up|down [--dir DIR] [--node] | binaries [--node] | tools';

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { dir: { type: 'string' }, node: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const dir = resolve(values.dir ?? join(tmpdir(), 'gitseal-cluster'));
  logsDir = join(dir, 'logs');
  const [command, ...rest] = positionals;
  if (rest.length > 0) throw new Error(`unexpected argument ${rest[0]}; ${usage}`);
  if (command === 'up') return values.node ? upNode(dir) : up(dir);
  if (command === 'down') return down(dir);
  if (command === 'binaries') return values.node ? nodeBinaries() : binaries();
  if (command === 'tools') return tools();
  throw new Error(command ? `unknown command ${command}; ${usage}` : usage);
}

async function up(dir: string): Promise<number> {
  const state = readState(dir);
  if (state && state.processes.every((p) => isProcessRunning(p.pid, p.binary))) {
    const caPem = readFileSync(join(dir, 'pki', 'ca.crt'), 'utf8');
    // Any HTTP answer (401 without a token included) over the recorded CA proves this is our server.
    const { status } = await probeHttp(`${state.server}/readyz`, { caPem });
    if (status !== 0) {
      console.error(`gitseal cluster: already running at ${state.server}`);
      console.log(state.kubeconfigPath);
      return 0;
    }
  }
  if (state) await stopRecordedControlPlane(dir);
  const started = Date.now();
  const plane = await startControlPlane({ dir, detached: true });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.error(`gitseal cluster: ready at ${plane.server} in ${seconds}s (logs in ${join(dir, 'logs')})`);
  console.log(plane.kubeconfigPath);
  return 0;
}

/** Built once into ~/.cache/gitseal (CI builds them here, before the tests, so no test waits minutes for one). */
async function tools(): Promise<number> {
  for (const [name, resolveTool] of [
    ['helm', () => resolveHelmBinary()],
    ['kubeseal', () => resolveKubesealBinary()],
    ['Bitnami controller', () => bitnamiControllerBinary()],
    ['OCI registry', () => resolveRegistryBinary()],
    ['promtool', () => resolvePromtoolBinary()],
    ['Alertmanager', () => resolveAlertmanagerBinary()],
    ['Gitea', async () => (await resolveGiteaBinary()).binary],
  ] as const) {
    const started = Date.now();
    const path = await resolveTool();
    console.error(`gitseal cluster: ${name} at ${path} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
    console.log(path);
  }
  return 0;
}

async function upNode(dir: string): Promise<number> {
  await stopNodeCluster(dir);
  await stopRecordedControlPlane(dir);
  const started = Date.now();
  const cluster = await startNodeCluster({ dir, detached: true });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.error(
    `gitseal cluster: node ${cluster.nodeName} Ready at ${cluster.server} in ${seconds}s (logs in ${join(dir, 'logs')})`,
  );
  console.log(cluster.kubeconfigPath);
  return 0;
}

async function nodeBinaries(): Promise<number> {
  const found = await resolveNodeBinaries();
  console.log(found.dir);
  return 0;
}

async function binaries(): Promise<number> {
  const started = Date.now();
  const found = await resolveControlPlaneBinaries();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.error(`gitseal cluster: kube-apiserver and etcd ready in ${seconds}s`);
  console.log(dirname(found.kubeApiserver));
  return 0;
}

async function down(dir: string): Promise<number> {
  await stopNodeCluster(dir);
  const stopped = await stopRecordedControlPlane(dir);
  console.error(stopped ? `gitseal cluster: stopped (${dir})` : `gitseal cluster: nothing running in ${dir}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // One line: a start failure's log tail stays in DIR/logs, which the message names.
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    const prefix = error instanceof ClusterError ? `gitseal cluster: ${error.code}: ` : 'gitseal cluster: ';
    console.error(prefix + message.replace(/; last log lines:$/, ` (see ${logsDir})`));
    process.exit(1);
  },
);
