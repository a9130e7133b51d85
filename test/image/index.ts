export { buildah, buildahOk, imageConfig, ImageContainer, type BuildahRun, type ImageConfig } from './buildah.js';
export { ImageError, ImageErrorCode } from './image-error.js';
export {
  buildImages,
  imageCacheDir,
  imageNames,
  imageVersions,
  missingBuildTools,
  type BuildImagesOptions,
  type BuiltImages,
  type ImageVersions,
} from './images.js';
export { runReadOnly, type ReadOnlyRun, type ReadOnlyRunOptions } from './read-only-run.js';
