import { Resources } from '@gitseal/kube';
import type { UiGitSyncSummary } from '@gitseal/manifests';
import type { GitSyncObject } from '../git-sync-api.js';
import type { KubeConfig } from '../kube-session.js';
import { summarizeGitSync } from './git-sync-summary.js';
import { ResourceFeed } from './resource-feed.js';

/** The Overview's live list of GitSyncs. */
export type GitSyncFeed = ResourceFeed<UiGitSyncSummary>;

export function createGitSyncFeed(kc: KubeConfig, namespace: string): GitSyncFeed {
  return new ResourceFeed(kc, namespace, {
    resource: Resources.GitSync,
    plural: 'GitSyncs',
    crd: 'gitsyncs.gitseal.dev',
    summarize: (object) => summarizeGitSync(object as unknown as GitSyncObject),
  });
}
