// Checks CNN Studio's settings against the schema package.json contributes (contributes.configuration), without
// VS Code: settings.ts reads the values and shows the warnings. A value that is not allowed is replaced by the
// setting's default, and the warning names the setting, the value and what is allowed.
import { ENGLISH, type Localizer } from '../webviews/shared/strings';

/** The part of a contributed setting's JSON schema that is checked. */
export interface SettingSchema {
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  default?: unknown;
}

export interface CheckedSetting {
  /** The value to use: the setting's own when allowed, else its default. */
  value: unknown;
  /** Why the setting's own value is not allowed; undefined when it is. */
  warning?: string;
}

/** The settings package.json contributes, by full name (`cnnStudio.threads`). */
export function contributedSettings(manifest: unknown): Record<string, SettingSchema> {
  const configuration = (manifest as { contributes?: { configuration?: unknown } } | undefined)?.contributes?.configuration;
  const sections = Array.isArray(configuration) ? configuration : configuration ? [configuration] : [];
  return Object.assign({}, ...sections.map((section: { properties?: Record<string, SettingSchema> }) => section.properties ?? {})) as Record<string, SettingSchema>;
}

function hasType(value: unknown, type: string | undefined): boolean {
  switch (type) {
    case 'string': return typeof value === 'string';
    case 'boolean': return typeof value === 'boolean';
    case 'integer': return Number.isInteger(value);
    case 'number': return typeof value === 'number' && Number.isFinite(value);
    default: return true;
  }
}

/** What the schema allows, in words: "one of auto, cpu, cuda, webgpu", "an integer from 0 to 256". */
function allowedValues(schema: SettingSchema, l10n: Localizer): string {
  if (schema.enum) return l10n.t('one of {0}', schema.enum.map((option) => JSON.stringify(option)).join(', '));
  const kind = schema.type === 'integer' ? l10n.t('an integer') : schema.type === 'number' ? l10n.t('a number')
    : schema.type === 'boolean' ? l10n.t('true or false') : schema.type === 'string' ? l10n.t('a string') : l10n.t('a value');
  if (schema.minimum !== undefined && schema.maximum !== undefined) return l10n.t('{0} from {1} to {2}', kind, schema.minimum, schema.maximum);
  if (schema.minimum !== undefined) return l10n.t('{0} of at least {1}', kind, schema.minimum);
  if (schema.maximum !== undefined) return l10n.t('{0} of at most {1}', kind, schema.maximum);
  return kind;
}

/** Checks one setting's value against its schema; `undefined` (not set) is the default. */
export function checkSetting(name: string, schema: SettingSchema, value: unknown, l10n: Localizer = ENGLISH): CheckedSetting {
  if (value === undefined) return { value: schema.default };
  const allowed = hasType(value, schema.type)
    && (!schema.enum || schema.enum.includes(value))
    && (schema.minimum === undefined || (value as number) >= schema.minimum)
    && (schema.maximum === undefined || (value as number) <= schema.maximum);
  if (allowed) return { value };
  const shown = JSON.stringify(value) ?? String(value);
  return {
    value: schema.default,
    warning: l10n.t('CNN Studio: the setting {0} is {1}, which is not allowed: it must be {2}. Using the default, {3}, instead.',
      name, shown.length > 80 ? `${shown.slice(0, 80)}…` : shown, allowedValues(schema, l10n), JSON.stringify(schema.default)),
  };
}
