// Headless front end: `cnn VERB ... --json`. Each verb prints JSON for scripts and tests.
import { verbs } from './verbs';

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const load = name ? verbs[name] : undefined;
  if (!load) {
    console.error(`cnn: unknown verb ${name ?? '(none)'}; verbs: ${Object.keys(verbs).join(', ')}`);
    return 2;
  }
  const verb = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`usage: cnn ${verb.usage}`);
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
