export { main } from './main.js';
export { startController, type RunningController } from './controller.js';
export { ControllerError, ControllerErrorCode } from './controller-error.js';
export { createProgram, parseFlags, LogLevel, type ControllerOptions } from './flags.js';
export { parseDuration, formatDuration } from './duration.js';
export { ProducedSecret, Ownership } from './desired-secret.js';
export { KeyState } from './key-set.js';
export { CERTS_CONFIG_MAP } from './certs-config-map.js';
export { ConditionType, SyncReason } from './sealed-secret-status.js';
