import * as vscode from 'vscode';
import {
  acceleratorPackages, bundledVersions, describeMachine, formatMachineReport, installAccelerators, offlineInstructions,
  registryReachable, verifyOnnxCuda, type InstallOutcome, type MachineReport,
} from '../../runtime/accelerators/setup';
import type { ProbeResult, RuntimeInfo } from '../../runtime/probe/report';
import { formatRuntimeInfo } from '../../runtime/probe/report';
import type { JobControl } from '../job-control';
import type { Log } from '../log';

export const SET_UP_GPU = 'cnn.setUpGpu';

export interface GpuSetupReport {
  machine: MachineReport;
  online: boolean;
  packages: string[];
  /** null when nothing was installed (offline, declined, or `install: false`). */
  installed: InstallOutcome[] | null;
  onnxCuda: ProbeResult | null;
  tfjsBackend: string | null;
}

/**
 * "CNN: Set Up GPU Acceleration": says what this machine has; with network access and the user's consent installs
 * the accelerators that fit into the extension's global storage (loaded from there on later starts, see
 * executionForJobs), then verifies them; without network, says what to download and where to put it.
 */
export function registerGpuSetupCommand(context: vscode.ExtensionContext, jobs: JobControl, log: Log, acceleratorDir: string): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(SET_UP_GPU, async (options: { install?: boolean } = {}): Promise<GpuSetupReport> => {
      log.channel.show(true);
      log.line('GPU acceleration: looking at this machine...');
      const machine = await describeMachine();
      for (const line of formatMachineReport(machine)) log.channel.appendLine(`  ${line}`);
      const packages = acceleratorPackages(machine, bundledVersions());
      log.channel.appendLine(`  Accelerators that fit: ${packages.map((pkg) => `${pkg.packageName}@${pkg.version} (${pkg.purpose})`).join('; ')}`);
      log.channel.appendLine(`  They go to: ${acceleratorDir}`);
      const online = await registryReachable();
      const install = vscode.l10n.t('Install');
      let installed: InstallOutcome[] | null = null;
      const consent = online && options.install !== false
        ? await vscode.window.showInformationMessage(
          vscode.l10n.t("Install {0} into CNN Studio's storage? npm downloads them (several hundred MB).", packages.map((pkg) => pkg.packageName).join(', ')),
          { modal: true }, install)
        : undefined;
      if (consent === install) {
        installed = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('CNN: installing accelerators') },
          (progress) => installAccelerators(acceleratorDir, packages, (line) => {
            log.line(line);
            progress.report({ message: line.slice(0, 80) });
          }),
        );
        for (const outcome of installed) log.line(`${outcome.packageName}: ${outcome.detail}`);
      } else {
        log.channel.appendLine(online ? '  Nothing installed. To install by hand instead:' : '  No network access: to install by hand:');
        for (const line of offlineInstructions(acceleratorDir, packages)) log.channel.appendLine(`  ${line}`);
      }
      const onnxCuda = machine.gpu.present ? await verifyOnnxCuda(acceleratorDir) : null;
      if (onnxCuda) log.line(`Verify onnxruntime CUDA: ${onnxCuda.available ? 'runs a one-node model' : onnxCuda.detail}`);
      const info = await jobs.run<RuntimeInfo>(vscode.l10n.t('Verifying accelerators'), 'runtime-info', {}, { process: 'child' });
      log.channel.appendLine(formatRuntimeInfo(info));
      const tfjsBackend = info.tfjs.chosen ?? null;
      const provider = info.onnxruntime.inUse?.provider ?? 'cpu';
      const tfjs = tfjsBackend ?? vscode.l10n.t('nothing');
      void vscode.window.showInformationMessage(machine.gpu.present
        ? vscode.l10n.t('CNN: ONNX models run on {0}, TensorFlow.js on {1}. Details in the CNN Studio output.', provider, tfjs)
        : vscode.l10n.t('CNN: ONNX models run on {0}, TensorFlow.js on {1} (no NVIDIA GPU found). Details in the CNN Studio output.', provider, tfjs));
      return { machine, online, packages: packages.map((pkg) => pkg.packageName), installed, onnxCuda, tfjsBackend };
    }),
  );
}
