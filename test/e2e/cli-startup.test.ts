// CLI start-up (issue 17, part 1): what `gitseal seal` loads, the bundle it runs from, its code cache, and the
// ways it is started (kubectl plugin, npx).
//
// How the loaded module list is taken: the CLI runs under `node --import <register.mjs>`, which (1) registers a
// module `load` hook that appends every ES module URL Node loads to a log, synchronously, before the load, and (2)
// on exit appends every file in require.cache (CommonJS, and ES modules loaded through require(esm)) and every
// built-in module in process.moduleLoadList. The bundle itself is compiled by bin/gitseal.js through node:vm, so
// it is no module: what it pulls in at run time is. The same log run on `gitseal sync list` must show
// @kubernetes/client-node and node:http (the control that proves the method sees what a command loads lazily).
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { chmod, mkdir, open, readFile, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import {
  BIN,
  REPO_ROOT,
  assertSuccess,
  makeTempDir,
  runCli,
  sealingLine,
  writeKeyPair,
  type KeyFiles,
} from './cli-harness.js';

const BUNDLE = join(REPO_ROOT, 'packages', 'cli', 'dist', 'gitseal.cjs');
const METAFILE = join(REPO_ROOT, 'packages', 'cli', 'dist', 'gitseal.meta.json');

/** Packages the seal path must not load, and built-ins that only they (or the cluster commands) would load. */
const HEAVY_PACKAGES = ['@kubernetes/client-node', 'express', 'pino', 'prom-client', 'node-forge', '@gitseal/'];
const NETWORK_BUILTINS = ['http', 'https', 'http2', 'tls', 'dns', 'dgram', 'zlib', 'child_process', 'readline'];

const HOOKS = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.GITSEAL_TEST_MODULE_LOG, 'esm ' + url + '\\n');
  return next(url, context);
}
`;
const REGISTER = `import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
register('./hooks.mjs', import.meta.url);
process.on('exit', () => {
  const lines = [
    ...Object.keys(createRequire(import.meta.url).cache).map((file) => 'cjs ' + file),
    ...process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => 'builtin ' + m.slice(13)),
  ];
  appendFileSync(process.env.GITSEAL_TEST_MODULE_LOG, lines.join('\\n') + '\\n');
});
`;

/** Records the built-ins a run loaded, without module hooks (their worker thread loads `node:net` itself). */
const BUILTINS_AT_EXIT = `process.on('exit', () => {
  require('node:fs').writeFileSync(process.env.GITSEAL_TEST_MODULE_LOG, process.moduleLoadList.join('\\n'));
});
`;

let dir: string;
let cleanup: () => Promise<void>;
let pair: KeyFiles;
let secretFile: string;

before(async () => {
  ({ dir, cleanup } = await makeTempDir());
  pair = await writeKeyPair(dir, 'startup');
  await writeFile(join(dir, 'hooks.mjs'), HOOKS);
  await writeFile(join(dir, 'register.mjs'), REGISTER);
  await writeFile(join(dir, 'builtins.cjs'), BUILTINS_AT_EXIT);
  secretFile = join(dir, 'secret.json');
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'prod' } };
  await writeFile(secretFile, JSON.stringify({ ...secret, data: { password: 'aHVudGVyMg==' } }));
});
after(() => cleanup());

interface ModuleLog {
  readonly code: number | null;
  readonly stdout: string;
  /** URLs (ES modules) and paths (require.cache) of the files loaded as modules. */
  readonly files: string[];
  readonly builtins: Set<string>;
}

/** Runs the CLI under the module log, stdin read from a file (as `gitseal seal … < secret.json`). */
async function runLogged(name: string, args: readonly string[]): Promise<ModuleLog> {
  const log = join(dir, `${name}.log`);
  const stdin = await open(secretFile, 'r');
  try {
    const result = spawnSync(process.execPath, ['--import', join(dir, 'register.mjs'), BIN, ...args], {
      stdio: [stdin.fd, 'pipe', 'pipe'],
      env: { ...process.env, GITSEAL_TEST_MODULE_LOG: log, KUBECONFIG: '/nonexistent/kubeconfig' },
      encoding: 'utf8',
    });
    const lines = (await readFile(log, 'utf8')).split('\n').filter((line) => line !== '');
    const of = (kind: string): string[] =>
      lines.filter((line) => line.startsWith(`${kind} `)).map((line) => line.slice(kind.length + 1));
    const ownHooks = (file: string): boolean => file.includes(dir);
    return {
      code: result.status,
      stdout: result.stdout,
      files: [...of('esm'), ...of('cjs')].filter((file) => !ownHooks(file)),
      builtins: new Set(of('builtin')),
    };
  } finally {
    await stdin.close();
  }
}

describe('gitseal seal start-up', () => {
  test('seal --cert FILE < secret.json loads the bin and nothing else: no package, no network built-in', async () => {
    const run = await runLogged('seal', ['seal', '--cert', pair.certPath]);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^kind: SealedSecret$/m);
    assert.match(run.stdout, /^ {4}password: gs2:/m);
    const binUrl = `file://${BIN}`;
    assert.deepEqual([...new Set(run.files)].sort(), [BIN, binUrl].sort(), 'only bin/gitseal.js is a module');
    for (const file of run.files) {
      for (const pkg of HEAVY_PACKAGES) assert.ok(!file.includes(`node_modules/${pkg}`), `${file} loaded`);
    }
    for (const builtin of NETWORK_BUILTINS) assert.ok(!run.builtins.has(builtin), `node:${builtin} loaded`);
    assert.ok(run.builtins.has('crypto'), 'the log sees the built-ins seal does load');
  });

  test('seal writes its output without creating the stdout and stderr streams (pipes here: no node:net, node:tty)', async () => {
    const log = join(dir, 'builtins.log');
    const stdin = await open(secretFile, 'r');
    try {
      const result = spawnSync(
        process.execPath,
        ['--require', join(dir, 'builtins.cjs'), BIN, 'seal', '--cert', pair.certPath],
        {
          stdio: [stdin.fd, 'pipe', 'pipe'],
          env: { ...process.env, GITSEAL_TEST_MODULE_LOG: log },
          encoding: 'utf8',
        },
      );
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /^kind: SealedSecret$/m);
      assert.match(result.stderr, /^gitseal: sealing to certificate SHA256:/);
    } finally {
      await stdin.close();
    }
    const builtins = (await readFile(log, 'utf8')).split('\n');
    assert.ok(builtins.includes('NativeModule crypto'), 'the log sees what seal loads');
    for (const builtin of ['net', 'tty'])
      assert.ok(!builtins.includes(`NativeModule ${builtin}`), `node:${builtin} loaded`);
  });

  test('control: the same log shows what a cluster command loads lazily (sync list → client-node, http)', async () => {
    const run = await runLogged('sync-list', ['sync', 'list']);
    assert.equal(run.code, 1, 'fails on the missing kubeconfig, after loading the client');
    // @gitseal/kube loads its tree-shaken bundle of client-node (packages/kube/dist/client-node.bundle.js) when built,
    // else the package itself.
    assert.ok(
      run.files.some(
        (file) => file.includes('node_modules/@kubernetes/client-node/') || file.endsWith('/client-node.bundle.js'),
      ),
      `client-node not in ${run.files.join(', ')}`,
    );
    assert.ok(run.builtins.has('http'));
  });

  test('the bundle is one file holding only commander, js-yaml and gitseal code; the rest stays external', async () => {
    const meta = JSON.parse(await readFile(METAFILE, 'utf8')) as {
      inputs: Record<string, unknown>;
      outputs: Record<string, unknown>;
    };
    assert.deepEqual(
      Object.keys(meta.outputs).map((file) => file.replace(/.*\//, '')),
      ['gitseal.cjs'],
    );
    const packages = new Set(
      Object.keys(meta.inputs)
        .map((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1])
        .filter((name) => name !== undefined),
    );
    assert.deepEqual([...packages].sort(), ['commander', 'js-yaml']);
    const inputs = Object.keys(meta.inputs).join('\n');
    // Inputs are named relative to packages/cli, where the bundle is built.
    assert.match(inputs, /^dist\/main\.js$/m, 'the CLI bundled');
    for (const own of ['crypto', 'manifests', 'kube', 'sync']) {
      assert.match(inputs, new RegExp(`^\\.\\./${own}/dist/`, 'm'), `@gitseal/${own} bundled`);
    }
    assert.match(await readFile(BUNDLE, 'utf8'), /^\/\/ gitseal-bundle [0-9a-f]{16}\n'use strict';/);
  });
});

describe('stdin, read synchronously where it can be', () => {
  /** Runs seal -o json on stdin, then feeds the Secret in two parts, 200 ms apart, through write; end closes. */
  async function sealSlowly(
    stdin: 'pipe' | number,
    write: (child: ChildProcess, part: Buffer) => void,
    end: (child: ChildProcess) => void,
    spawned: () => void = () => undefined,
  ): Promise<string> {
    const secret = await readFile(secretFile);
    const child = spawn(process.execPath, [BIN, 'seal', '--cert', pair.certPath, '-o', 'json'], {
      stdio: [stdin, 'pipe', 'pipe'],
    });
    spawned();
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    await delay(200);
    write(child, secret.subarray(0, 20));
    await delay(200);
    write(child, secret.subarray(20));
    end(child);
    assert.equal(await closed, 0);
    return out;
  }

  test('a blocking pipe whose writer is slow: the read waits for the end of the input', async () => {
    const out = await sealSlowly(
      'pipe',
      (child, part) => child.stdin?.write(part),
      (child) => child.stdin?.end(),
    );
    assert.match(out, /"name": "db"/);
  });

  test('a non-blocking pipe (EAGAIN): the rest is read through process.stdin', async () => {
    const fifo = join(dir, 'stdin.fifo');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writer = openSync(fifo, constants.O_WRONLY);
    let writerOpen = true;
    const endWriter = (): void => {
      if (writerOpen) closeSync(writer);
      writerOpen = false;
    };
    try {
      const out = await sealSlowly(
        reader,
        (_child, part) => writeSync(writer, part),
        endWriter,
        () => closeSync(reader),
      );
      assert.match(out, /"name": "db"/);
    } finally {
      endWriter();
    }
  });
});

describe('compile cache', () => {
  const cacheHome = (): string => join(dir, 'xdg-cache');
  const cacheDir = (): string => join(cacheHome(), 'gitseal', 'compile-cache');
  const seal = () =>
    runCli(['seal', '--cert', pair.certPath, '-o', 'json'], {
      input: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'c', namespace: 'n' } }),
      env: { XDG_CACHE_HOME: cacheHome(), SEALED_SECRETS_ALLOW_EMPTY_DATA: 'true' },
    });

  test('the first successful run writes the cache (0700 folder, 0600 file); the next run keeps it', async () => {
    assertSuccess(await seal(), [sealingLine(pair)]);
    const files = await readdir(cacheDir());
    assert.equal(files.length, 1);
    assert.match(files[0] ?? '', /^[0-9a-f]{16}-v\d+\.\d+\.\d+-[a-z0-9]+-seal\.v8$/);
    assert.equal((await stat(cacheDir())).mode & 0o777, 0o700);
    const file = join(cacheDir(), files[0] ?? '');
    const first = await stat(file);
    assert.equal(first.mode & 0o777, 0o600);
    assert.ok(first.size > 10_000, `a cache of ${first.size} bytes`);
    assertSuccess(await seal(), [sealingLine(pair)]);
    assert.equal((await stat(file)).ino, first.ino, 'an accepted cache is not written again');
  });

  test('a corrupt cache is rejected: the command works the same and the cache is written anew', async () => {
    const [name] = await readdir(cacheDir());
    const file = join(cacheDir(), name ?? '');
    await writeFile(file, Buffer.alloc(4096, 7));
    const corrupt = await stat(file);
    const run = await seal();
    assertSuccess(run, [sealingLine(pair)]);
    assert.match(run.stdout, /"kind": "SealedSecret"/);
    const renewed = await stat(file);
    assert.notEqual(renewed.ino, corrupt.ino);
    assert.ok(renewed.size > 10_000);
  });

  test('a cache folder others may write to is not used; GITSEAL_COMPILE_CACHE=off writes none', async () => {
    await chmod(cacheDir(), 0o777);
    const before = await readdir(cacheDir());
    assertSuccess(await runCli(['--version'], { env: { XDG_CACHE_HOME: cacheHome() } }));
    assert.deepEqual(await readdir(cacheDir()), before, 'nothing written to a world-writable folder');
    const off = join(dir, 'xdg-off');
    assertSuccess(await runCli(['--version'], { env: { XDG_CACHE_HOME: off, GITSEAL_COMPILE_CACHE: 'off' } }));
    await assert.rejects(stat(join(off, 'gitseal')), { code: 'ENOENT' });
  });
});

describe('how gitseal is started', () => {
  test('kubectl gitseal runs the kubectl-gitseal plugin (a symlink to the bin, as npm installs it)', async () => {
    const path = join(dir, 'plugins');
    await mkdir(path);
    await symlink(BIN, join(path, 'kubectl-gitseal'));
    const result = spawnSync('kubectl', ['gitseal', 'seal', '--cert', pair.certPath], {
      input: await readFile(secretFile),
      env: { ...process.env, PATH: `${path}:${process.env.PATH ?? ''}` },
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^kind: SealedSecret$/m);
  });

  test('npx gitseal runs the workspace bin', async () => {
    const result = spawnSync('npx', ['--no-install', 'gitseal', '--version'], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'packages', 'cli', 'package.json'), 'utf8')) as {
      version: string;
    };
    assert.equal(result.stdout, `${pkg.version}\n`);
  });
});
