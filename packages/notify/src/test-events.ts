import type { DriftCorrectedEvent } from './event.js';

/** A fixed drift event for the unit tests. */
export function driftEvent(overrides: Partial<DriftCorrectedEvent> = {}): DriftCorrectedEvent {
  return {
    kind: 'DriftCorrected',
    object: { kind: 'GitSync', namespace: 'team-a', name: 'apps' },
    revision: 'main@sha1:0123456789abcdef',
    target: { kind: 'Deployment', namespace: 'team-a', name: 'web' },
    fields: ['spec.replicas', 'spec.template.spec.containers[name=web].image'],
    at: new Date('2026-12-06T10:00:00.000Z'),
    ...overrides,
  };
}
