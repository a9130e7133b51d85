import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stripManagedFields } from './strip-managed-fields.js';

describe('stripManagedFields', () => {
  it('drops managedFields and keeps everything else, without touching the input', () => {
    const object = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 's',
        namespace: 'ns',
        labels: { a: 'b' },
        managedFields: [{ manager: 'kubectl', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: {} }],
      },
      data: { k: 'dg==' },
    };
    const stripped = stripManagedFields(object);
    assert.deepEqual(stripped, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'ns', labels: { a: 'b' } },
      data: { k: 'dg==' },
    });
    assert.equal(object.metadata.managedFields.length, 1);
  });

  it('returns an object without managedFields as it is', () => {
    const object = { metadata: { name: 'x' } };
    assert.equal(stripManagedFields(object), object);
  });
});
