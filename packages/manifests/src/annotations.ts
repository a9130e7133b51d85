/** Annotations and labels gitseal reads or writes, with the Bitnami equivalents it honours in compat mode. */
export const Annotation = {
  NamespaceWide: 'gitseal.dev/namespace-wide',
  ClusterWide: 'gitseal.dev/cluster-wide',
  Managed: 'gitseal.dev/managed',
  BitnamiNamespaceWide: 'sealedsecrets.bitnami.com/namespace-wide',
  BitnamiClusterWide: 'sealedsecrets.bitnami.com/cluster-wide',
  BitnamiManaged: 'sealedsecrets.bitnami.com/managed',
  /** On an existing Secret: merge the SealedSecret's keys, labels and annotations into it instead of replacing. */
  BitnamiPatch: 'sealedsecrets.bitnami.com/patch',
  /** On the template: the produced Secret gets no ownerReference (deleting the SealedSecret keeps it). */
  BitnamiSkipSetOwnerReferences: 'sealedsecrets.bitnami.com/skip-set-owner-references',
  LastAppliedConfiguration: 'kubectl.kubernetes.io/last-applied-configuration',
} as const;
export type Annotation = (typeof Annotation)[keyof typeof Annotation];

export const Label = {
  SealingKey: 'gitseal.dev/sealing-key',
  BitnamiSealingKey: 'sealedsecrets.bitnami.com/sealed-secrets-key',
} as const;
export type Label = (typeof Label)[keyof typeof Label];

/** Value of the sealing-key label on the key gitseal currently seals with. */
export const SEALING_KEY_ACTIVE = 'active';

/** Labels and annotations gitseal-controller puts on the Secrets it produces from SealedSecrets. */
export const ProducedSecret = {
  /** Label on every produced Secret, so an informer can watch only those. */
  Label: 'gitseal.dev/sealed-secret',
  LabelValue: 'true',
  /** Checksum over the SealedSecret's ciphertexts, template and the opening keys: unchanged means no RSA needed. */
  Checksum: 'gitseal.dev/checksum',
  /** Ids of the keys that opened the items, comma-separated. */
  KeyId: 'gitseal.dev/key-id',
  /** Keyed HMAC over the Secret's data: tells an edited Secret from an intact one without decrypting. */
  DataHmac: 'gitseal.dev/data-hmac',
} as const;
