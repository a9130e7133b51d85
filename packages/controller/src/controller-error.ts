import { CodedError } from '@gitseal/crypto';

export const ControllerErrorCode = {
  InvalidFlag: 'INVALID_FLAG',
  InvalidSealedSecret: 'INVALID_SEALED_SECRET',
  Undecryptable: 'UNDECRYPTABLE',
  SecretNotOwned: 'SECRET_NOT_OWNED',
  NoSealingKey: 'NO_SEALING_KEY',
  InvalidKeySecret: 'INVALID_KEY_SECRET',
  WorkerFailed: 'WORKER_FAILED',
  NotLeader: 'NOT_LEADER',
  /** An HTTP server could not bind its address. */
  ListenFailed: 'LISTEN_FAILED',
} as const;
export type ControllerErrorCode = (typeof ControllerErrorCode)[keyof typeof ControllerErrorCode];

/** The controller's one error class: a code plus a one-line message that names the object and never holds secrets. */
export class ControllerError extends CodedError<ControllerErrorCode> {
  override readonly name = 'ControllerError';
}
