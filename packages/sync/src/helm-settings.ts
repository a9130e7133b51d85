/**
 * How the render child runs `helm template` for one GitSync: worked out by the parent from spec.helm, the cluster's
 * discovery and valuesFrom, then sent to the child with the render request.
 */
export interface HelmRenderSettings {
  readonly releaseName: string;
  /** The release namespace (`.Release.Namespace`). */
  readonly namespace: string;
  /** Repository paths of values files, in order (Git sources only). */
  readonly valuesFiles: readonly string[];
  /**
   * valuesFrom then the inline values, merged: handed to helm on its stdin, never in a file or an argument (values
   * from Secrets are secrets).
   */
  readonly values?: Readonly<Record<string, unknown>>;
  readonly includeCRDs: boolean;
  readonly skipTests: boolean;
  /** `.Capabilities.KubeVersion`, e.g. `v1.35.4`; absent: helm's own default. */
  readonly kubeVersion?: string;
  /** `.Capabilities.APIVersions` beyond helm's defaults. */
  readonly apiVersions: readonly string[];
}

/** The chart a render produced, for status and history. */
export interface RenderedChart {
  readonly name: string;
  readonly version: string;
}
