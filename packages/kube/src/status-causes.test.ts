import assert from 'node:assert/strict';
import test from 'node:test';
import { describeApiError } from './api-error.js';
import { describeCauses, MAX_CAUSES, statusCauses } from './status-causes.js';

const SECRET = 'hunter2-plaintext-marker';

function invalid(causes: unknown[]): { code: number; body: string } {
  const status = {
    kind: 'Status',
    code: 422,
    reason: 'Invalid',
    message: `Deployment.apps "web" is invalid: spec.selector: Invalid value: "${SECRET}": field is immutable`,
    details: { name: 'web', kind: 'Deployment', causes },
  };
  return { code: 422, body: JSON.stringify(status) };
}

test('statusCauses keeps field paths and fixed phrases, never the quoted value', () => {
  const causes = statusCauses(
    JSON.parse(
      invalid([
        {
          reason: 'FieldValueInvalid',
          message: `Invalid value: {"matchLabels":{"app":"${SECRET}"}}: field is immutable`,
          field: 'spec.selector',
        },
        { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.template.spec.containers[0].image' },
        { reason: 'FieldValueInvalid', message: `Invalid value: "${SECRET}": something odd`, field: 'data[x]' },
      ]).body,
    ) as Record<string, unknown>,
  );
  assert.deepEqual(causes, [
    { field: 'spec.selector', phrase: 'field is immutable' },
    { field: 'spec.template.spec.containers[0].image', phrase: 'required value' },
    { field: 'data[x]', phrase: 'invalid value' },
  ]);
  assert.ok(!describeCauses(causes).includes(SECRET));
});

test('describeApiError of an Invalid answer names the failing fields', () => {
  const text = describeApiError(
    invalid([
      {
        reason: 'FieldValueInvalid',
        message: `Invalid value: "${SECRET}": field is immutable`,
        field: 'spec.selector',
      },
    ]),
    'apply Deployment shop/web',
  );
  assert.equal(text, 'apply Deployment shop/web: invalid (422): spec.selector: field is immutable');
});

test('statusCauses drops unknown cause types, odd field paths and duplicates, and caps the list', () => {
  const many = Array.from({ length: 12 }, (_, i) => ({ reason: 'FieldValueRequired', field: `spec.f${i}` }));
  const status = JSON.parse(
    invalid([
      { reason: 'SomethingNew', message: SECRET, field: 'spec.a' },
      { reason: 'FieldValueRequired', field: `spec.b "${SECRET}"` },
      { reason: 'FieldValueRequired', field: 'spec.c' },
      { reason: 'FieldValueRequired', field: 'spec.c' },
      ...many,
    ]).body,
  ) as Record<string, unknown>;
  const causes = statusCauses(status);
  assert.equal(causes.length, MAX_CAUSES);
  assert.deepEqual(causes[0], { field: '', phrase: 'required value' });
  assert.deepEqual(causes[1], { field: 'spec.c', phrase: 'required value' });
  assert.ok(!JSON.stringify(causes).includes(SECRET));
});

test('statusCauses reads strict-decoding errors as unknown fields', () => {
  const status = {
    details: {
      causes: [{ reason: 'FieldValueInvalid', message: 'unknown field "spec.replicaz"', field: 'spec.replicaz' }],
    },
  };
  assert.deepEqual(statusCauses(status), [{ field: 'spec.replicaz', phrase: 'unknown field "spec.replicaz"' }]);
});
