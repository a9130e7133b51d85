export const ImageErrorCode = {
  /** buildah, debootstrap or Go is missing: the images cannot be built here. */
  BuilderUnavailable: 'BUILDER_UNAVAILABLE',
  BuildFailed: 'BUILD_FAILED',
  RunFailed: 'RUN_FAILED',
} as const;
export type ImageErrorCode = (typeof ImageErrorCode)[keyof typeof ImageErrorCode];

/** The one error class of the image harness; the message is a single line unless it carries a log tail. */
export class ImageError extends Error {
  override readonly name = 'ImageError';
  constructor(
    readonly code: ImageErrorCode,
    message: string,
  ) {
    super(message);
  }
}
