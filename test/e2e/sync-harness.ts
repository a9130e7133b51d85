// Helpers of the sync engine's e2e tests: real Git repositories (a working copy pushing to a bare remote,
// served over file:// and smart HTTP through `git http-backend`), GitSync objects, and the controller they run in.
import { execFileSync } from 'node:child_process';
import { after, type TestContext } from 'node:test';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { gitTestEnv, startGitHttpServer, type GitHttpServer } from '@gitseal/sync/testing';
import {
  createNamespaceWithAccount,
  crdPath,
  createTestNamespace,
  installCrd,
  kubeConfigFor,
  sharedControlPlane,
} from '../support/index.js';
import type { ControlPlane } from '../cluster/index.js';
import { assertNoMarkers } from './cli-harness.js';
import {
  allControllerOutput,
  startControllerProcess,
  stopAllControllers,
  waitFor,
  type ControllerProcess,
} from './controller-harness.js';

export interface GitRepo {
  readonly bare: string;
  readonly url: string;
  /** Writes (content) or deletes (null) files, commits and pushes `main`; returns the commit id. */
  commit(files: Record<string, string | null>): string;
  /** Replaces `main` with a new root commit holding exactly `files` (a history unrelated to the old one). */
  rewrite(files: Record<string, string>): string;
  /** Force-pushes an earlier commit as `main` (e.g. a rewind). */
  forcePush(commit: string): void;
  /** `git revert` of a commit on `main`, pushed; returns the new commit id. */
  revert(commit: string): string;
  /** Commits symbolic links (path → target, the target written as given), pushed; returns the commit id. */
  commitLinks(links: Record<string, string>): string;
  remove(): void;
}

export function createGitRepo(): GitRepo {
  const root = mkdtempSync(join(tmpdir(), 'gitseal-e2e-repo-'));
  const bare = join(root, 'remote.git');
  const work = join(root, 'work');
  const env = gitTestEnv(root, 'e2e');
  const git = (cwd: string, ...args: string[]): string =>
    execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  git(root, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
  git(root, 'init', '--quiet', '--initial-branch=main', work);
  return {
    bare,
    url: `file://${bare}`,
    commit(files) {
      for (const [path, content] of Object.entries(files)) {
        const full = join(work, path);
        if (content === null) rmSync(full, { force: true });
        else {
          mkdirSync(dirname(full), { recursive: true });
          writeFileSync(full, content);
        }
      }
      git(work, 'add', '--all');
      git(work, 'commit', '--quiet', '--allow-empty', '-m', 'change');
      git(work, 'push', '--quiet', '--force', bare, 'main');
      return git(work, 'rev-parse', 'HEAD');
    },
    rewrite(files) {
      git(work, 'checkout', '--quiet', '--orphan', 'rewritten');
      git(work, 'rm', '-r', '--quiet', '--force', '--ignore-unmatch', '.');
      for (const [path, content] of Object.entries(files)) {
        mkdirSync(dirname(join(work, path)), { recursive: true });
        writeFileSync(join(work, path), content);
      }
      git(work, 'add', '--all');
      git(work, 'commit', '--quiet', '--allow-empty', '-m', 'rewritten');
      git(work, 'branch', '--quiet', '-M', 'main');
      git(work, 'push', '--quiet', '--force', bare, 'main');
      return git(work, 'rev-parse', 'HEAD');
    },
    forcePush(commit) {
      git(work, 'push', '--quiet', '--force', bare, `${commit}:refs/heads/main`);
    },
    revert(commit) {
      git(work, 'revert', '--quiet', '--no-edit', commit);
      git(work, 'push', '--quiet', '--force', bare, 'main');
      return git(work, 'rev-parse', 'HEAD');
    },
    commitLinks(links) {
      for (const [path, target] of Object.entries(links)) {
        mkdirSync(dirname(join(work, path)), { recursive: true });
        symlinkSync(target, join(work, path));
      }
      git(work, 'add', '--all');
      git(work, 'commit', '--quiet', '-m', 'links');
      git(work, 'push', '--quiet', '--force', bare, 'main');
      return git(work, 'rev-parse', 'HEAD');
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/**
 * Serves the directory holding `bare` over smart HTTP (`git http-backend`), or HTTPS with `tls`; every request must
 * carry `authorization`.
 */
export async function serveOverHttp(
  bare: string,
  authorization: string,
  host?: string,
  tls?: { readonly cert: string; readonly key: string },
): Promise<GitHttpServer> {
  const server = await startGitHttpServer(dirname(bare), authorization, host, tls);
  return { ...server, url: `${server.url}/${basename(bare)}` };
}

export interface GitSyncObject {
  apiVersion: 'gitseal.dev/v1alpha1';
  kind: 'GitSync';
  metadata: {
    name: string;
    namespace: string;
    generation?: number;
    resourceVersion?: string;
    annotations?: Record<string, string>;
    finalizers?: string[];
  };
  spec: Record<string, unknown> & {
    source: {
      url: string;
      ref?: Record<string, string>;
      path?: string;
      secretRef?: { name: string };
      chart?: { name: string; version?: string };
    };
  };
  status?: {
    observedGeneration?: number;
    lastAppliedRevision?: string;
    lastAttemptedRevision?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    inventory?: { entries: { id: string; v: string }[] };
    history?: { revision: string; digest?: string; result: string; objectsChanged?: number }[];
    lastHandledRequestedAt?: string;
  };
}

const REF = { group: 'gitseal.dev', version: 'v1alpha1', plural: 'gitsyncs' };

export class GitSyncs {
  readonly #api: CustomObjectsApi;
  constructor(kc: KubeConfig) {
    this.#api = kc.makeApiClient(CustomObjectsApi);
  }

  async create(namespace: string, name: string, spec: GitSyncObject['spec']): Promise<GitSyncObject> {
    const body = { apiVersion: 'gitseal.dev/v1alpha1', kind: 'GitSync', metadata: { name, namespace }, spec };
    return (await this.#api.createNamespacedCustomObject({ ...REF, namespace, body })) as GitSyncObject;
  }

  async get(namespace: string, name: string): Promise<GitSyncObject> {
    return (await this.#api.getNamespacedCustomObject({ ...REF, namespace, name })) as GitSyncObject;
  }

  async delete(namespace: string, name: string): Promise<void> {
    await this.#api.deleteNamespacedCustomObject({ ...REF, namespace, name });
  }

  /** Read-modify-write with retries on conflicts. */
  async update(namespace: string, name: string, change: (o: GitSyncObject) => void): Promise<GitSyncObject> {
    for (let attempt = 0; ; attempt++) {
      const object = await this.get(namespace, name);
      change(object);
      try {
        return (await this.#api.replaceNamespacedCustomObject({
          ...REF,
          namespace,
          name,
          body: object,
        })) as GitSyncObject;
      } catch (error) {
        if ((error as { code?: number }).code !== 409 || attempt > 5) throw error;
      }
    }
  }

  /** Sets `gitseal.dev/requested-at`: sync now. */
  async trigger(namespace: string, name: string): Promise<void> {
    await this.update(namespace, name, (o) => {
      o.metadata.annotations = {
        ...o.metadata.annotations,
        'gitseal.dev/requested-at': `${Date.now()}-${Math.random()}`,
      };
    });
  }

  /** Waits until the status is for the current generation and `accept` likes it. */
  async waitFor(
    namespace: string,
    name: string,
    what: string,
    accept: (o: GitSyncObject) => boolean,
    timeoutMs = 60_000,
  ): Promise<GitSyncObject> {
    try {
      return await waitFor(
        `GitSync ${namespace}/${name}: ${what}`,
        async () => {
          const o = await this.get(namespace, name);
          return o.status?.observedGeneration === o.metadata.generation && accept(o) ? o : undefined;
        },
        timeoutMs,
        200,
      );
    } catch (error) {
      const last = await this.get(namespace, name).catch(() => undefined);
      const status = JSON.stringify({ generation: last?.metadata.generation, status: last?.status });
      throw new Error(`${error instanceof Error ? error.message : String(error)}; last ${status}`, { cause: error });
    }
  }
}

export function gitSyncCondition(o: GitSyncObject, type: string) {
  return o.status?.conditions?.find((c) => c.type === type);
}

/** Ready=True at exactly this commit. */
export function readyAt(commit: string): (o: GitSyncObject) => boolean {
  return (o) =>
    gitSyncCondition(o, 'Ready')?.status === 'True' && o.status?.lastAppliedRevision === `main@sha1:${commit}`;
}

/** Ready=False with this reason, attempted at exactly this commit (or any revision when commit is undefined). */
export function failedWith(reason: string, commit?: string): (o: GitSyncObject) => boolean {
  return (o) => {
    const ready = gitSyncCondition(o, 'Ready');
    const at = commit === undefined || o.status?.lastAttemptedRevision === `main@sha1:${commit}`;
    return ready?.status === 'False' && ready.reason === reason && at;
  };
}

/** `read` of an object that may not exist: undefined on 404, any other error thrown. */
export function orAbsent<T>(read: Promise<T>): Promise<T | undefined> {
  return read.catch((error: { code?: number }) => {
    if (error.code === 404) return undefined;
    throw error;
  });
}

/** A ConfigMap manifest as JSON, the way the tests commit objects to Git (no namespace: the GitSync's). */
export function configMapJson(name: string, data: Record<string, string>, namespace?: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, ...(namespace ? { namespace } : {}) },
    data,
  });
}

/**
 * A namespaced `Widget` CRD in `group` whose spec keeps unknown fields, with `properties` added beside `spec`.
 * The fields are declared because server-side apply answers 500 to unknown ones under a root-level preserve flag.
 */
export function widgetCrd(group: string, properties: Record<string, unknown> = {}) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `widgets.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, ...properties },
            },
          },
        },
      ],
    },
  };
}

/** The ServiceAccount the e2e controllers impersonate for GitSyncs that name none (--default-service-account). */
export const TENANT_SERVICE_ACCOUNT = 'gitsync';

/**
 * A fresh namespace for tenant GitSyncs: it holds the ServiceAccount `gitsync`, bound (by a RoleBinding, so only
 * inside this namespace) to the built-in `cluster-admin` ClusterRole — all rights in its namespace, none outside.
 */
export function createSyncNamespace(kc: KubeConfig, prefix: string): Promise<string> {
  return createNamespaceWithAccount(kc, prefix, TENANT_SERVICE_ACCOUNT);
}

export interface SyncController {
  readonly kc: KubeConfig;
  /** The controller's own namespace: GitSyncs there are platform GitSyncs. */
  readonly namespace: string;
  readonly core: CoreV1Api;
  readonly syncs: GitSyncs;
  readonly controller: ControllerProcess;
}

/** The flags of the e2e sync controllers (see startSyncController), its keys in `namespace`. */
export function syncControllerArgs(namespace: string, extraArgs: readonly string[] = []): string[] {
  return [
    ...['--namespace', namespace, '--key-size', '2048', '--git-allow-file', '--git-allow-http'],
    ...['--resync-period', '0', '--default-service-account', TENANT_SERVICE_ACCOUNT],
    ...extraArgs,
  ];
}

/**
 * Installs the SealedSecret, GitSync and notification CRDs and starts gitseal-controller as a process, its keys in a fresh
 * namespace, allowed file:// and plain http:// Git, with no periodic resync (tests trigger syncs themselves), and
 * `--default-service-account gitsync` (see createSyncNamespace).
 */
export async function startSyncController(
  kubeconfigPath: string,
  extraArgs: readonly string[] = [],
): Promise<SyncController> {
  const kc = kubeConfigFor(kubeconfigPath);
  await installCrd(kc, crdPath('sealedsecrets.gitseal.dev.yaml'));
  await installCrd(kc, crdPath('gitsyncs.gitseal.dev.yaml'));
  await installCrd(kc, crdPath('notificationproviders.gitseal.dev.yaml'));
  await installCrd(kc, crdPath('notificationalerts.gitseal.dev.yaml'));
  const controllerNs = await createTestNamespace(kc, 'gitseal-system');
  const controller = await startControllerProcess(kubeconfigPath, syncControllerArgs(controllerNs, extraArgs));
  return { kc, namespace: controllerNs, core: kc.makeApiClient(CoreV1Api), syncs: new GitSyncs(kc), controller };
}

/**
 * For `after`: stops every controller, keeps their output as `logName` in $GITSEAL_E2E_LOG_DIR, removes the
 * repositories, then checks that the output holds none of the markers.
 */
export async function finishSyncTests(
  logName: string,
  repos: readonly GitRepo[],
  markers: readonly string[],
): Promise<void> {
  await stopAllControllers();
  const output = allControllerOutput();
  if (process.env.GITSEAL_E2E_LOG_DIR) writeFileSync(join(process.env.GITSEAL_E2E_LOG_DIR, logName), output);
  for (const repo of repos) repo.remove();
  assertNoMarkers(output, markers, 'controller output');
}

/** What one test file's sync controller gives its tests (see syncSuite). */
export interface SyncSuiteContext extends SyncController {
  readonly plane: ControlPlane;
  /** The controller's sealing certificate (GET /v1/cert.pem). */
  readonly certPem: string;
}

export interface SyncSuite {
  /** The file's controller, started by the first test that asks; undefined when the test was skipped. */
  ready(t: TestContext): Promise<SyncSuiteContext | undefined>;
  /** A fresh Git repository, removed after the file. */
  newRepo(): GitRepo;
  /** Plaintext markers the controller's output must not hold (checked after the file). */
  readonly markers: string[];
}

/**
 * The frame of a sync e2e file: its own control plane, one controller (startSyncController with `extraArgs`) started
 * once, repositories and markers; after the file the controllers stop, the output is kept as `logName` and checked
 * for the markers. Call at the top level of the file.
 */
export function syncSuite(logName: string, extraArgs: readonly string[] = []): SyncSuite {
  const plane = sharedControlPlane();
  const repos: GitRepo[] = [];
  const markers: string[] = [];
  let started: Promise<SyncSuiteContext> | undefined;
  after(() => finishSyncTests(logName, repos, markers));
  return {
    markers,
    newRepo() {
      const repo = createGitRepo();
      repos.push(repo);
      return repo;
    },
    async ready(t) {
      const cp = plane.use(t);
      if (!cp) return undefined;
      started ??= (async () => {
        const sync = await startSyncController(cp.kubeconfigPath, extraArgs);
        const certPem = await (await fetch(`${sync.controller.api}/v1/cert.pem`)).text();
        return { ...sync, plane: cp, certPem };
      })();
      return started;
    },
  };
}
