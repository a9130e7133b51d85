import { spawn } from 'node:child_process';
import { imageCacheDir } from './images.js';
import { ImageError, ImageErrorCode } from './image-error.js';

export interface BuildahRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** buildah on the image cache's storage (the one build-image.sh builds into). */
export function buildah(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<BuildahRun> {
  const cache = imageCacheDir(env);
  const storage = [
    '--root',
    `${cache}/storage`,
    '--runroot',
    `${cache}/run`,
    '--storage-driver',
    env.GITSEAL_BUILDAH_DRIVER ?? 'overlay',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('buildah', [...storage, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', (error) =>
      reject(new ImageError(ImageErrorCode.BuilderUnavailable, `buildah could not start: ${error.message}`)),
    );
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Like {@link buildah}, but a non-zero exit throws with buildah's stderr; resolves with stdout. */
export async function buildahOk(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const run = await buildah(args, env);
  if (run.code !== 0) {
    throw new ImageError(ImageErrorCode.RunFailed, `buildah ${args[0]} exited ${run.code}: ${run.stderr.trim()}`);
  }
  return run.stdout;
}

/** The parts of an image's OCI config the tests read. */
export interface ImageConfig {
  readonly User?: string;
  readonly Env?: string[];
  readonly Entrypoint?: string[];
  readonly Cmd?: string[];
  readonly Labels?: Record<string, string>;
  readonly ExposedPorts?: Record<string, object>;
}

export async function imageConfig(image: string, env: NodeJS.ProcessEnv = process.env): Promise<ImageConfig> {
  const out = await buildahOk(['inspect', '--type', 'image', image], env);
  return (JSON.parse(out) as { OCIv1: { config: ImageConfig } }).OCIv1.config;
}

export interface ContainerRunOptions {
  readonly env?: Record<string, string>;
  readonly workdir?: string;
  readonly user?: string;
}

let containers = 0;

/**
 * A working container of an image (`buildah from`), run with `buildah run --isolation chroot`: the image's user,
 * environment and file system, the host's network. Remove it with {@link remove}.
 */
export class ImageContainer {
  private constructor(
    readonly name: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /**
   * Named gitseal-test-<pid>-<n>: build-image.sh removes working containers whose process is gone, and leaves a
   * running test's alone.
   */
  static async from(image: string, env: NodeJS.ProcessEnv = process.env): Promise<ImageContainer> {
    containers += 1;
    const wanted = `gitseal-test-${process.pid}-${containers}`;
    const name = (await buildahOk(['from', '--pull=never', '--quiet', '--name', wanted, image], env)).trim();
    return new ImageContainer(name, env);
  }

  run(command: readonly string[], options: ContainerRunOptions = {}): Promise<BuildahRun> {
    const args = ['run', '--isolation', 'chroot'];
    for (const [key, value] of Object.entries(options.env ?? {})) args.push('--env', `${key}=${value}`);
    if (options.workdir) args.push('--workingdir', options.workdir);
    if (options.user) args.push('--user', options.user);
    return buildah([...args, this.name, '--', ...command], this.env);
  }

  /** Runs and expects exit 0; resolves with stdout and stderr together (`ssh -V` prints to stderr). */
  async runOk(command: readonly string[], options: ContainerRunOptions = {}): Promise<string> {
    const run = await this.run(command, options);
    if (run.code !== 0) {
      throw new ImageError(
        ImageErrorCode.RunFailed,
        `${command.join(' ')} in ${this.name} exited ${run.code}: ${run.stderr.trim()}`,
      );
    }
    return run.stdout + run.stderr;
  }

  /** Copies a host file or folder into the container, owned by `chown` (user:group). */
  async copy(source: string, destination: string, chown: string): Promise<void> {
    await buildahOk(['copy', '--quiet', '--chown', chown, this.name, source, destination], this.env);
  }

  /** Mounts the container's root file system on the host; resolves with its path. */
  async mount(): Promise<string> {
    return (await buildahOk(['mount', this.name], this.env)).trim();
  }

  async remove(): Promise<void> {
    await buildah(['rm', this.name], this.env);
  }
}
