import { ConditionStatus, setCondition, removeCondition, type Condition } from '@gitseal/kube';

export const ConditionType = { Synced: 'Synced', KeyCompromised: 'KeyCompromised' } as const;

/** Condition reasons (PascalCase) of a SealedSecret. */
export const SealedSecretReason = {
  Unsealed: 'Unsealed',
  UnsealFailed: 'UnsealFailed',
  SecretNotOwned: 'SecretNotOwned',
  InvalidSealedSecret: 'InvalidSealedSecret',
  ApplyFailed: 'ApplyFailed',
  SealedWithCompromisedKey: 'SealedWithCompromisedKey',
} as const;
export type SealedSecretReason = (typeof SealedSecretReason)[keyof typeof SealedSecretReason];

export interface SealedSecretStatusView {
  observedGeneration?: number;
  conditions?: Condition[];
  /** Fingerprints (SHA256:…) of the keys that opened it, comma-separated. */
  keyFingerprint?: string;
  /**
   * Checksum over the spec and the key set of the last attempt that failed after RSA work: while it still
   * matches, a restarted controller reports the failure again without retrying.
   */
  failedChecksum?: string | null;
}

export interface SyncResult {
  readonly synced: boolean;
  readonly reason: SealedSecretReason;
  /** Never holds plaintext: built from coded, safe messages only. */
  readonly message: string;
  readonly keyFingerprints?: readonly string[];
  readonly compromised?: boolean;
  /** Set on failures that cost RSA work (see SealedSecretStatusView.failedChecksum). */
  readonly failedChecksum?: string;
}

/** The status a reconcile result stands for; lastTransitionTime is kept while a condition's status holds. */
export function desiredStatus(
  current: SealedSecretStatusView | undefined,
  generation: number | undefined,
  result: SyncResult,
  now: Date = new Date(),
): SealedSecretStatusView {
  let conditions = setCondition(
    current?.conditions,
    {
      type: ConditionType.Synced,
      status: result.synced ? ConditionStatus.True : ConditionStatus.False,
      reason: result.reason,
      message: result.message,
      ...(generation === undefined ? {} : { observedGeneration: generation }),
    },
    now,
  );
  if (result.compromised) {
    conditions = setCondition(
      conditions,
      {
        type: ConditionType.KeyCompromised,
        status: ConditionStatus.True,
        reason: SealedSecretReason.SealedWithCompromisedKey,
        message: 'opened with a key marked compromised: re-seal it with the current certificate',
      },
      now,
    );
  } else if (result.synced) {
    conditions = removeCondition(conditions, ConditionType.KeyCompromised);
  }
  const status: SealedSecretStatusView = { conditions };
  if (generation !== undefined) status.observedGeneration = generation;
  const fingerprints = result.keyFingerprints ?? [];
  if (fingerprints.length > 0) status.keyFingerprint = fingerprints.join(',');
  else if (!result.synced && current?.keyFingerprint) status.keyFingerprint = current.keyFingerprint;
  if (!result.synced && result.failedChecksum) status.failedChecksum = result.failedChecksum;
  // The status is written as a merge patch: null removes a checksum that no longer applies.
  else if (current?.failedChecksum) status.failedChecksum = null;
  return status;
}
