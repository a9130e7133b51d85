import { join } from 'node:path';
import { ClusterError, ClusterErrorCode } from './cluster-error.js';
import { findFreePort } from './free-port.js';
import { probeHttp } from './http-probe.js';
import { readLogTail } from './log-tail.js';
import type { Pki } from './pki.js';
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
}

export interface RunningKubeApiserver {
  process: LoggedProcess;
  server: string;
}

const attempts = 3;

/** kube-apiserver on a free loopback port; resolves once /readyz answers "ok" to the admin over verified TLS. */
export async function startKubeApiserver(options: KubeApiserverOptions): Promise<RunningKubeApiserver> {
  const logPath = join(options.logsDir, 'kube-apiserver.log');
  for (let attempt = 1; ; attempt++) {
    const port = await findFreePort();
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
    if (outcome.kind === 'ready') return { process, server };
    const tail = readLogTail(logPath);
    if (outcome.kind === 'exited' && /address already in use/.test(tail) && attempt < attempts) continue;
    const why = outcome.kind === 'exited' ? `exited (${outcome.how})` : 'was not ready in time';
    throw new ClusterError(ClusterErrorCode.StartFailed, `kube-apiserver ${why}; last log lines:\n${tail}`);
  }
}

function apiserverArgs(options: KubeApiserverOptions, port: number): string[] {
  const { pki } = options;
  return [
    `--etcd-servers=${options.etcdUrl}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${port}`,
    `--cert-dir=${options.certDir}`,
    `--tls-cert-file=${pki.servingCertPath}`,
    `--tls-private-key-file=${pki.servingKeyPath}`,
    `--token-auth-file=${options.tokenAuthFile}`,
    '--authorization-mode=RBAC',
    `--service-account-key-file=${pki.serviceAccountKeyPath}`,
    `--service-account-signing-key-file=${pki.serviceAccountKeyPath}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    '--service-cluster-ip-range=10.0.0.0/24',
    // No kube-controller-manager creates service-account tokens, so pods would be refused without this.
    '--disable-admission-plugins=ServiceAccount',
    // Lighter: no flow-control bookkeeping, no pprof, no endpoint lease writes every 10 s.
    '--enable-priority-and-fairness=false',
    '--profiling=false',
    '--endpoint-reconciler-type=none',
    '--allow-privileged=true',
  ];
}
