import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkSetting, contributedSettings } from '../../../src/extension/setting-checks';
import { EXECUTION_PROVIDER_PREFERENCES } from '../../../src/runtime/onnx/execution';
import { ENGLISH } from '../../../src/webviews/shared/strings';

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as unknown;
const schemas = contributedSettings(manifest);
const check = (name: string, value: unknown) => checkSetting(name, schemas[name], value);

describe('settings: values package.json does not allow are replaced by the default, with a warning', () => {
  it('reads the contributed settings, and the provider enum is the runtime\'s list', () => {
    assert.deepEqual(Object.keys(schemas).sort(), ['cnnStudio.executionProvider', 'cnnStudio.threads']);
    assert.deepEqual(schemas['cnnStudio.executionProvider'].enum, [...EXECUTION_PROVIDER_PREFERENCES]);
  });

  it('keeps allowed values and uses the default for unset ones, without a warning', () => {
    for (const provider of EXECUTION_PROVIDER_PREFERENCES) assert.deepEqual(check('cnnStudio.executionProvider', provider), { value: provider });
    for (const threads of [0, 1, 16, 256]) assert.deepEqual(check('cnnStudio.threads', threads), { value: threads });
    assert.deepEqual(check('cnnStudio.executionProvider', undefined), { value: 'auto' });
    assert.deepEqual(check('cnnStudio.threads', undefined), { value: 0 });
  });

  it('names the setting, the value and the allowed ones for a provider that is not in the enum or not a string', () => {
    assert.deepEqual(check('cnnStudio.executionProvider', 'gpu'), {
      value: 'auto',
      warning: 'CNN Studio: the setting cnnStudio.executionProvider is "gpu", which is not allowed: it must be one of "auto", "cpu", "cuda", "webgpu". Using the default, "auto", instead.',
    });
    assert.equal(check('cnnStudio.executionProvider', 3).value, 'auto');
    assert.match(check('cnnStudio.executionProvider', 3).warning!, /cnnStudio\.executionProvider is 3, which/);
    assert.equal(check('cnnStudio.executionProvider', 'CPU').value, 'auto', 'the enum is case-sensitive, as VS Code\'s schema is');
  });

  it('rejects threads out of range, fractional or of the wrong type', () => {
    assert.deepEqual(check('cnnStudio.threads', -1), {
      value: 0,
      warning: 'CNN Studio: the setting cnnStudio.threads is -1, which is not allowed: it must be an integer from 0 to 256. Using the default, 0, instead.',
    });
    for (const bad of [257, 2.5, '4', true, null, [4], Number.NaN]) {
      const checked = check('cnnStudio.threads', bad);
      assert.equal(checked.value, 0, JSON.stringify(bad));
      assert.match(checked.warning ?? '', /cnnStudio\.threads is .* it must be an integer from 0 to 256/, String(bad));
    }
  });

  it('describes one-sided ranges, and shortens long values', () => {
    assert.match(checkSetting('x.n', { type: 'number', minimum: 1, default: 1 }, 0).warning!, /must be a number of at least 1\./);
    assert.match(checkSetting('x.n', { type: 'integer', maximum: 9, default: 1 }, 10).warning!, /must be an integer of at most 9\./);
    assert.match(checkSetting('x.s', { type: 'boolean', default: false }, 'a'.repeat(200)).warning!, /is "a{79}…, which/);
  });

  it('formats {0} placeholders in English as vscode.l10n does', () => {
    assert.equal(ENGLISH.t('{1} of {0}, {0} again; {2} stays', 'a', 7), '7 of a, a again; {2} stays');
  });
});
