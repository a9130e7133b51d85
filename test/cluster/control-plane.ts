import { mkdirSync, rmSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveControlPlaneBinaries, type ControlPlaneBinaries } from './binaries.js';
import { startEtcd, type RunningEtcd } from './etcd.js';
import { onProcessExit } from './exit-cleanup.js';
import { ADMIN_USER, NON_ADMIN_USER, writeTokenAuthFile } from './identities.js';
import {
  startKubeApiserver,
  waitApiserverReady,
  type KubeApiserverOptions,
  type RunningKubeApiserver,
} from './kube-apiserver.js';
import { writeKubeconfig } from './kubeconfig.js';
import { generatePki, issueCertificate } from './pki.js';
import { stopProcess } from './process-liveness.js';
import { startReaper, type Reaper } from './reaper.js';
import type { LoggedProcess } from './spawn-logged.js';
import { statePath, writeState } from './state.js';

export interface StartControlPlaneOptions {
  /** Folder for certificates, kubeconfigs, logs/ and etcd data. Default: a new temp folder, removed by stop(). */
  dir?: string;
  /** Let etcd and kube-apiserver outlive this process (the CLI's `up`); stop them with `cluster down`. */
  detached?: boolean;
  /** Skip the lookup (KUBEBUILDER_ASSETS, cache, build). */
  binaries?: ControlPlaneBinaries;
  /** Serve a real node (see node-cluster.ts): client CA, Node authorization, reachable from the pod network. */
  node?: ApiserverNodeOptionsInput;
  /** An audit policy (YAML): kube-apiserver then writes an audit log, as JSON lines, to `auditLogPath`. */
  auditPolicy?: string;
}

/** What the node needs the API server to know; the kubelet client certificate is issued here. */
export interface ApiserverNodeOptionsInput {
  readonly advertiseAddress: string;
  readonly serviceCidr: string;
  readonly serviceIp: string;
}

export interface ControlPlane {
  readonly dir: string;
  /** Admin kubeconfig: user gitseal-admin in group system:masters. */
  readonly kubeconfigPath: string;
  /** Non-admin kubeconfig: user gitseal-user, no rights until a test binds a role to it. */
  readonly userKubeconfigPath: string;
  /** https://127.0.0.1:<port> */
  readonly server: string;
  readonly caPem: string;
  readonly adminToken: string;
  readonly userToken: string;
  readonly userName: string;
  /** The PKI folder (ca.crt, ca.key, service-account.key): the node's parts get certificates from it. */
  readonly pkiDir: string;
  readonly logsDir: string;
  /** The audit log (JSON lines), when started with an auditPolicy. */
  readonly auditLogPath: string | undefined;
  /** SIGTERM then SIGKILL both processes, remove etcd data (and the folder when it was a temp folder). */
  stop(): Promise<void>;
  /** Stops kube-apiserver (SIGTERM, SIGKILL after `graceMs`); etcd keeps running. */
  stopApiServer(graceMs?: number): Promise<void>;
  /** Starts kube-apiserver again: same port, certificates and etcd; resolves once /readyz is ok. */
  startApiServer(): Promise<void>;
  /** stopApiServer then startApiServer. */
  restartApiServer(): Promise<void>;
  /** Stops etcd (SIGTERM, SIGKILL after `graceMs`); kube-apiserver keeps running and fails its requests. */
  stopEtcd(graceMs?: number): Promise<void>;
  /** Starts etcd again: same data dir and ports; resolves once etcd and kube-apiserver's /readyz are healthy. */
  startEtcd(): Promise<void>;
  /** stopEtcd then startEtcd. */
  restartEtcd(): Promise<void>;
}

/** The restart helpers, built by launch() around the running processes. */
type Restarts = Pick<
  ControlPlane,
  'stopApiServer' | 'startApiServer' | 'restartApiServer' | 'stopEtcd' | 'startEtcd' | 'restartEtcd'
>;

/** Starts etcd and kube-apiserver on loopback; resolves once /readyz is ok. Processes die with this process. */
export async function startControlPlane(options: StartControlPlaneOptions = {}): Promise<ControlPlane> {
  const binaries = options.binaries ?? (await resolveControlPlaneBinaries());
  const ownsDir = options.dir === undefined;
  const dir = options.dir === undefined ? await mkdtemp(join(tmpdir(), 'gitseal-cp-')) : resolve(options.dir);
  const detached = options.detached ?? false;
  const removable = ownsDir && !process.env.GITSEAL_KEEP_CONTROL_PLANE ? dir : join(dir, 'etcd');
  const spawned: LoggedProcess[] = [];
  const reaper: Reaper | undefined = detached ? undefined : startReaper();
  const killNow = () => {
    reaper?.disarm();
    for (const child of spawned) if (!child.hasExited()) signalQuietly(child.pid);
    rmSync(removable, { recursive: true, force: true });
  };
  const unregister = onProcessExit(killNow);
  const onSpawn = (child: LoggedProcess) => {
    spawned.push(child);
    reaper?.watch(child.pid);
  };
  const stopAll = async () => {
    unregister();
    reaper?.disarm();
    await Promise.all(spawned.map((child) => (child.hasExited() ? undefined : stopProcess(child.pid))));
    await rm(removable, { recursive: true, force: true });
    await rm(statePath(dir), { force: true });
  };
  try {
    const plane = await launch(dir, binaries, detached, onSpawn, options.node, options.auditPolicy);
    if (detached) unregister();
    let stopping: Promise<void> | undefined;
    return { ...plane, stop: () => (stopping ??= stopAll()) };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function launch(
  dir: string,
  binaries: ControlPlaneBinaries,
  detached: boolean,
  onSpawn: (child: LoggedProcess) => void,
  node: ApiserverNodeOptionsInput | undefined,
  auditPolicy?: string,
): Promise<Omit<ControlPlane, 'stop'>> {
  const logsDir = join(dir, 'logs');
  const etcdDataDir = join(dir, 'etcd');
  await rm(etcdDataDir, { recursive: true, force: true });
  await mkdir(logsDir, { recursive: true });
  mkdirSync(join(dir, 'apiserver-certs'), { recursive: true });
  const pkiDir = join(dir, 'pki');
  const sans = node
    ? [`IP:${node.advertiseAddress}`, `IP:${node.serviceIp}`, 'DNS:kubernetes', 'DNS:kubernetes.default']
    : [];
  const pki = await generatePki(pkiDir, [
    ...sans,
    ...(node ? ['DNS:kubernetes.default.svc', 'DNS:kubernetes.default.svc.cluster.local'] : []),
  ]);
  const kubeletClient = node
    ? await issueCertificate(pkiDir, 'apiserver-kubelet-client', {
        cn: 'kube-apiserver-kubelet-client',
        orgs: ['system:masters'],
      })
    : undefined;
  const tokenAuthFile = join(dir, 'pki', 'tokens.csv');
  const { adminToken, userToken } = await writeTokenAuthFile(tokenAuthFile);

  const audit = auditPolicy
    ? { policyPath: join(dir, 'audit-policy.yaml'), logPath: join(logsDir, 'audit.log') }
    : undefined;
  if (audit) await writeFile(audit.policyPath, auditPolicy ?? '');

  const etcdOptions = { binary: binaries.etcd, dataDir: etcdDataDir, logsDir, detached, onSpawn };
  const etcd = await startEtcd(etcdOptions);
  const apiserverOptions: KubeApiserverOptions = {
    binary: binaries.kubeApiserver,
    etcdUrl: etcd.clientUrl,
    pki,
    tokenAuthFile,
    adminToken,
    certDir: join(dir, 'apiserver-certs'),
    logsDir,
    detached,
    onSpawn,
    ...(audit ? { audit } : {}),
    ...(node && kubeletClient
      ? { node: { advertiseAddress: node.advertiseAddress, serviceCidr: node.serviceCidr, kubeletClient } }
      : {}),
  };
  const apiserver = await startKubeApiserver(apiserverOptions);

  const { server } = apiserver;
  const kubeconfigPath = join(dir, 'kubeconfig');
  const userKubeconfigPath = join(dir, 'kubeconfig-user');
  await writeKubeconfig(kubeconfigPath, { server, caPem: pki.caPem, user: ADMIN_USER, token: adminToken });
  await writeKubeconfig(userKubeconfigPath, { server, caPem: pki.caPem, user: NON_ADMIN_USER, token: userToken });
  await writeState(dir, {
    server,
    kubeconfigPath,
    userKubeconfigPath,
    etcdDataDir,
    processes: [etcd.process, apiserver.process].map(({ name, pid, binary }) => ({ name, pid, binary })),
    startedAt: new Date().toISOString(),
  });
  return {
    dir,
    kubeconfigPath,
    userKubeconfigPath,
    server,
    caPem: pki.caPem,
    adminToken,
    userToken,
    userName: NON_ADMIN_USER,
    pkiDir,
    logsDir,
    auditLogPath: audit?.logPath,
    ...restartsFor(
      { etcd, apiserver },
      (urls) => startEtcd({ ...etcdOptions, urls }),
      (port) => startKubeApiserver({ ...apiserverOptions, port }),
    ),
  };
}

/**
 * Stop/start pairs over the running etcd and kube-apiserver: the same ports, data dir and certificates, so every
 * client (kubeconfigs, the controller under test) reconnects to the same address. Calls are serialised.
 */
function restartsFor(
  running: { etcd: RunningEtcd; apiserver: RunningKubeApiserver },
  launchEtcd: (urls: { clientUrl: string; peerUrl: string }) => Promise<RunningEtcd>,
  launchApiserver: (port: number) => Promise<RunningKubeApiserver>,
): Restarts {
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(step: () => Promise<T>): Promise<T> => {
    const next = chain.then(step, step);
    chain = next.catch(() => undefined);
    return next;
  };
  const port = Number(new URL(running.apiserver.server).port);
  const apiserverReady = () => waitApiserverReady(running.apiserver);
  const stopApiServer = (graceMs?: number) =>
    serial(async () => {
      await stopProcess(running.apiserver.process.pid, graceMs);
      await running.apiserver.process.exited;
    });
  const startApiServer = () =>
    serial(async () => {
      if (!running.apiserver.process.hasExited()) return;
      running.apiserver = await launchApiserver(port);
    });
  const stopEtcd = (graceMs?: number) =>
    serial(async () => {
      await stopProcess(running.etcd.process.pid, graceMs);
      await running.etcd.process.exited;
    });
  const startEtcd = () =>
    serial(async () => {
      if (!running.etcd.process.hasExited()) return;
      running.etcd = await launchEtcd({ clientUrl: running.etcd.clientUrl, peerUrl: running.etcd.peerUrl });
      if (!running.apiserver.process.hasExited()) await apiserverReady();
    });
  return {
    stopApiServer,
    startApiServer,
    restartApiServer: async () => {
      await stopApiServer();
      await startApiServer();
    },
    stopEtcd,
    startEtcd,
    restartEtcd: async () => {
      await stopEtcd();
      await startEtcd();
    },
  };
}

function signalQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
