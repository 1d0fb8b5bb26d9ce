// Headless front end: `cnn VERB ... --json`. Each verb prints JSON for scripts and tests.
const [verb] = process.argv.slice(2);
console.error(`cnn: unknown verb ${verb ?? '(none)'}`);
process.exit(2);
