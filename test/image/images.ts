import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImageError, ImageErrorCode } from './image-error.js';

export interface ImageVersions {
  readonly suite: string;
  readonly node: string;
  readonly npm: string;
  readonly kustomize: string;
  /** The helm the image ships (the same default as the tests' helm, test/cluster/helm-binary.ts). */
  readonly helm: string;
  /** The controller's package version: the controller and e2e app images are tagged with it. */
  readonly gitseal: string;
}

export interface BuiltImages {
  readonly base: string;
  readonly controller: string;
  readonly app: string;
  readonly versions: ImageVersions;
  /** Wall-clock seconds of the whole build (base, Go image, controller, app, archives). */
  readonly seconds: number;
}

export interface BuildImagesOptions {
  /** Write an OCI archive of the controller image here (for `ctr -n k8s.io images import`). */
  readonly out?: string;
  /** Write an OCI archive of the e2e app image here. */
  readonly appOut?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Where build-image.sh's progress lines go; default stderr. */
  readonly progress?: (line: string) => void;
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const buildScript = join(repoRoot, 'test/image/build-image.sh');
const buildTimeoutMs = 60 * 60_000;

/** Same defaults and overrides as build-image.sh. */
export function imageVersions(env: NodeJS.ProcessEnv = process.env): ImageVersions {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'packages/controller/package.json'), 'utf8')) as {
    version: string;
  };
  return {
    suite: env.GITSEAL_DEBIAN_SUITE ?? 'bookworm',
    node: env.GITSEAL_NODE_VERSION ?? '22.23.5',
    npm: env.GITSEAL_NPM_VERSION ?? '10.9.9',
    kustomize: env.GITSEAL_KUSTOMIZE_VERSION ?? 'v5.8.2',
    helm: env.GITSEAL_HELM_VERSION ?? 'v4.3.2',
    gitseal: pkg.version,
  };
}

/** `${XDG_CACHE_HOME:-~/.cache}/gitseal/image`: buildah's storage and the build logs, outside the repo. */
export function imageCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GITSEAL_IMAGE_CACHE) return env.GITSEAL_IMAGE_CACHE;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'gitseal', 'image');
}

export function imageNames(versions: ImageVersions): { base: string; controller: string; app: string } {
  return {
    base: `localhost/gitseal-base:${versions.suite}-node${versions.node}`,
    controller: `localhost/gitseal-controller:${versions.gitseal}`,
    app: `localhost/gitseal-e2e-app:${versions.gitseal}`,
  };
}

/** The tools build-image.sh needs that are missing here. */
export function missingBuildTools(env: NodeJS.ProcessEnv = process.env): string[] {
  const tools = ['buildah', 'debootstrap', 'go', 'flock'];
  return tools.filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { env, stdio: 'ignore' }).status !== 0);
}

/**
 * Builds the controller and e2e app images with build-image.sh (bases once into the cache, then deploy/Dockerfile
 * with buildah's layer cache), optionally writing OCI archives. The script holds a lock in the cache, so
 * concurrent callers wait for each other.
 */
export async function buildImages(options: BuildImagesOptions = {}): Promise<BuiltImages> {
  const env = options.env ?? process.env;
  if (process.getuid?.() !== 0) {
    throw new ImageError(
      ImageErrorCode.BuilderUnavailable,
      'cannot build the images: build-image.sh runs debootstrap and buildah (chroot isolation) as root',
    );
  }
  const missing = missingBuildTools(env);
  if (missing.length > 0) {
    throw new ImageError(
      ImageErrorCode.BuilderUnavailable,
      `cannot build the images: ${missing.join(', ')} not installed (Debian: apt-get install buildah debootstrap; ` +
        'Go >= 1.26 for kustomize)',
    );
  }
  const versions = imageVersions(env);
  const args = [buildScript];
  if (options.out) args.push('--out', options.out);
  if (options.appOut) args.push('--app-out', options.appOut);
  const progress = options.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    // Its own process group, so that a timeout ends buildah and the RUN steps too, not only the script.
    const child = spawn('bash', args, { cwd: repoRoot, env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let tail: string[] = [];
    let partial = '';
    child.stderr.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        progress(line);
        tail = [...tail, line].slice(-30);
      }
    });
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    }, buildTimeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new ImageError(ImageErrorCode.BuildFailed, `build-image.sh could not start: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (partial) progress(partial);
      if (code === 0) return resolve();
      const why = signal ? `killed by ${signal}` : `exit ${code}`;
      reject(new ImageError(ImageErrorCode.BuildFailed, `build-image.sh failed (${why}):\n${tail.join('\n')}`));
    });
  });
  return { ...imageNames(versions), versions, seconds: (Date.now() - started) / 1000 };
}
