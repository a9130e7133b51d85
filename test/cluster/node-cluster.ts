// A real single-node cluster: the control plane of control-plane.ts (in node mode) plus containerd + runc + CNI,
// kubelet, kube-controller-manager, kube-scheduler, kube-proxy and CoreDNS, all as host processes with their
// own client certificates. One per machine (fixed bridge, global iptables chains, /kubepods cgroups).
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClusterError, ClusterErrorCode } from './cluster-error.js';
import { startControlPlane, type ControlPlane } from './control-plane.js';
import { findFreePort } from './free-port.js';
import { probeHttp } from './http-probe.js';
import { readLogTail } from './log-tail.js';
import { readSysctls, restoreSysctls, setUpHostNetwork, tearDownHostNetwork } from './host-network.js';
import { writeKubeconfig } from './kubeconfig.js';
import { resolveNodeBinaries, type NodeBinaries } from './node-binaries.js';
import {
  cniConfList,
  containerdConfig,
  corefile,
  kubeletConfig,
  kubeProxyConfig,
  NODE_NAME,
  NodeNetwork,
  nodePaths,
  nodeResolvConf,
} from './node-config.js';
import { importImage, PAUSE_IMAGE, pauseImageArchive } from './node-images.js';
import { removeKubeChains, killPodProcesses, removePodCgroups, removePods, unmountUnder } from './node-teardown.js';
import { issueCertificate } from './pki.js';
import { isProcessRunning, stopProcess } from './process-liveness.js';
import { startNodeReaper } from './reaper.js';
import { spawnLogged, type LoggedProcess } from './spawn-logged.js';

export interface NodeCluster extends ControlPlane {
  readonly nodeName: string;
  readonly binaries: NodeBinaries;
  /** containerd's socket, for `ctr`/`crictl` and image imports. */
  readonly containerdSocket: string;
  /** Imports an image archive (docker-archive or OCI) into the node's containerd. */
  importImage(archive: string): Promise<void>;
}

export interface StartNodeClusterOptions {
  readonly dir?: string;
  readonly detached?: boolean;
  /** Called with one line per step (the demo and the CLI print them). */
  readonly progress?: (line: string) => void;
}

interface NodeState {
  readonly sysctls: Record<string, string>;
  readonly processes: { name: string; pid: number; binary: string }[];
  readonly containerdSocket: string;
  readonly crictl: string;
  readonly kubeProxy: string;
}

const stateFile = (dir: string) => join(dir, 'node', 'node-state.json');

/** Why this machine cannot run a node, or undefined. */
export function nodeUnsupported(): string | undefined {
  if (process.platform !== 'linux') return `the node needs Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'the node needs root (containerd, kubelet, iptables and cgroups)';
  if (!existsSync('/sys/fs/cgroup/memory'))
    return 'the node needs cgroup v1 memory controller at /sys/fs/cgroup/memory';
  return undefined;
}

/** Starts everything and resolves once the node is Ready and CoreDNS answers. */
export async function startNodeCluster(options: StartNodeClusterOptions = {}): Promise<NodeCluster> {
  const unsupported = nodeUnsupported();
  if (unsupported) throw new ClusterError(ClusterErrorCode.StartFailed, `--node: ${unsupported}`);
  const say = options.progress ?? ((line: string) => process.stderr.write(`gitseal cluster: ${line}\n`));
  const binaries = await resolveNodeBinaries(process.env, (line) => say(line.replace(/^gitseal cluster: /, '')));
  say('node binaries ready; building the pause image if needed');
  const pauseArchive = await pauseImageArchive();
  const dir = resolve(options.dir ?? join('/tmp', `gitseal-node-${process.pid}`));
  const detached = options.detached ?? false;
  await stopNodeCluster(dir);
  const paths = nodePaths(join(dir, 'node'));
  for (const d of [paths.root, paths.cniConfDir, paths.cniDataDir, paths.kubeletRoot, paths.podLogsDir]) {
    await mkdir(d, { recursive: true, mode: 0o700 });
  }
  const sysctls = readSysctls();
  const spawned: LoggedProcess[] = [];
  await writeNodeState(dir, {
    sysctls,
    processes: [],
    containerdSocket: paths.containerdSocket,
    crictl: binaries.crictl,
    kubeProxy: binaries.kubeProxy,
  });
  say('setting up the pod bridge and iptables');
  await setUpHostNetwork();
  let plane: ControlPlane | undefined;
  // Exit handlers cannot wait for a teardown; a reaper process runs `cluster down` if this process dies first.
  const reaper = detached ? undefined : startNodeReaper(dir);
  const stopAll = async () => {
    reaper?.disarm();
    await tearDown(dir, spawned, plane);
  };
  try {
    say('starting etcd and kube-apiserver');
    plane = await startControlPlane({
      dir,
      detached,
      node: {
        advertiseAddress: NodeNetwork.gateway,
        serviceCidr: NodeNetwork.serviceCidr,
        serviceIp: NodeNetwork.apiServiceIp,
      },
    });
    const start = async (name: string, binary: string, args: string[], env?: NodeJS.ProcessEnv) => {
      const child = spawnLogged(name, binary, args, {
        logPath: join(plane!.logsDir, `${name}.log`),
        detached,
        ...(env ? { env } : {}),
      });
      spawned.push(child);
      await writeNodeState(dir, {
        sysctls,
        processes: spawned.map(({ name: n, pid, binary: b }) => ({ name: n, pid, binary: b })),
        containerdSocket: paths.containerdSocket,
        crictl: binaries.crictl,
        kubeProxy: binaries.kubeProxy,
      });
      return child;
    };
    const kubeconfigs = await componentKubeconfigs(plane);
    say('starting containerd');
    await writeFile(
      join(paths.root, 'containerd.toml'),
      containerdConfig(paths, { sandboxImage: PAUSE_IMAGE, runc: binaries.runc, cniBinDir: binaries.cniBinDir }),
    );
    await writeFile(join(paths.cniConfDir, '10-gitseal.conflist'), cniConfList(paths));
    await writeFile(paths.resolvConf, nodeResolvConf());
    const containerd = await start(
      'containerd',
      binaries.containerd,
      ['--config', join(paths.root, 'containerd.toml')],
      {
        PATH: `${binaries.dir}:/usr/sbin:/usr/bin:/sbin:/bin`,
      },
    );
    await waitFor('containerd', containerd, async () => existsSync(paths.containerdSocket), 30_000);
    await importImage(binaries.ctr, paths.containerdSocket, pauseArchive);

    say('starting kube-controller-manager, kube-scheduler and CoreDNS');
    await start('kube-controller-manager', binaries.kubeControllerManager, [
      `--kubeconfig=${kubeconfigs.controllerManager}`,
      `--authentication-kubeconfig=${kubeconfigs.controllerManager}`,
      `--authorization-kubeconfig=${kubeconfigs.controllerManager}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${await findFreePort()}`,
      `--service-account-private-key-file=${join(plane.pkiDir, 'service-account.key')}`,
      `--root-ca-file=${join(plane.pkiDir, 'ca.crt')}`,
      `--cluster-signing-cert-file=${join(plane.pkiDir, 'ca.crt')}`,
      `--cluster-signing-key-file=${join(plane.pkiDir, 'ca.key')}`,
      `--service-cluster-ip-range=${NodeNetwork.serviceCidr}`,
      '--use-service-account-credentials=true',
      '--leader-elect=false',
    ]);
    await start('kube-scheduler', binaries.kubeScheduler, [
      `--kubeconfig=${kubeconfigs.scheduler}`,
      `--authentication-kubeconfig=${kubeconfigs.scheduler}`,
      `--authorization-kubeconfig=${kubeconfigs.scheduler}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${await findFreePort()}`,
      '--leader-elect=false',
    ]);
    await writeFile(join(paths.root, 'Corefile'), corefile({ kubeconfigPath: kubeconfigs.coredns }));
    await start('coredns', binaries.coredns, ['-conf', join(paths.root, 'Corefile')]);

    say(`starting kubelet as node "${NODE_NAME}"`);
    const serving = await issueCertificate(plane.pkiDir, 'kubelet-serving', {
      cn: NODE_NAME,
      sans: [`DNS:${NODE_NAME}`, 'IP:127.0.0.1'],
    });
    const kubeletConfigPath = join(paths.root, 'kubelet.json');
    await writeFile(
      kubeletConfigPath,
      kubeletConfig({
        paths,
        caCertPath: join(plane.pkiDir, 'ca.crt'),
        servingCertPath: serving.certPath,
        servingKeyPath: serving.keyPath,
        healthzPort: await findFreePort(),
        port: 10250,
      }),
    );
    await start('kubelet', binaries.kubelet, [
      `--config=${kubeletConfigPath}`,
      `--kubeconfig=${kubeconfigs.kubelet}`,
      `--hostname-override=${NODE_NAME}`,
      `--root-dir=${paths.kubeletRoot}`,
      '--v=1',
    ]);
    say('starting kube-proxy');
    const proxyConfigPath = join(paths.root, 'kube-proxy.json');
    await writeFile(
      proxyConfigPath,
      kubeProxyConfig({
        kubeconfigPath: kubeconfigs.proxy,
        healthzPort: await findFreePort(),
        metricsPort: await findFreePort(),
      }),
    );
    await start('kube-proxy', binaries.kubeProxy, [`--config=${proxyConfigPath}`]);
    say('waiting for the node to be Ready');
    await waitNodeReady(plane, spawned);
    say('node Ready');
  } catch (error) {
    await stopAll();
    throw error;
  }
  const controlPlane = plane;
  let stopping: Promise<void> | undefined;
  return {
    ...controlPlane,
    nodeName: NODE_NAME,
    binaries,
    containerdSocket: paths.containerdSocket,
    importImage: (archive) => importImage(binaries.ctr, paths.containerdSocket, archive),
    stop: () => (stopping ??= stopAll()),
  };
}

async function componentKubeconfigs(plane: ControlPlane) {
  const caPem = plane.caPem;
  const out: Record<string, string> = {};
  const identities = {
    kubelet: { cn: `system:node:${NODE_NAME}`, orgs: ['system:nodes'] },
    controllerManager: { cn: 'system:kube-controller-manager' },
    scheduler: { cn: 'system:kube-scheduler' },
    proxy: { cn: 'system:kube-proxy' },
    // CoreDNS only reads Services, EndpointSlices and Namespaces; a test harness part, like the admin.
    coredns: { cn: 'gitseal-coredns', orgs: ['system:masters'] },
  };
  for (const [name, subject] of Object.entries(identities)) {
    const clientCert = await issueCertificate(plane.pkiDir, `client-${name}`, subject);
    const path = join(plane.dir, `kubeconfig-${name}`);
    await writeKubeconfig(path, { server: plane.server, caPem, user: subject.cn, clientCert });
    out[name] = path;
  }
  return out as Record<keyof typeof identities, string>;
}

async function waitFor(
  what: string,
  child: LoggedProcess,
  ready: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.hasExited()) {
      throw new ClusterError(
        ClusterErrorCode.StartFailed,
        `${what} exited (${await child.exited}); last log lines:\n${readLogTail(child.logPath)}`,
      );
    }
    if (await ready()) return;
    await sleep(100);
  }
  throw new ClusterError(
    ClusterErrorCode.StartFailed,
    `${what} was not ready in time; last log lines:\n${readLogTail(child.logPath)}`,
  );
}

async function waitNodeReady(plane: ControlPlane, spawned: readonly LoggedProcess[]): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const dead = spawned.find((p) => p.hasExited());
    if (dead) {
      throw new ClusterError(
        ClusterErrorCode.StartFailed,
        `${dead.name} exited (${await dead.exited}); last log lines:\n${readLogTail(dead.logPath)}`,
      );
    }
    const { status, body } = await probeHttp(`${plane.server}/api/v1/nodes/${NODE_NAME}`, {
      caPem: plane.caPem,
      token: plane.adminToken,
    });
    if (status === 200) {
      const node = JSON.parse(body) as { status?: { conditions?: { type: string; status: string }[] } };
      if (node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) return;
    }
    await sleep(250);
  }
  const kubelet = spawned.find((p) => p.name === 'kubelet');
  throw new ClusterError(
    ClusterErrorCode.StartFailed,
    `node ${NODE_NAME} not Ready in 120 s; kubelet log:\n${kubelet ? readLogTail(kubelet.logPath) : ''}`,
  );
}

async function writeNodeState(dir: string, state: NodeState): Promise<void> {
  await mkdir(join(dir, 'node'), { recursive: true });
  await writeFile(stateFile(dir), JSON.stringify(state, null, 2));
}

function readNodeState(dir: string): NodeState | undefined {
  try {
    return JSON.parse(readFileSync(stateFile(dir), 'utf8')) as NodeState;
  } catch {
    return undefined;
  }
}

/** Pods first (through the CRI), then the node's processes, mounts, iptables, bridge, cgroups and sysctls. */
async function tearDown(
  dir: string,
  spawned: readonly LoggedProcess[],
  plane: ControlPlane | undefined,
): Promise<void> {
  const state = readNodeState(dir);
  const byName = (name: string) => spawned.filter((p) => p.name === name).map((p) => p.pid);
  const recorded = (name: string) =>
    (state?.processes ?? []).filter((p) => p.name === name && isProcessRunning(p.pid, p.binary)).map((p) => p.pid);
  const pids = (name: string) => [...new Set([...byName(name), ...recorded(name)])];
  for (const pid of pids('kubelet')) await stopProcess(pid);
  if (state) await removePods(state.crictl, state.containerdSocket);
  for (const name of ['kube-proxy', 'coredns', 'kube-scheduler', 'kube-controller-manager']) {
    await Promise.all(pids(name).map((pid) => stopProcess(pid)));
  }
  for (const pid of pids('containerd')) await stopProcess(pid);
  if (state) await killPodProcesses(state.containerdSocket);
  await unmountUnder(join(dir, 'node'));
  if (state) await removeKubeChains(state.kubeProxy);
  await tearDownHostNetwork();
  removePodCgroups();
  if (state) await restoreSysctls(state.sysctls);
  await plane?.stop();
  await rm(join(dir, 'node'), { recursive: true, force: true });
}

/** Tears down a node cluster recorded in `dir` (after `up --node`, or a crashed run); quiet when there is none. */
export async function stopNodeCluster(dir: string): Promise<void> {
  if (!existsSync(join(dir, 'node'))) return;
  await tearDown(dir, [], undefined);
}
