import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ClusterError, ClusterErrorCode } from './cluster-error.js';
import { findFreePort } from './free-port.js';
import { probeHttp } from './http-probe.js';
import { readLogTail } from './log-tail.js';
import { spawnLogged, type LoggedProcess } from './spawn-logged.js';
import { waitReady } from './wait-ready.js';

export interface EtcdOptions {
  binary: string;
  dataDir: string;
  logsDir: string;
  detached: boolean;
  onSpawn: (process: LoggedProcess) => void;
  timeoutMs?: number;
  /** Reuse these URLs (a restart in place); default: free loopback ports. */
  urls?: { readonly clientUrl: string; readonly peerUrl: string };
}

export interface RunningEtcd {
  process: LoggedProcess;
  clientUrl: string;
  peerUrl: string;
}

const attempts = 3;

/** A single-member etcd on loopback with free client and peer ports; retries when a port was taken meanwhile. */
export async function startEtcd(options: EtcdOptions): Promise<RunningEtcd> {
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const logPath = join(options.logsDir, 'etcd.log');
  for (let attempt = 1; ; attempt++) {
    const clientUrl = options.urls?.clientUrl ?? `http://127.0.0.1:${await findFreePort()}`;
    const peerUrl = options.urls?.peerUrl ?? `http://127.0.0.1:${await findFreePort()}`;
    const process = spawnLogged('etcd', options.binary, etcdArgs(options.dataDir, clientUrl, peerUrl), {
      logPath,
      detached: options.detached,
    });
    options.onSpawn(process);
    const outcome = await waitReady(process, () => isHealthy(clientUrl), options.timeoutMs ?? 30_000);
    if (outcome.kind === 'ready') return { process, clientUrl, peerUrl };
    const tail = readLogTail(logPath);
    if (outcome.kind === 'exited' && /address already in use/.test(tail) && attempt < attempts && !options.urls)
      continue;
    const why = outcome.kind === 'exited' ? `exited (${outcome.how})` : 'was not healthy in time';
    throw new ClusterError(ClusterErrorCode.StartFailed, `etcd ${why}; last log lines:\n${tail}`);
  }
}

function etcdArgs(dataDir: string, clientUrl: string, peerUrl: string): string[] {
  return [
    '--name=gitseal',
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${clientUrl}`,
    `--advertise-client-urls=${clientUrl}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=gitseal=${peerUrl}`,
    // Throwaway data: skip fsync, which is most of etcd's cost on a busy shared disk.
    '--unsafe-no-fsync',
    '--log-level=warn',
  ];
}

async function isHealthy(clientUrl: string): Promise<boolean> {
  const { status, body } = await probeHttp(`${clientUrl}/health`);
  return status === 200 && body.includes('"health":"true"');
}
