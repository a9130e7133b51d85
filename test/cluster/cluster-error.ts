export const ClusterErrorCode = {
  /** Neither KUBEBUILDER_ASSETS nor Go: the control plane cannot be built or found. */
  BinariesUnavailable: 'BINARIES_UNAVAILABLE',
  BuildFailed: 'BUILD_FAILED',
  StartFailed: 'START_FAILED',
  NotRunning: 'NOT_RUNNING',
} as const;
export type ClusterErrorCode = (typeof ClusterErrorCode)[keyof typeof ClusterErrorCode];

/** The one error class of the test control plane; the message is a single line unless it carries a log tail. */
export class ClusterError extends Error {
  override readonly name = 'ClusterError';
  constructor(
    readonly code: ClusterErrorCode,
    message: string,
  ) {
    super(message);
  }
}
