import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DRIFT_SUMMARY, DRIFT_TITLE, foldedDrift } from './payload-fixture.js';
import { buildTeamsPayload } from './teams-provider.js';

test('the Teams workflow payload: a message with one Adaptive Card', () => {
  assert.deepEqual(buildTeamsPayload(foldedDrift), {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            {
              type: 'TextBlock',
              text: `${DRIFT_TITLE} (×3)`,
              weight: 'Bolder',
              size: 'Medium',
              color: 'Warning',
              wrap: true,
            },
            { type: 'TextBlock', text: DRIFT_SUMMARY, wrap: true },
            {
              type: 'FactSet',
              facts: [
                { title: 'Severity', value: 'warning' },
                { title: 'Object', value: 'GitSync team-a/apps' },
                { title: 'Revision', value: 'main@sha1:0123456789abcdef' },
                { title: 'Drifted object', value: 'Deployment team-a/web' },
                { title: 'Fields', value: 'spec.replicas, spec.template.spec.containers[name=web].image' },
              ],
            },
          ],
          actions: [
            {
              type: 'Action.OpenUrl',
              title: 'Open in gitseal',
              url: 'https://gitseal.example/ui/gitsyncs/team-a/apps',
            },
          ],
        },
      },
    ],
  });
});
