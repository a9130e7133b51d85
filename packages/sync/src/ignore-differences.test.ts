import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '@gitseal/manifests';
import { ignoredPointers, pointerText, withLiveValues, withoutPointers } from './ignore-differences.js';

const web = (replicas: number, image = 'app:1', labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', labels },
  spec: { replicas, template: { spec: { containers: [{ name: 'a', image }] } } },
});

describe('ignoreDifferences', () => {
  it('matches rules by group, kind, name and namespace', () => {
    const pointer = ['/spec/replicas'];
    assert.deepEqual(ignoredPointers([{ group: 'apps', kind: 'Deployment', jsonPointers: pointer }], web(1)), [
      ['spec', 'replicas'],
    ]);
    assert.deepEqual(ignoredPointers([{ kind: 'Deployment', jsonPointers: pointer }], web(1)).length, 1);
    for (const miss of [
      { group: '', kind: 'Deployment', jsonPointers: pointer },
      { kind: 'StatefulSet', jsonPointers: pointer },
      { kind: 'Deployment', name: 'api', jsonPointers: pointer },
      { kind: 'Deployment', namespace: 'dev', jsonPointers: pointer },
    ]) {
      assert.deepEqual(ignoredPointers([miss], web(1)), [], JSON.stringify(miss));
    }
    assert.deepEqual(ignoredPointers(undefined, web(1)), []);
  });

  it("never honours identity fields or gitseal's own label and annotations", () => {
    const rule = {
      kind: 'Deployment',
      jsonPointers: [
        '/kind',
        '/apiVersion',
        '/metadata/name',
        '/metadata/labels',
        '/metadata/labels/gitseal.dev~1sync',
        '/metadata/annotations/gitseal.dev~1applied-digest',
        '/metadata/labels/team',
        'spec/replicas',
      ],
    };
    assert.deepEqual(ignoredPointers([rule], web(1)), [['metadata', 'labels', 'team']]);
  });

  it('takes the live value of an ignored field Git sets; leaves other fields as Git says', () => {
    const pointers = [
      ['spec', 'replicas'],
      ['metadata', 'labels', 'team'],
    ];
    const desired = web(1, 'app:2', { team: 'a' });
    const live = web(5, 'evil:1', { team: 'b' });
    assert.deepEqual(withLiveValues(desired, live, pointers), web(5, 'app:2', { team: 'b' }));
    assert.deepEqual(desired, web(1, 'app:2', { team: 'a' }), 'the input is not changed');
    const noReplicas = { ...live, spec: { template: (live['spec'] as { template: unknown }).template } };
    assert.equal(
      (withLiveValues(desired, noReplicas, pointers)['spec'] as { replicas?: number }).replicas,
      undefined,
      'absent live: left out of the apply',
    );
    const gitWithoutLabel = web(1);
    assert.deepEqual(withLiveValues(gitWithoutLabel, live, pointers).metadata?.labels, {}, 'never added');
  });

  it('compares without the ignored fields, and prints pointers escaped', () => {
    assert.deepEqual(withoutPointers(web(3), [['spec', 'replicas']]), {
      ...web(3),
      spec: { template: { spec: { containers: [{ name: 'a', image: 'app:1' }] } } },
    });
    assert.equal(
      pointerText([
        ['spec', 'replicas'],
        ['metadata', 'labels', 'a/b~c'],
      ]),
      '/spec/replicas,/metadata/labels/a~1b~0c',
    );
  });
});
