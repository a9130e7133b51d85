/** Annotations and labels gitseal reads or writes, with the Bitnami equivalents it honours in compat mode. */
export const Annotation = {
  NamespaceWide: 'gitseal.dev/namespace-wide',
  ClusterWide: 'gitseal.dev/cluster-wide',
  Managed: 'gitseal.dev/managed',
  BitnamiNamespaceWide: 'sealedsecrets.bitnami.com/namespace-wide',
  BitnamiClusterWide: 'sealedsecrets.bitnami.com/cluster-wide',
  BitnamiManaged: 'sealedsecrets.bitnami.com/managed',
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
