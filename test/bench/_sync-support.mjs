// Shared by the sync benchmarks: a Git repository to commit to, and the API server's own request counts
// (`apiserver_request_total` from its /metrics) as a delta per measured phase.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createKeyRing } from '@gitseal/crypto';
import { createApiDiscovery, makeObjectApi, createRawApplier } from '@gitseal/kube';

const WRITE_VERBS = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'DELETECOLLECTION', 'APPLY']);

/** A bare repository on file:// and a working copy: `commit(files)` writes (null deletes), commits and pushes main. */
export function gitRepo(root) {
  const env = {
    PATH: process.env.PATH,
    HOME: root,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'b',
    GIT_AUTHOR_EMAIL: 'b@x',
    GIT_COMMITTER_NAME: 'b',
    GIT_COMMITTER_EMAIL: 'b@x',
  };
  const bare = join(root, 'remote.git');
  const work = join(root, 'work');
  const git = (cwd, ...args) => execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim();
  git(root, 'init', '-q', '--bare', '--initial-branch=main', bare);
  git(root, 'init', '-q', '--initial-branch=main', work);
  return {
    url: `file://${bare}`,
    /** The working tree (what the last commit holds). */
    work,
    commit(files) {
      for (const [path, content] of Object.entries(files)) {
        if (content === null) {
          execFileSync('rm', ['-f', join(work, path)]);
          continue;
        }
        mkdirSync(join(work, path, '..'), { recursive: true });
        writeFileSync(join(work, path), content);
      }
      git(work, 'add', '-A');
      git(work, 'commit', '-q', '-m', 'c');
      git(work, 'push', '-q', '-f', bare, 'main');
      return git(work, 'rev-parse', 'HEAD');
    },
  };
}

/** `apiserver_request_total` of the API server: series (labels) → count. */
export async function apiRequestCounts(kc) {
  const options = {};
  await kc.applyToHTTPSOptions(options);
  const text = await new Promise((resolve, reject) => {
    request(new URL('/metrics', kc.getCurrentCluster().server), options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`/metrics: ${res.statusCode}`))));
    })
      .on('error', reject)
      .end();
  });
  const counts = new Map();
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const space = line.lastIndexOf(' ');
    counts.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return counts;
}

const label = (series, name) => new RegExp(`[{,]${name}="([^"]*)"`).exec(series)?.[1] ?? '';

/** Requests between two counts, without leases and without `own` ({"VERB resource": n}, the bench's requests). */
export function requestDelta(before, after, own = {}) {
  const byVerb = {};
  const writesByResource = {};
  for (const [series, value] of after) {
    const n = value - (before.get(series) ?? 0);
    const resource = label(series, 'resource');
    if (n === 0 || resource === 'leases') continue;
    // A server-side dry run is a PATCH the API server stores nothing for: counted apart from writes.
    const verb = label(series, 'dry_run') ? `DRYRUN-${label(series, 'verb')}` : label(series, 'verb');
    const key = `${verb} ${resource}${label(series, 'subresource') ? `/${label(series, 'subresource')}` : ''}`;
    byVerb[key] = (byVerb[key] ?? 0) + n;
  }
  for (const [key, n] of Object.entries(own)) {
    byVerb[key] = (byVerb[key] ?? 0) - n;
    if (byVerb[key] < 0) throw new Error(`own request ${key} not seen by the API server`);
  }
  let writes = 0;
  let reads = 0;
  let dryRuns = 0;
  for (const [key, n] of Object.entries(byVerb)) {
    if (n === 0) continue;
    const [verb, resource] = key.split(' ');
    if (verb.startsWith('DRYRUN-')) dryRuns += n;
    else if (WRITE_VERBS.has(verb)) {
      writes += n;
      writesByResource[`${verb} ${resource}`] = n;
    } else reads += n;
  }
  return { total: writes + reads + dryRuns, writes, reads, dryRuns, writesByResource };
}

export async function measured(kc, run, own = () => ({})) {
  const before = await apiRequestCounts(kc);
  const t0 = performance.now();
  const value = await run();
  const elapsed = performance.now() - t0;
  await sleep(300); // requests still completing (a status write after the log line) land in this phase
  return { ms: elapsed, value, requests: requestDelta(before, await apiRequestCounts(kc), own()) };
}

export const describeRequests = (r) =>
  `${r.total} API requests (${r.writes} writes, ${r.dryRuns} dry runs, ${r.reads} reads)` +
  (r.writes > 0 && r.writes < 20 ? ` [${Object.entries(r.writesByResource).map(([k, n]) => `${n}× ${k}`)}]` : '');

/**
 * What every in-process bench hands syncRevision besides the GitSync: the admin identity's clients, API discovery,
 * an empty key ring, file:// allowed, a generous timeout. `applier` replaces the raw applier (to record requests).
 */
export function engineInput(kc, root, applier) {
  const client = makeObjectApi(kc);
  const discovery = createApiDiscovery(kc);
  return {
    applier: applier ?? createRawApplier(kc, { discovery }),
    discovery,
    client,
    reader: client,
    keys: createKeyRing([]),
    preflightCache: new Set(),
    cacheDir: join(root, 'cache'),
    allowFile: true,
    timeoutMs: 600_000,
  };
}

/** The smart-HTTP Git server (_git-http-server.mjs) in its own process, serving the folder `root`: its base URL. */
export async function startGitHttpProcess(root, password) {
  const child = spawn(
    process.execPath,
    [fileURLToPath(new URL('./_git-http-server.mjs', import.meta.url)), root, 'git', password],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const url = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', () => reject(new Error('the Git HTTP server exited')));
  });
  return { url, pid: child.pid, stop: () => child.stdin.end() };
}

/** pid → { ppid, rss (bytes), command } for every process. */
function processes() {
  const all = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = readFileSync(`/proc/${name}/status`, 'utf8');
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
      const rss = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
      all.set(Number(name), { ppid, rss, command: /^Name:\s+(.*)$/m.exec(status)?.[1] ?? '' });
    } catch {
      // gone meanwhile
    }
  }
  return all;
}

/** The control plane's processes are the bench's children too: never counted. */
const CONTROL_PLANE = new Set(['kube-apiserver', 'etcd']);

/** RSS of process `root` and of its descendants apart from the `excluded` subtrees and the control plane. */
export function processMemory(root, excluded = []) {
  const all = processes();
  let children = 0;
  const walk = (pid) => {
    for (const [child, info] of all) {
      if (info.ppid !== pid || excluded.includes(child) || CONTROL_PLANE.has(info.command)) continue;
      children += info.rss;
      walk(child);
    }
  };
  walk(root);
  return { self: all.get(root)?.rss ?? 0, children };
}
