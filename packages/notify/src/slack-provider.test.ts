import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DRIFT_SUMMARY, DRIFT_TITLE, foldedDrift } from './payload-fixture.js';
import { buildSlackPayload } from './slack-provider.js';

test('the Slack/Mattermost payload: text plus one legacy attachment', () => {
  assert.deepEqual(buildSlackPayload(foldedDrift), {
    text: `[warning] ${DRIFT_TITLE} (×3)`,
    attachments: [
      {
        fallback: `${DRIFT_TITLE} (×3): ${DRIFT_SUMMARY}`,
        color: '#daa038',
        title: `${DRIFT_TITLE} (×3)`,
        title_link: 'https://gitseal.example/ui/gitsyncs/team-a/apps',
        text: DRIFT_SUMMARY,
        fields: [
          { title: 'Severity', value: 'warning', short: true },
          { title: 'Object', value: 'GitSync team-a/apps', short: true },
          { title: 'Revision', value: 'main@sha1:0123456789abcdef', short: true },
          { title: 'Drifted object', value: 'Deployment team-a/web', short: true },
          { title: 'Fields', value: 'spec.replicas, spec.template.spec.containers[name=web].image', short: false },
        ],
        footer: 'gitseal',
        ts: 1796551230,
      },
    ],
  });
});
