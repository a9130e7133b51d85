import { join } from 'node:path';
import { ClusterError, ClusterErrorCode } from './cluster-error.js';
import { findFreePort } from './free-port.js';
import { probeHttp } from './http-probe.js';
import { readLogTail } from './log-tail.js';
import type { IssuedCertificate, Pki } from './pki.js';
import { spawnLogged, type LoggedProcess } from './spawn-logged.js';
import { waitReady } from './wait-ready.js';

export interface KubeApiserverOptions {
  binary: string;
  etcdUrl: string;
  pki: Pki;
  tokenAuthFile: string;
  adminToken: string;
  /** kube-apiserver writes self-signed fallbacks here; keep it out of /var/run/kubernetes. */
  certDir: string;
  logsDir: string;
  detached: boolean;
  onSpawn: (process: LoggedProcess) => void;
  timeoutMs?: number;
  /** Serve a real node: client certificates, Node authorization, pods reaching it through the `kubernetes` Service. */
  node?: ApiserverNodeOptions;
  /** Listen on this port (a restart in place); default: a free one. */
  port?: number;
  /** Write an audit log (JSON lines) by this policy file. */
  audit?: { readonly policyPath: string; readonly logPath: string };
}

export interface ApiserverNodeOptions {
  /** Pods reach the API server here (the pod bridge's gateway), behind the `kubernetes` Service. */
  readonly advertiseAddress: string;
  readonly serviceCidr: string;
  /** How the API server authenticates to kubelets. */
  readonly kubeletClient: IssuedCertificate;
}

export interface RunningKubeApiserver {
  process: LoggedProcess;
  server: string;
  /** Polls /readyz until "ok" (e.g. after etcd came back); throws when the process exits or time runs out. */
  ready: (timeoutMs?: number) => Promise<void>;
}

const attempts = 3;

/** kube-apiserver on a free loopback port; resolves once /readyz answers "ok" to the admin over verified TLS. */
export async function startKubeApiserver(options: KubeApiserverOptions): Promise<RunningKubeApiserver> {
  const logPath = join(options.logsDir, 'kube-apiserver.log');
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await findFreePort());
    const server = `https://127.0.0.1:${port}`;
    const process = spawnLogged('kube-apiserver', options.binary, apiserverArgs(options, port), {
      logPath,
      detached: options.detached,
    });
    options.onSpawn(process);
    const ready = async () => {
      const { status, body } = await probeHttp(`${server}/readyz`, {
        caPem: options.pki.caPem,
        token: options.adminToken,
      });
      return status === 200 && body === 'ok';
    };
    const outcome = await waitReady(process, ready, options.timeoutMs ?? 90_000);
    const readyAgain = async (timeoutMs = 90_000) => {
      const again = await waitReady(process, ready, timeoutMs);
      if (again.kind !== 'ready')
        throw new ClusterError(ClusterErrorCode.StartFailed, `kube-apiserver not ready again`);
    };
    if (outcome.kind === 'ready') return { process, server, ready: readyAgain };
    const tail = readLogTail(logPath);
    if (
      outcome.kind === 'exited' &&
      /address already in use/.test(tail) &&
      attempt < attempts &&
      options.port === undefined
    )
      continue;
    const why = outcome.kind === 'exited' ? `exited (${outcome.how})` : 'was not ready in time';
    throw new ClusterError(ClusterErrorCode.StartFailed, `kube-apiserver ${why}; last log lines:\n${tail}`);
  }
}

function apiserverArgs(options: KubeApiserverOptions, port: number): string[] {
  const { pki, node } = options;
  const common = [
    `--etcd-servers=${options.etcdUrl}`,
    `--secure-port=${port}`,
    `--cert-dir=${options.certDir}`,
    `--tls-cert-file=${pki.servingCertPath}`,
    `--tls-private-key-file=${pki.servingKeyPath}`,
    `--token-auth-file=${options.tokenAuthFile}`,
    `--service-account-key-file=${pki.serviceAccountKeyPath}`,
    `--service-account-signing-key-file=${pki.serviceAccountKeyPath}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    // Lighter: no flow-control bookkeeping, no pprof.
    '--enable-priority-and-fairness=false',
    '--profiling=false',
    '--allow-privileged=true',
    ...(options.audit
      ? [
          `--audit-policy-file=${options.audit.policyPath}`,
          `--audit-log-path=${options.audit.logPath}`,
          '--audit-log-format=json',
          '--audit-log-mode=blocking',
        ]
      : []),
  ];
  if (!node) {
    return [
      ...common,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      '--authorization-mode=RBAC',
      '--service-cluster-ip-range=10.0.0.0/24',
      // No kube-controller-manager creates service-account tokens, so pods would be refused without this.
      '--disable-admission-plugins=ServiceAccount',
      // No endpoint lease writes every 10 s.
      '--endpoint-reconciler-type=none',
    ];
  }
  return [
    ...common,
    // Loopback for the tests, the gateway for pods (through the `kubernetes` Service).
    '--bind-address=0.0.0.0',
    `--advertise-address=${node.advertiseAddress}`,
    `--client-ca-file=${pki.caCertPath}`,
    '--authorization-mode=Node,RBAC',
    '--enable-admission-plugins=NodeRestriction',
    `--service-cluster-ip-range=${node.serviceCidr}`,
    '--endpoint-reconciler-type=lease',
    `--kubelet-client-certificate=${node.kubeletClient.certPath}`,
    `--kubelet-client-key=${node.kubeletClient.keyPath}`,
    `--kubelet-certificate-authority=${pki.caCertPath}`,
    // The node registers by a hostname that resolves to 127.0.0.1; its serving certificate names it.
    '--kubelet-preferred-address-types=Hostname',
  ];
}

/** Waits until a running kube-apiserver answers /readyz "ok" again. */
export async function waitApiserverReady(running: RunningKubeApiserver, timeoutMs?: number): Promise<void> {
  await running.ready(timeoutMs);
}
