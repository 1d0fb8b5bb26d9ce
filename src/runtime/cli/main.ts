// Headless front end: `cnn VERB ... --json`. Each verb prints JSON for scripts and tests.
import { setExecutionConfig } from '../onnx/execution';
import { EXECUTION_USAGE, printFallbacks, takeExecutionFlags } from './execution-flags';
import { verbs } from './verbs';

async function main(args: string[]): Promise<number> {
  let argv: string[];
  try {
    const flags = takeExecutionFlags(args);
    setExecutionConfig(flags.config);
    argv = flags.rest;
  } catch (error) {
    console.error(`cnn: ${(error as Error).message}`);
    return 2;
  }
  printFallbacks();
  const [name, ...rest] = argv;
  const load = name ? verbs[name] : undefined;
  if (!load) {
    console.error(`cnn: unknown verb ${name ?? '(none)'}; verbs: ${Object.keys(verbs).join(', ')}`);
    return 2;
  }
  const verb = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`usage: cnn ${verb.usage} ${EXECUTION_USAGE}`);
    return 0;
  }
  try {
    return await verb.run(rest);
  } catch (error) {
    // One line, naming what failed (format errors already name their file).
    const message = error instanceof Error ? error.message : String(error);
    console.error(`cnn ${name}: ${message.replace(/\s*\n\s*/g, ' ')}`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
