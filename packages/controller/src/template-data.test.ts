import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ControllerError } from './controller-error.js';
import { renderTemplateData } from './template-data.js';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

test('template data: literals, placeholders, override', () => {
  const out = renderTemplateData(
    'ns/x',
    { url: 'postgres://admin:{{ .password }}@db/{{index . "db-name"}}', plain: 'hello', password: 'literal' },
    { password: b64('pw'), 'db-name': b64('app') },
  );
  assert.deepEqual(out, {
    url: b64('postgres://admin:pw@db/app'),
    plain: b64('hello'),
    password: b64('literal'),
    'db-name': b64('app'),
  });
  assert.deepEqual(renderTemplateData('ns/x', undefined, { a: b64('1') }), { a: b64('1') });
});

test('template data: unknown keys and unsupported forms are refused without values', () => {
  assert.throws(
    () => renderTemplateData('ns/x', { a: '{{ .missing }}' }, { b: b64('secretvalue') }),
    (e: unknown) => {
      assert.ok(e instanceof ControllerError);
      assert.ok(!e.message.includes('secretvalue'));
      return true;
    },
  );
  assert.throws(() => renderTemplateData('ns/x', { a: '{{ .b | upper }}' }, { b: b64('v') }), ControllerError);
});
