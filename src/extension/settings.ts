import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { chooseProvider, setExecutionConfig, type ExecutionConfig, type ExecutionProviderPreference } from '../runtime/onnx/execution';
import { checkSetting, contributedSettings, type CheckedSetting, type SettingSchema } from './setting-checks';

export type { ExecutionProviderPreference };

export interface RuntimeSettings {
  executionProvider: ExecutionProviderPreference;
  /** 0 lets the runtime choose. */
  threads: number;
}

const SECTION = 'cnnStudio';
/** The settings package.json contributes, read at activation (watchSettings). */
let schemas: Record<string, SettingSchema> = {};

/** A setting's value when its schema allows it, else its default (with the warning saying why). */
function checkedSetting(key: string): CheckedSetting {
  const name = `${SECTION}.${key}`;
  const schema = schemas[name];
  if (!schema) throw new Error(`package.json contributes no setting ${name}`);
  return checkSetting(name, schema, vscode.workspace.getConfiguration(SECTION).get(key), vscode.l10n);
}

export function readRuntimeSettings(): RuntimeSettings {
  return {
    executionProvider: checkedSetting('executionProvider').value as ExecutionProviderPreference,
    threads: checkedSetting('threads').value as number,
  };
}

/**
 * Checks every CNN Studio setting now and each one again when it changes: a value that is not allowed gets one warning
 * (naming the setting, the value and what is allowed), and its default is used instead.
 */
export function watchSettings(context: vscode.ExtensionContext, log: (line: string) => void): void {
  schemas = contributedSettings(context.extension.packageJSON);
  const warn = (key: string) => {
    const { warning } = checkedSetting(key);
    if (!warning) return;
    log(warning);
    void vscode.window.showWarningMessage(warning);
  };
  const keys = Object.keys(schemas).map((name) => name.slice(SECTION.length + 1));
  for (const key of keys) warn(key);
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((event) => {
    for (const key of keys) if (event.affectsConfiguration(`${SECTION}.${key}`)) warn(key);
  }));
}

/**
 * The execution config every job follows: the settings, the accelerators installed in `acceleratorDir` (when there
 * are any), and the provider chosen for them, probed once per window and passed on so workers need not probe again.
 */
export async function executionForJobs(acceleratorDir: string, log: (line: string) => void): Promise<ExecutionConfig> {
  const settings = readRuntimeSettings();
  const config: ExecutionConfig = {
    provider: settings.executionProvider,
    threads: settings.threads,
    ...(fs.existsSync(acceleratorDir) ? { acceleratorDir } : {}),
  };
  setExecutionConfig(config);
  const chosen = await chooseProvider(config.provider);
  if (chosen.fallback && !reportedFallbacks.has(chosen.fallback)) {
    reportedFallbacks.add(chosen.fallback);
    log(chosen.fallback);
    void vscode.window.showWarningMessage(vscode.l10n.t('CNN Studio: {0}. Run "CNN: Set Up GPU Acceleration" to see what is missing.', chosen.fallback));
  }
  return { ...config, chosen };
}

const reportedFallbacks = new Set<string>();
