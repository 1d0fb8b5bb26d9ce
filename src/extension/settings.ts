import * as fs from 'node:fs';
import * as vscode from 'vscode';
import {
  chooseProvider, EXECUTION_PROVIDER_PREFERENCES, setExecutionConfig, type ExecutionConfig, type ExecutionProviderPreference,
} from '../runtime/onnx/execution';

export type { ExecutionProviderPreference };

export interface RuntimeSettings {
  executionProvider: ExecutionProviderPreference;
  /** 0 lets the runtime choose. */
  threads: number;
}

export function readRuntimeSettings(): RuntimeSettings {
  const config = vscode.workspace.getConfiguration('cnnStudio');
  const provider = config.get<string>('executionProvider', 'auto') as ExecutionProviderPreference;
  const threads = config.get<number>('threads', 0);
  return {
    executionProvider: EXECUTION_PROVIDER_PREFERENCES.includes(provider) ? provider : 'auto',
    threads: Number.isInteger(threads) && threads > 0 ? threads : 0,
  };
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
