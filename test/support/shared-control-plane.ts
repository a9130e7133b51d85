import { after, before, type TestContext } from 'node:test';
import {
  ClusterError,
  ClusterErrorCode,
  startControlPlane,
  type ControlPlane,
  type StartControlPlaneOptions,
} from '../cluster/index.js';

export interface SharedControlPlane {
  /**
   * The file's running control plane. Outside CI, when no binaries can be had, it marks the test skipped and
   * returns undefined (the test should return); in CI that case fails in `before` instead.
   */
  use(t: TestContext): ControlPlane | undefined;
}

/** Up to a cold build of kube-apiserver (about 3 minutes on 2 cores) plus the start. */
const startTimeoutMs = 30 * 60_000;

/** True when CI is set to anything but "false"/"0": there an unavailable control plane is a failure. */
export function isCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}

/**
 * One control plane per test file: call at the top level of the file; it starts in `before` and stops in `after`.
 */
export function sharedControlPlane(options: StartControlPlaneOptions = {}): SharedControlPlane {
  let plane: ControlPlane | undefined;
  let skipReason: string | undefined;
  before(
    async () => {
      try {
        plane = await startControlPlane(options);
      } catch (error) {
        if (isCI() || !(error instanceof ClusterError) || error.code !== ClusterErrorCode.BinariesUnavailable)
          throw error;
        skipReason = `control plane unavailable, e2e tests skipped (they fail under CI=true): ${error.message}`;
        process.stderr.write(`\n!!! gitseal: ${skipReason}\n\n`);
      }
    },
    { timeout: startTimeoutMs },
  );
  after(async () => {
    await plane?.stop();
  });
  return {
    use(t) {
      if (plane) return plane;
      if (skipReason !== undefined) {
        t.skip(skipReason);
        return undefined;
      }
      throw new Error('no control plane: call sharedControlPlane() at the top level of the test file');
    },
  };
}
