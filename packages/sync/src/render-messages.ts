import type { GitRef } from '@gitseal/manifests';
import type { GitAuth } from './git-auth.js';
import type { RenderedObject, RenderLimits } from './render.js';

/** What the parent sends the render child (on its stdin, as JSON). */
export interface RenderRequest {
  readonly url: string;
  readonly ref?: GitRef;
  readonly auth?: GitAuth;
  readonly cacheDir: string;
  readonly path?: string;
  readonly limits?: RenderLimits;
  readonly allowHttp?: boolean;
  readonly allowFile?: boolean;
  /** Per git command. */
  readonly gitTimeoutMs?: number;
  /** Largest fetched repository and checkout (bytes). */
  readonly gitMaxBytes?: number;
}

/** What the child answers (on its stdout, one JSON document). */
export type RenderResponse =
  | {
      readonly ok: true;
      readonly revision: string;
      readonly commit: string;
      readonly objects: readonly RenderedObject[];
    }
  | { readonly ok: false; readonly code: string; readonly message: string };
