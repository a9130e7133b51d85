// The JSON that `gitseal ui`'s server sends its front end (packages/ui), shared by both so they cannot drift apart.
// Types only: no Secret data ever appears in any of them (Secrets are named, never read).

/** The overall state of a GitSync, from its kstatus conditions (Stalled wins, then Reconciling, then Ready). */
export const UiSyncState = {
  Ready: 'Ready',
  Stalled: 'Stalled',
  Reconciling: 'Reconciling',
  /** Ready=False, neither Stalled nor Reconciling: the last attempt failed and will be retried. */
  Failed: 'Failed',
  /** No conditions yet (the controller has not looked at it). */
  Unknown: 'Unknown',
} as const;
export type UiSyncState = (typeof UiSyncState)[keyof typeof UiSyncState];

/** Health of the applied objects, as far as the GitSync's conditions tell it (the GitSync page reads them live). */
export const UiHealth = {
  Healthy: 'Healthy',
  Progressing: 'Progressing',
  Degraded: 'Degraded',
  Unknown: 'Unknown',
} as const;
export type UiHealth = (typeof UiHealth)[keyof typeof UiHealth];

/** One row (or tile) of the Overview. */
export interface UiGitSyncSummary {
  /** `namespace/name`. */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly state: UiSyncState;
  /** The reason of the condition that decided the state. */
  readonly reason?: string;
  readonly message?: string;
  readonly health: UiHealth;
  /** How many objects the last successful revision applied. */
  readonly objects: number;
  readonly suspended: boolean;
  /** `main@sha1:<40 hex>` as the controller writes it. */
  readonly revision?: string;
  /** The first 7 characters of the commit, when the revision names one. */
  readonly shortRevision?: string;
  /** RFC 3339 start of the newest sync attempt. */
  readonly lastSyncAt?: string;
  /** Go-style duration of the newest attempt, e.g. `1.2s`. */
  readonly lastSyncDuration?: string;
  readonly sourceUrl?: string;
}

export interface UiCondition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string | undefined;
  readonly message?: string | undefined;
  readonly lastTransitionTime?: string | undefined;
}

/** One attempt of `status.history`, newest first. */
export interface UiHistoryEntry {
  readonly revision: string;
  readonly shortRevision?: string;
  readonly result: string;
  readonly startedAt?: string;
  readonly duration?: string;
  /** Objects applied or pruned by the attempt. */
  readonly changed?: number;
  /** Present when the controller records them. */
  readonly unchanged?: number;
  readonly pruned?: number;
}

/** How an applied object compares with what the GitSync applied. */
export const UiObjectSync = {
  InSync: 'InSync',
  /** Changed by another field manager since gitseal applied it, or its gitseal markers are gone. */
  Drifted: 'Drifted',
  Missing: 'Missing',
  /** The user may not read it. */
  Unknown: 'Unknown',
} as const;
export type UiObjectSync = (typeof UiObjectSync)[keyof typeof UiObjectSync];

/** kstatus health of one live object: Current, InProgress, Failed; Unknown when it could not be read. */
export type UiObjectHealth = 'Current' | 'InProgress' | 'Failed' | 'Unknown';

export interface UiResource {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string | undefined;
  readonly name: string;
  readonly sync: UiObjectSync;
  /** Why it is drifted or unknown, e.g. `changed by kubectl-edit`. */
  readonly syncMessage?: string | undefined;
  readonly health: UiObjectHealth;
  readonly healthMessage?: string | undefined;
  /** Secrets only: the key names (never values). */
  readonly keys?: readonly string[] | undefined;
  /** The live object's sync wave (`gitseal.dev/sync-wave`, else Argo CD's), when it sets a valid one. */
  readonly wave?: number | undefined;
}

/** The inventory grouped by kind, kinds in alphabetical order. */
export interface UiResourceGroup {
  readonly kind: string;
  readonly resources: readonly UiResource[];
}

export interface UiEvent {
  readonly type: string;
  readonly reason?: string;
  readonly message?: string;
  readonly count: number;
  readonly lastSeen?: string;
}

/** What the user may do to one GitSync (SelfSubjectAccessReview); `reason` says why not. */
export interface UiPermissions {
  readonly patch: boolean;
  readonly reason?: string;
}

export interface UiGitSyncDetail {
  readonly summary: UiGitSyncSummary;
  readonly sourceRef?: string;
  readonly sourcePath?: string;
  readonly interval?: string;
  readonly prune: boolean;
  readonly selfHeal: boolean;
  readonly lastAttemptedRevision?: string;
  readonly conditions: readonly UiCondition[];
  readonly history: readonly UiHistoryEntry[];
  readonly resources: readonly UiResourceGroup[];
  readonly events: readonly UiEvent[];
  readonly permissions: UiPermissions;
  /** Parts that could not be read (e.g. Events forbidden), one line each. */
  readonly problems: readonly string[];
  /** RFC 3339 time the server read this. */
  readonly readAt: string;
}

/** `GET /api/session`: who the UI acts as, and the CSRF token every POST must carry in `X-CSRF-Token`. */
export interface UiSession {
  readonly csrfToken: string;
  readonly context: string;
  readonly cluster: string;
  readonly user: string;
  readonly namespace: string;
}

/** Messages of `GET /api/gitsyncs/stream` (server-sent events, `data:` is this JSON). */
export type UiOverviewMessage =
  | {
      readonly type: 'snapshot';
      readonly items: readonly UiGitSyncSummary[];
      /** Which namespaces the list covers: all, or the one the user may list. */
      readonly scope: string;
      readonly live: boolean;
    }
  | { readonly type: 'upsert'; readonly item: UiGitSyncSummary }
  | { readonly type: 'delete'; readonly key: string }
  /** The list cannot be shown (or not live): a one-line reason, e.g. RBAC forbids listing GitSyncs. */
  | { readonly type: 'problem'; readonly message: string };

/** Messages of `GET /api/gitsyncs/:namespace/:name/stream`. */
export type UiDetailMessage =
  | { readonly type: 'detail'; readonly detail: UiGitSyncDetail }
  | { readonly type: 'gone'; readonly message: string }
  | { readonly type: 'problem'; readonly message: string };

/** The answer of an action (`POST .../sync`, `.../suspend`, `.../resume`). */
export interface UiActionResult {
  readonly ok: boolean;
  readonly message: string;
}

/** Every error answer of the server: a code and one line. */
export interface UiError {
  readonly error: string;
  readonly message: string;
}

/** The scope a SealedSecret's values are bound to (see docs/format.md). */
export type UiScope = 'strict' | 'namespace-wide' | 'cluster-wide';

/** One row of the SealedSecrets page. Key names only: no ciphertext, no Secret data. */
export interface UiSealedSecret {
  /** `namespace/name`. */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  /** The Synced condition's status: True, False, or Unknown before the controller wrote it. */
  readonly synced: string;
  readonly reason?: string;
  readonly message?: string;
  /** status.keyFingerprint split at commas: the fingerprints (SHA256:…) of the keys that opened it. */
  readonly keyFingerprints: readonly string[];
  /** From the scope annotations; `scopeMismatch` says when a v2 value's clear label tells another scope. */
  readonly scope: UiScope;
  readonly scopeMismatch?: string;
  /** v1 (Bitnami), v2 (gitseal envelope), mixed, or none without items. */
  readonly envelope: 'v1' | 'v2' | 'mixed' | 'none';
  /** The Secret's key names (spec.encryptedData's keys). */
  readonly keys: readonly string[];
  /** KeyCompromised=True: opened with a key marked compromised. */
  readonly compromised: boolean;
  readonly createdAt?: string;
}

/** Messages of `GET /api/sealedsecrets/stream`, as for the GitSyncs overview. */
export type UiSealedSecretsMessage =
  | {
      readonly type: 'snapshot';
      readonly items: readonly UiSealedSecret[];
      readonly scope: string;
      readonly live: boolean;
    }
  | { readonly type: 'upsert'; readonly item: UiSealedSecret }
  | { readonly type: 'delete'; readonly key: string }
  | { readonly type: 'problem'; readonly message: string };

/** A sealing key as the controller publishes it (ConfigMap gitseal-certs, certs.json): public facts only. */
export interface UiKey {
  readonly keyId: string;
  readonly fingerprint: string;
  readonly state: 'active' | 'decrypt-only' | 'compromised';
  /** The key that seals now (served at /v1/cert.pem). */
  readonly sealing: boolean;
  /** RFC 3339 start of the certificate's validity: the key's birth. */
  readonly notBefore: string;
  readonly notAfter: string;
  /** RFC 3339 time the controller makes the next key, for the sealing key (from --key-renew-period). */
  readonly nextRenewal?: string;
  /** SealedSecrets (of those the user can list) whose status.keyFingerprint names this key. */
  readonly opens: number;
}

/** `GET /api/keys/stream` messages: the whole table whenever it changes. */
export interface UiKeys {
  readonly type: 'keys';
  readonly keys: readonly UiKey[];
  /** Where the facts come from, e.g. `ConfigMap gitseal-system/gitseal-certs`. */
  readonly source: string;
  /** The renewal period the next renewal is computed with, e.g. `720h`; absent when renewal is off. */
  readonly renewPeriod?: string;
  /** How many SealedSecrets were counted, and where (all namespaces or one). */
  readonly counted: number;
  readonly countScope: string;
  /** Fingerprints in SealedSecret statuses that no published key has (e.g. a key deleted since). */
  readonly unknown: readonly { readonly fingerprint: string; readonly opens: number }[];
  /** One line each: the ConfigMap cannot be read, SealedSecrets cannot be listed, … */
  readonly problems: readonly string[];
}

/** `GET /api/cert`: the certificate the Seal page seals to (public), and where it came from. */
export interface UiCertificate {
  readonly pem: string;
  readonly fingerprint: string;
  readonly keyId: string;
  readonly notAfter: string;
  /** e.g. `ConfigMap gitseal-system/gitseal-certs, matches the controller's /v1/cert.pem`. */
  readonly source: string;
}

/** One field of a per-object diff: path and kind; values only for objects that are not Secrets or SealedSecrets. */
export interface UiFieldChange {
  readonly path: string;
  readonly kind: 'added' | 'removed' | 'changed';
  /** JSON text of the live value (absent for secret kinds, and for added fields). */
  readonly before?: string;
  readonly after?: string;
}

/** One key of a Secret's data / a SealedSecret's encryptedData / a ConfigMap's data: never its value. */
export interface UiKeyChange {
  readonly key: string;
  readonly change: 'added' | 'removed' | 'changed' | 'resealed' | 'unchanged';
}

/** `GET /api/gitsyncs/:namespace/:name/diff?…`: live against desired for one object of the GitSync. */
export interface UiObjectDiff {
  /** `ConfigMap ns/name`. */
  readonly title: string;
  /** created (not in the cluster), changed, unchanged. */
  readonly action: 'created' | 'changed' | 'unchanged';
  /** The revision the desired state was rendered from, and the file the object came from. */
  readonly revision: string;
  readonly source?: string;
  /** True for Secrets and SealedSecrets: fields carry paths only. */
  readonly secret: boolean;
  readonly keys: readonly UiKeyChange[];
  readonly fields: readonly UiFieldChange[];
  /** Who changed it since gitseal applied it, from managedFields (drifted objects). */
  readonly changedBy: readonly string[];
  readonly notes: readonly string[];
}
