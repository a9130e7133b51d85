import type { Notification } from './notification.js';
import { driftEvent } from './test-events.js';

/** The drift event folded 3 times, with a link: what the payload tests render. */
export const foldedDrift: Notification = {
  event: driftEvent(),
  count: 3,
  firstSeen: new Date('2026-12-06T10:00:00.000Z'),
  lastSeen: new Date('2026-12-06T10:00:30.000Z'),
  link: 'https://gitseal.example/ui/gitsyncs/team-a/apps',
};

export const DRIFT_TITLE = 'DriftCorrected: GitSync team-a/apps';
export const DRIFT_SUMMARY =
  'drift corrected on Deployment team-a/web: spec.replicas, spec.template.spec.containers[name=web].image';
