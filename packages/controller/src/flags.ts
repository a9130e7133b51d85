import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { ControllerError, ControllerErrorCode } from './controller-error.js';
import { parseDuration } from './duration.js';
import { parseListenAddress, type ListenAddress } from './listen-address.js';
import { validateLinkPattern } from '@gitseal/notify';

export const LogLevel = {
  Trace: 'trace',
  Debug: 'debug',
  Info: 'info',
  Warn: 'warn',
  Error: 'error',
  Fatal: 'fatal',
  Silent: 'silent',
} as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

/** How SealedSecrets and GitSyncs are divided among replicas (--shards). */
export const ShardMode = {
  /** The elected leader reconciles everything (the other replicas stand by). */
  Off: 'off',
  /** Every live replica reconciles its share: rendezvous hashing over the members' Leases (docs/sharding.md). */
  Auto: 'auto',
} as const;
export type ShardMode = (typeof ShardMode)[keyof typeof ShardMode];

/** Everything the controller process is configured with, after parsing and checking the flags. */
export interface ControllerOptions {
  readonly kubeconfig: string | undefined;
  readonly namespace: string;
  /** Empty: watch every namespace. */
  readonly namespaces: readonly string[];
  readonly listenAddress: ListenAddress;
  readonly metricsAddress: ListenAddress;
  /** 0 disables renewal. */
  readonly keyRenewPeriodMs: number;
  readonly keySize: number;
  readonly leaderElect: boolean;
  readonly leaderElection: LeaderElectionTimings;
  /** --shards: off (the leader reconciles everything) or auto (the live replicas share the objects). */
  readonly shards: ShardMode;
  readonly bitnamiCompat: boolean;
  readonly logLevel: LogLevel;
  readonly workers: number;
  readonly rsaWorkers: number;
  /** Render worker processes alive at most (one per namespace in use; the sync engine's RenderPool size). */
  readonly renderWorkers: number;
  readonly resyncPeriodMs: number;
  /** Run the GitSync reconciler (--sync, default on). */
  readonly sync: boolean;
  /** Run the SealedSecret reconciler (--sealed-secrets, default on). */
  readonly sealedSecrets: boolean;
  /** Bare repository cache and checkouts of the sync engine. */
  readonly gitCacheDir: string;
  /** Let GitSyncs use file:// (and plain http://) sources: tests and air-gapped mirrors only. */
  readonly gitAllowFile: boolean;
  readonly gitAllowHttp: boolean;
  /** Largest fetched repository and checkout of one GitSync source, in bytes. */
  readonly gitMaxBytes: number;
  readonly tenancy: TenancyOptions;
  readonly notifications: NotificationOptions;
}

/** NotificationProviders and NotificationAlerts (--notifications, default on). */
export interface NotificationOptions {
  readonly enabled: boolean;
  /** The link each notification carries, e.g. `https://gitseal.example/{kind}/{namespace}/{name}`. */
  readonly linkPattern: string | undefined;
  /** Let providers use plain http:// receivers (tests, in-cluster receivers without TLS). */
  readonly allowHttp: boolean;
}

/** How GitSyncs outside the controller's namespace (tenants) are held to their namespace. */
export interface TenancyOptions {
  /** Impersonated for a tenant GitSync without spec.serviceAccountName (Flux's --default-service-account). */
  readonly defaultServiceAccount: string | undefined;
  /** Names a tenant GitSync may impersonate; empty: any ServiceAccount of its namespace. */
  readonly allowedServiceAccounts: readonly string[];
  /** --cross-namespace-refs: dependsOn, targetNamespace and objects may leave the GitSync's namespace. */
  readonly crossNamespaceRefs: boolean;
}

/** How the Lease is held: whole seconds for the lease (the Lease field is in seconds), milliseconds otherwise. */
export interface LeaderElectionTimings {
  readonly leaseDurationSeconds: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
}

/** The raw values commander hands over, before checks. */
export interface RawFlags {
  readonly kubeconfig?: string;
  readonly namespace: string;
  readonly namespaces?: string;
  readonly listenAddress: string;
  readonly metricsAddress: string;
  readonly keyRenewPeriod: string;
  readonly keySize: string;
  readonly leaderElect?: boolean;
  readonly leaderElectLeaseDuration: string;
  readonly leaderElectRenewDeadline: string;
  readonly leaderElectRetryPeriod: string;
  readonly shards?: string;
  readonly bitnamiCompat?: boolean;
  readonly logLevel: string;
  readonly workers: string;
  readonly rsaWorkers?: string;
  readonly renderWorkers?: string;
  readonly resyncPeriod: string;
  readonly sync?: boolean;
  readonly sealedSecrets?: boolean;
  readonly gitCacheDir?: string;
  readonly gitAllowFile?: boolean;
  readonly gitAllowHttp?: boolean;
  readonly gitMaxSize: string;
  readonly defaultServiceAccount?: string;
  readonly allowedServiceAccounts?: string;
  readonly crossNamespaceRefs?: boolean;
  readonly notifications?: boolean;
  readonly notificationLink?: string;
  readonly notificationAllowHttp?: boolean;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function checkNamespace(value: string, flag: string): string {
  if (!DNS_LABEL.test(value)) {
    throw new ControllerError(ControllerErrorCode.InvalidFlag, `${flag}: "${value}" is not a namespace name`);
  }
  return value;
}

function checkServiceAccountName(value: string, flag: string): string {
  if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(value)) {
    throw new ControllerError(ControllerErrorCode.InvalidFlag, `${flag}: "${value}" is not a ServiceAccount name`);
  }
  return value;
}

function parseTenancy(raw: RawFlags): TenancyOptions {
  const allowed = (raw.allowedServiceAccounts ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => checkServiceAccountName(s, '--allowed-service-accounts'));
  const defaultServiceAccount =
    raw.defaultServiceAccount === undefined
      ? undefined
      : checkServiceAccountName(raw.defaultServiceAccount, '--default-service-account');
  if (defaultServiceAccount && allowed.length > 0 && !allowed.includes(defaultServiceAccount)) {
    throw new ControllerError(
      ControllerErrorCode.InvalidFlag,
      `--default-service-account: "${defaultServiceAccount}" is not in --allowed-service-accounts`,
    );
  }
  return {
    defaultServiceAccount,
    allowedServiceAccounts: [...new Set(allowed)],
    crossNamespaceRefs: raw.crossNamespaceRefs ?? false,
  };
}

function parseNotifications(raw: RawFlags): NotificationOptions {
  const linkPattern = raw.notificationLink === '' ? undefined : raw.notificationLink;
  if (linkPattern !== undefined) {
    try {
      validateLinkPattern(linkPattern);
    } catch (error) {
      const why = error instanceof Error ? error.message.replace(/^link pattern: /, '') : 'invalid';
      throw new ControllerError(ControllerErrorCode.InvalidFlag, `--notification-link: ${why}`);
    }
  }
  return { enabled: raw.notifications ?? true, linkPattern, allowHttp: raw.notificationAllowHttp ?? false };
}

function positiveInt(value: string, flag: string, min: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) {
    throw new ControllerError(ControllerErrorCode.InvalidFlag, `${flag}: "${value}" is not an integer >= ${min}`);
  }
  return n;
}

const BYTE_UNITS: Readonly<Record<string, number>> = { '': 1, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };

/** `256Mi`, `1Gi`, `1048576`: Kubernetes-style binary sizes, at least 1 MiB. */
export function parseByteSize(value: string, flag: string): number {
  const match = /^(\d{1,12})(Ki|Mi|Gi)?$/.exec(value.trim());
  const bytes = match ? Number(match[1]) * (BYTE_UNITS[match[2] ?? ''] ?? 1) : NaN;
  if (!(bytes >= 1024 * 1024) || !Number.isSafeInteger(bytes)) {
    throw new ControllerError(
      ControllerErrorCode.InvalidFlag,
      `${flag}: "${value}" is not a size of at least 1Mi (e.g. 256Mi)`,
    );
  }
  return bytes;
}

function flagDuration(value: string, flag: string): number {
  try {
    return parseDuration(value);
  } catch (error) {
    const why = error instanceof ControllerError ? error.message : 'not a duration';
    throw new ControllerError(ControllerErrorCode.InvalidFlag, `${flag}: ${why}`);
  }
}

/** lease duration > renew deadline > retry period > 0, as client-go demands; the lease in whole seconds. */
function parseLeaderElection(raw: RawFlags): LeaderElectionTimings {
  const leaseMs = flagDuration(raw.leaderElectLeaseDuration, '--leader-elect-lease-duration');
  const renewDeadlineMs = flagDuration(raw.leaderElectRenewDeadline, '--leader-elect-renew-deadline');
  const retryPeriodMs = flagDuration(raw.leaderElectRetryPeriod, '--leader-elect-retry-period');
  if (leaseMs < 1_000 || leaseMs % 1_000 !== 0) {
    throw new ControllerError(
      ControllerErrorCode.InvalidFlag,
      `--leader-elect-lease-duration: ${raw.leaderElectLeaseDuration} is not a whole number of seconds >= 1s`,
    );
  }
  if (retryPeriodMs <= 0 || retryPeriodMs >= renewDeadlineMs || renewDeadlineMs >= leaseMs) {
    throw new ControllerError(
      ControllerErrorCode.InvalidFlag,
      '--leader-elect-*: need lease duration > renew deadline > retry period > 0',
    );
  }
  return { leaseDurationSeconds: leaseMs / 1_000, renewDeadlineMs, retryPeriodMs };
}

function parseShards(raw: RawFlags, leaderElect: boolean): ShardMode {
  const value = raw.shards ?? ShardMode.Off;
  if (value !== ShardMode.Off && value !== ShardMode.Auto) {
    throw new ControllerError(ControllerErrorCode.InvalidFlag, `--shards: "${value}" is not one of off, auto`);
  }
  if (value === ShardMode.Auto && !leaderElect) {
    throw new ControllerError(
      ControllerErrorCode.InvalidFlag,
      '--shards auto needs --leader-elect: keys and the certs ConfigMap stay with one elected replica',
    );
  }
  return value;
}

function isLogLevel(value: string): value is LogLevel {
  return (Object.values(LogLevel) as string[]).includes(value);
}

/** Checks raw flag values and turns them into options; env is consulted for KUBECONFIG only. */
export function parseFlags(raw: RawFlags, env: NodeJS.ProcessEnv = process.env): ControllerOptions {
  const namespaces = (raw.namespaces ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => checkNamespace(s, '--namespaces'));
  if (!isLogLevel(raw.logLevel)) {
    throw new ControllerError(
      ControllerErrorCode.InvalidFlag,
      `--log-level: "${raw.logLevel}" is not one of ${Object.values(LogLevel).join(', ')}`,
    );
  }
  const keySize = positiveInt(raw.keySize, '--key-size', 2048);
  if (keySize % 8 !== 0) {
    throw new ControllerError(ControllerErrorCode.InvalidFlag, `--key-size: ${keySize} is not a multiple of 8`);
  }
  const kubeconfig = raw.kubeconfig ?? (env.KUBECONFIG ? env.KUBECONFIG : undefined);
  const leaderElect = raw.leaderElect ?? true;
  return {
    kubeconfig,
    namespace: checkNamespace(raw.namespace, '--namespace'),
    namespaces: [...new Set(namespaces)],
    listenAddress: parseListenAddress(raw.listenAddress, '--listen-address'),
    metricsAddress: parseListenAddress(raw.metricsAddress, '--metrics-address'),
    keyRenewPeriodMs: parseDuration(raw.keyRenewPeriod),
    keySize,
    leaderElect,
    leaderElection: parseLeaderElection(raw),
    shards: parseShards(raw, leaderElect),
    bitnamiCompat: raw.bitnamiCompat ?? false,
    logLevel: raw.logLevel,
    workers: positiveInt(raw.workers, '--workers', 1),
    rsaWorkers: positiveInt(raw.rsaWorkers ?? String(availableParallelism()), '--rsa-workers', 1),
    renderWorkers: positiveInt(raw.renderWorkers ?? '2', '--render-workers', 1),
    resyncPeriodMs: parseDuration(raw.resyncPeriod),
    sync: raw.sync ?? true,
    sealedSecrets: raw.sealedSecrets ?? true,
    gitCacheDir: raw.gitCacheDir ?? join(tmpdir(), 'gitseal-git'),
    gitAllowFile: raw.gitAllowFile ?? false,
    gitAllowHttp: raw.gitAllowHttp ?? false,
    gitMaxBytes: parseByteSize(raw.gitMaxSize, '--git-max-size'),
    tenancy: parseTenancy(raw),
    notifications: parseNotifications(raw),
  };
}

/** The commander program; `run` receives the checked options. */
export function createProgram(version: string, run: (options: ControllerOptions) => Promise<void>): Command {
  return new Command('gitseal-controller')
    .description('Unseals SealedSecrets into Secrets and syncs GitSyncs from Git into the cluster')
    .version(version)
    .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG, else in-cluster)')
    .option('--namespace <name>', "the controller's own namespace (keys, certs ConfigMap, lease)", 'gitseal-system')
    .option('--namespaces <list>', 'watch only these namespaces, comma-separated (default: all)')
    .option('--listen-address <addr>', 'API and probes address', ':8080')
    .option('--metrics-address <addr>', 'Prometheus metrics address', ':8081')
    .option('--key-renew-period <duration>', 'make a new sealing key this often (0 disables)', '720h')
    .option('--key-size <bits>', 'RSA key size for new sealing keys', '4096')
    .option('--leader-elect', 'use a Lease so that only one replica writes (default)')
    .option('--no-leader-elect', 'run without leader election')
    .option('--leader-elect-lease-duration <duration>', 'how long a Lease stays valid unrenewed (whole seconds)', '15s')
    .option('--leader-elect-renew-deadline <duration>', 'a leader that cannot renew this long stops writing', '10s')
    .option('--leader-elect-retry-period <duration>', 'pause between acquire and renew attempts', '2s')
    .option(
      '--shards <mode>',
      'off: the leader reconciles everything; auto: live replicas share SealedSecrets and GitSyncs (one Lease each)',
      'off',
    )
    .option('--bitnami-compat', 'also reconcile bitnami.com SealedSecrets and import Bitnami keys')
    .addOption(new Option('--log-level <level>', 'log level').choices(Object.values(LogLevel)).default('info'))
    .option('--workers <n>', 'SealedSecrets reconciled at once', '4')
    .option('--rsa-workers <n>', 'RSA worker threads (default: the number of cores)')
    .option('--render-workers <n>', 'GitSync render worker processes alive at most, one per namespace (default 2)')
    .option('--resync-period <duration>', 'full resync of every SealedSecret this often', '10m')
    .option('--sync', 'run the GitSync reconciler (default)')
    .option('--no-sync', 'do not reconcile GitSyncs')
    .option('--sealed-secrets', 'run the SealedSecret reconciler (default)')
    .option('--no-sealed-secrets', 'do not reconcile SealedSecrets (keys and the API still run)')
    .option('--git-cache-dir <dir>', 'Git cache of the sync engine (default: $TMPDIR/gitseal-git)')
    .option('--git-allow-file', 'allow file:// Git sources (tests, local mirrors)')
    .option('--git-allow-http', 'allow plain http:// Git sources (tests only)')
    .option('--git-max-size <size>', 'largest fetched repository and checkout of one Git source (Ki, Mi, Gi)', '256Mi')
    .option(
      '--default-service-account <name>',
      "ServiceAccount (of the GitSync's own namespace) for GitSyncs outside --namespace that name none (default: refuse them)",
    )
    .option(
      '--allowed-service-accounts <list>',
      'ServiceAccount names GitSyncs outside --namespace may use, comma-separated (default: any in their namespace)',
    )
    .option(
      '--cross-namespace-refs',
      'let GitSyncs outside --namespace refer to and write into other namespaces (RBAC decides)',
    )
    .option(
      '--no-cross-namespace-refs',
      'GitSyncs outside --namespace stay in their namespace: dependsOn, targetNamespace, objects (default)',
    )
    .option('--notifications', 'send notifications for NotificationAlerts and NotificationProviders (default)')
    .option('--no-notifications', 'do not watch NotificationAlerts and NotificationProviders')
    .option(
      '--notification-link <pattern>',
      'link in every notification, with {kind}, {namespace}, {name}, {revision} (e.g. https://gitseal.example/{kind}/{namespace}/{name})',
    )
    .option('--notification-allow-http', 'allow plain http:// notification receivers (tests, in-cluster receivers)')
    .action(async (raw: RawFlags) => {
      await run(parseFlags(raw));
    });
}
