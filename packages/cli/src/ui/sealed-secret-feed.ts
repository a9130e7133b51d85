import { Resources } from '@gitseal/kube';
import type { UiSealedSecret } from '@gitseal/manifests';
import type { KubeConfig } from '../kube-session.js';
import { ResourceFeed } from './resource-feed.js';
import { summarizeSealedSecret, type SealedSecretJson } from './sealed-secret-summary.js';

/**
 * The SealedSecrets page's live list (key names, never values or ciphertext); the Keys page counts key fingerprints
 * over the same summaries.
 */
export type SealedSecretFeed = ResourceFeed<UiSealedSecret>;

export function createSealedSecretFeed(kc: KubeConfig, namespace: string): SealedSecretFeed {
  return new ResourceFeed(kc, namespace, {
    resource: Resources.SealedSecret,
    plural: 'SealedSecrets',
    crd: 'sealedsecrets.gitseal.dev',
    summarize: (object) => summarizeSealedSecret(object as unknown as SealedSecretJson),
  });
}
