// Headless front end: `cnn VERB ... --json`. Each verb prints JSON for scripts and tests.
import { conciseMessage } from '../errors';
import { setExecutionConfig } from '../onnx/execution';
import { EXECUTION_USAGE, printFallbacks, takeExecutionFlags } from './execution-flags';
import { verbs } from './verbs';

const HELP_FLAGS = new Set(['--help', '-h', 'help']);

/** `cnn --help`: every verb with its flags; `cnn help VERB`: that verb's. */
async function help(verbName: string | undefined): Promise<number> {
  if (verbName !== undefined) {
    const load = verbs[verbName];
    if (!load) {
      console.error(`cnn help: unknown verb ${verbName}; verbs: ${Object.keys(verbs).join(', ')}`);
      return 2;
    }
    console.log(`usage: cnn ${(await load()).usage} ${EXECUTION_USAGE}`);
    return 0;
  }
  const usages = await Promise.all(Object.values(verbs).map(async (load) => `  cnn ${(await load()).usage}`));
  console.log(['usage: cnn VERB ARGS... (cnn help VERB for one verb)', `every verb that runs a model also takes ${EXECUTION_USAGE}`, 'verbs:', ...usages].join('\n'));
  return 0;
}

async function main(args: string[]): Promise<number> {
  let argv: string[];
  try {
    const flags = takeExecutionFlags(args);
    setExecutionConfig(flags.config);
    argv = flags.rest;
  } catch (error) {
    console.error(`cnn: ${conciseMessage(error)}`);
    return 2;
  }
  printFallbacks();
  const [name, ...rest] = argv;
  if (name === undefined || HELP_FLAGS.has(name)) return help(rest[0]);
  const load = verbs[name];
  if (!load) {
    console.error(`cnn: unknown verb ${name}; verbs: ${Object.keys(verbs).join(', ')} (cnn --help lists their flags)`);
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
    // One short line, naming what failed (format errors already name their file).
    console.error(`cnn ${name}: ${conciseMessage(error)}`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
