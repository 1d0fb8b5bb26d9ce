import * as vscode from 'vscode';

export type ExecutionProviderPreference = 'auto' | 'cpu' | 'cuda' | 'webgpu';

export interface RuntimeSettings {
  executionProvider: ExecutionProviderPreference;
  /** 0 lets the runtime choose. */
  threads: number;
}

const PROVIDERS: readonly ExecutionProviderPreference[] = ['auto', 'cpu', 'cuda', 'webgpu'];

export function readRuntimeSettings(): RuntimeSettings {
  const config = vscode.workspace.getConfiguration('cnnStudio');
  const provider = config.get<string>('executionProvider', 'auto') as ExecutionProviderPreference;
  const threads = config.get<number>('threads', 0);
  return {
    executionProvider: PROVIDERS.includes(provider) ? provider : 'auto',
    threads: Number.isInteger(threads) && threads > 0 ? threads : 0,
  };
}
