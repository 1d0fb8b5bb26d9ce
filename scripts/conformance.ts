/**
 * ONNX backend conformance for the operators this project claims (those with a static shape rule or a gradient rule).
 *
 * For every case of ../shared/onnx-backend-tests (node/ and pytorch-converted/) whose operators are all claimed:
 *  1. the model is decoded and re-encoded by our codec (the bytes must come back identical);
 *  2. static shape inference must agree with the expected outputs' shapes wherever it infers them fully;
 *  3. onnxruntime-node runs it on input_N.pb decoded by our codec and must reproduce output_N.pb
 *     (rtol 1e-3, atol 1e-7 as onnx's runner; integer and bool outputs exactly);
 *  4. the model with every intermediate tensor exposed as an extra output (graph.ts) must still reproduce output_N;
 *  5. where every operator has a gradient rule, the gradient model must reproduce output_N too, and the gradient of
 *     a random projection of each float output with respect to every differentiable float input must match central
 *     finite differences computed with onnxruntime. A configuration the builder refuses with an error naming it
 *     (cubic Resize, say) is reported as refused, apart from passes and failures.
 * Cases onnxruntime cannot load, or where it knowingly deviates from the reference, are listed as such.
 *
 * Run: npm run conformance [-- --filter REGEX] [--no-gradient] [--verbose]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { createMessage, decodeModel, decodeTensor, defaultOpset, encodeModel, OnnxGraph, OnnxModel, OnnxTensor, toNumber } from '../src/runtime/onnx/codec';
import { DataType, dtypeName, tensorDims, tensorValues } from '../src/runtime/onnx/dtypes';
import { exposeTensors, realInputs } from '../src/runtime/onnx/graph';
import { createSession, onnxruntime, type SessionOptions } from '../src/runtime/onnx/session';
import { inferShapes } from '../src/runtime/onnx/shapes';
import { compareToExpected } from './conformance-compare';
import { claimedOperators, gradientCheck, GradientOutcome, hasGradientRules, OLDEST_GRADIENT_OPSET } from './conformance-gradient';

/**
 * Cases where onnxruntime's kernels knowingly differ from the ONNX reference, as listed in onnxruntime's own backend
 * test filters: downsampling with align_corners divides by (output_width - 1) where the reference uses
 * (scale * input_width - 1).
 */
const runtimeDeviations: Record<string, string> = {
  test_resize_downsample_scales_cubic_align_corners: 'onnxruntime uses (output_width - 1) for align_corners downsampling; the reference uses (scale * input_width - 1)',
  test_resize_downsample_scales_linear_align_corners: 'onnxruntime uses (output_width - 1) for align_corners downsampling; the reference uses (scale * input_width - 1)',
};

export type CaseStatus = 'passed' | 'failed' | 'not-claimed' | 'unsupported-by-runtime';

export interface CaseResult {
  suite: string;
  name: string;
  operators: string[];
  status: CaseStatus;
  /** Why a case failed, was not claimed, or could not be run by onnxruntime. */
  reason?: string;
  /** Static shape inference agrees with the expected outputs' shapes (where it infers them fully). */
  shapes?: 'passed' | 'failed';
  forward?: 'passed' | 'failed';
  exposed?: 'passed' | 'failed';
  gradient?: GradientOutcome;
}

export interface ConformanceOptions {
  /** Folders that hold test_* case folders. */
  suiteDirs: string[];
  /** Only cases whose folder name matches. */
  filter?: RegExp;
  /** Check gradients against finite differences (default true). */
  gradient?: boolean;
  onCase?: (result: CaseResult) => void;
}

/** Operator types of a graph and of its subgraphs, prefixed by domain when not the default one. */
function operatorsOf(graph: OnnxGraph, into = new Set<string>()): Set<string> {
  for (const node of graph.node ?? []) {
    const domain = node.domain && node.domain !== 'ai.onnx' ? `${node.domain}.` : '';
    into.add(domain + node.op_type);
    for (const attribute of node.attribute ?? []) {
      for (const subgraph of [attribute.g, ...(attribute.graphs ?? [])]) if (subgraph) operatorsOf(subgraph, into);
    }
  }
  return into;
}

const ortTypes: Record<number, Ort.Tensor.Type> = {
  [DataType.FLOAT]: 'float32', [DataType.DOUBLE]: 'float64', [DataType.FLOAT16]: 'float16', [DataType.INT8]: 'int8',
  [DataType.UINT8]: 'uint8', [DataType.INT16]: 'int16', [DataType.UINT16]: 'uint16', [DataType.INT32]: 'int32',
  [DataType.UINT32]: 'uint32', [DataType.INT64]: 'int64', [DataType.UINT64]: 'uint64', [DataType.BOOL]: 'bool',
  [DataType.STRING]: 'string',
};

/** An onnxruntime tensor holding a TensorProto's values (float16 keeps its bit pattern, as onnxruntime expects). */
export function toOrt(tensor: OnnxTensor): Ort.Tensor {
  const ort = onnxruntime();
  const type = ortTypes[tensor.data_type];
  if (!type) throw new Error(`inputs of type ${dtypeName(tensor.data_type)} are not supported`);
  const dims = tensorDims(tensor);
  if (type === 'string') {
    return new ort.Tensor('string', (tensor.string_data ?? []).map((bytes) => Buffer.from(bytes).toString('utf8')), dims);
  }
  if (type === 'float16') {
    const raw = tensor.raw_data && tensor.raw_data.length > 0
      ? new Uint16Array(Uint8Array.prototype.slice.call(tensor.raw_data).buffer)
      : Uint16Array.from(tensor.int32_data ?? []);
    return new ort.Tensor('float16', raw, dims);
  }
  return new ort.Tensor(type, tensorValues(tensor) as never, dims);
}

export interface TestDataSet { inputs: OnnxTensor[]; outputs: OnnxTensor[] }

export function readDataSets(caseDir: string): TestDataSet[] {
  const sets = fs.readdirSync(caseDir).filter((entry) => entry.startsWith('test_data_set_')).sort();
  const read = (dir: string, prefix: string) => fs.readdirSync(dir)
    .filter((file) => file.startsWith(prefix) && file.endsWith('.pb'))
    .sort((a, b) => Number(a.slice(prefix.length, -3)) - Number(b.slice(prefix.length, -3)))
    .map((file) => decodeTensor(fs.readFileSync(path.join(dir, file))));
  return sets.map((set) => ({ inputs: read(path.join(caseDir, set), 'input_'), outputs: read(path.join(caseDir, set), 'output_') }));
}

/** Input name → onnxruntime tensor for one data set; inputs pair with the graph's non-initializer inputs in order. */
export function feedsFor(model: OnnxModel, set: TestDataSet): Record<string, Ort.Tensor> {
  const inputs = realInputs(model.graph);
  return Object.fromEntries(set.inputs.map((tensor, index) => [inputs[index].name, toOrt(tensor)]));
}

/** One thread per session on the CPU provider: the cases are tiny, and results stay comparable whatever the settings. */
const sessionOptions: SessionOptions = { threads: 1, provider: 'cpu' };

async function reproduces(session: Ort.InferenceSession, model: OnnxModel, sets: TestDataSet[]): Promise<string | null> {
  for (const [setIndex, set] of sets.entries()) {
    const results = await session.run(feedsFor(model, set));
    for (const [index, expected] of set.outputs.entries()) {
      const name = model.graph.output[index].name;
      const mismatch = compareToExpected(results[name], expected);
      if (mismatch) return `data set ${setIndex}, output ${name}: ${mismatch}`;
    }
  }
  return null;
}

function hasOnlyTensorIo(model: OnnxModel): boolean {
  return [...realInputs(model.graph), ...model.graph.output].every((info) => info.type?.tensor_type !== undefined && info.type?.tensor_type !== null);
}

/** Element types onnxruntime-node cannot hand to JavaScript (4-bit and 8-bit floats crash its binding). */
function typesWithoutBinding(model: OnnxModel): string[] {
  const types = [...realInputs(model.graph), ...model.graph.output].map((info) => info.type?.tensor_type?.elem_type ?? 0);
  for (const node of model.graph.node) {
    for (const attribute of node.attribute ?? []) if (node.op_type === 'Cast' && attribute.name === 'to') types.push(toNumber(attribute.i));
  }
  return [...new Set(types.filter((type) => !ortTypes[type]).map(dtypeName))];
}

export async function runCase(suite: string, caseDir: string, claimed: ReadonlySet<string>, gradient: boolean): Promise<CaseResult> {
  const name = path.basename(caseDir);
  const bytes = fs.readFileSync(path.join(caseDir, 'model.onnx'));
  const model = decodeModel(bytes, path.join(caseDir, 'model.onnx'));
  const operators = [...operatorsOf(model.graph)].sort();
  const result: CaseResult = { suite, name, operators, status: 'passed' };
  const unclaimed = operators.filter((op) => !claimed.has(op));
  if (unclaimed.length > 0) return { ...result, status: 'not-claimed', reason: `operators not claimed: ${unclaimed.join(', ')}` };
  if (!hasOnlyTensorIo(model)) return { ...result, status: 'not-claimed', reason: 'sequence or optional inputs/outputs' };
  if (model.graph.node.some((node) => node.op_type === 'Dropout' && node.input.length > 2 && node.input[2])) {
    return { ...result, status: 'not-claimed', reason: 'Dropout with a training_mode input (random masks) is outside the inference-form claim' };
  }
  if (runtimeDeviations[name]) return { ...result, status: 'unsupported-by-runtime', reason: runtimeDeviations[name] };
  const unbound = typesWithoutBinding(model);
  if (unbound.length > 0) return { ...result, status: 'unsupported-by-runtime', reason: `onnxruntime-node has no tensor type for ${unbound.join(', ')}` };

  const reencoded = encodeModel(model);
  if (Buffer.compare(Buffer.from(reencoded), bytes) !== 0) {
    return { ...result, status: 'failed', reason: 're-encoding the model changed its bytes' };
  }
  let session: Ort.InferenceSession;
  try {
    session = await createSession(reencoded, sessionOptions);
  } catch (error) {
    return { ...result, status: 'unsupported-by-runtime', reason: firstLine(error) };
  }
  const sets = readDataSets(caseDir);
  const failures: string[] = [];
  const shapeMismatch = inferredShapeMismatch(model, sets[0]);
  result.shapes = shapeMismatch ? 'failed' : 'passed';
  if (shapeMismatch) failures.push(`shape inference: ${shapeMismatch}`);
  try {
    const mismatch = await reproduces(session, model, sets);
    result.forward = mismatch ? 'failed' : 'passed';
    if (mismatch) failures.push(`forward: ${mismatch}`);
  } catch (error) {
    result.forward = 'failed';
    failures.push(`forward: ${firstLine(error)}`);
  }

  try {
    const exposedModel = exposeTensors(model);
    const exposedSession = await createSession(encodeModel(exposedModel), sessionOptions);
    const mismatch = await reproduces(exposedSession, model, sets);
    result.exposed = mismatch ? 'failed' : 'passed';
    if (mismatch) failures.push(`exposed intermediates: ${mismatch}`);
    await exposedSession.release();
  } catch (error) {
    result.exposed = 'failed';
    failures.push(`exposed intermediates: ${firstLine(error)}`);
  }

  if (gradient && result.forward === 'passed' && hasGradientRules(operators)) {
    result.gradient = await checkGradient(model, session, sets);
    if (result.gradient.status === 'failed') failures.push(`gradient: ${result.gradient.reason}`);
  }
  await session.release();
  if (failures.length > 0) return { ...result, status: 'failed', reason: failures.join('; ') };
  return result;
}

/** Null when every output shape that inferShapes determines completely equals the expected output's shape. */
function inferredShapeMismatch(model: OnnxModel, set: TestDataSet): string | null {
  let facts;
  try {
    facts = inferShapes(model);
  } catch (error) {
    return firstLine(error);
  }
  for (const [index, expected] of set.outputs.entries()) {
    const name = model.graph.output[index].name;
    const shape = facts.get(name)?.shape;
    if (!shape || shape.some((dim) => typeof dim !== 'number')) continue;
    const dims = tensorDims(expected);
    if (shape.length !== dims.length || shape.some((dim, i) => dim !== dims[i])) {
      return `output ${name} inferred as [${shape.join(',')}], expected [${dims.join(',')}]`;
    }
  }
  return null;
}

/**
 * The gradient check, for opset 1-6 cases on a copy stamped opset 7 (the oldest the gradient builder reads) when
 * onnxruntime shows that the copy still reproduces output_N, i.e. none of its operators changed meaning at opset 7.
 */
async function checkGradient(model: OnnxModel, session: Ort.InferenceSession, sets: TestDataSet[]): Promise<GradientOutcome> {
  if (defaultOpset(model) >= OLDEST_GRADIENT_OPSET) return gradientCheck(model, session, sets[0], feedsFor(model, sets[0]));
  const restamped = createMessage<OnnxModel>('ModelProto', {
    ...model,
    opset_import: model.opset_import.map((entry) => (!entry.domain || entry.domain === 'ai.onnx' ? { ...entry, version: OLDEST_GRADIENT_OPSET } : entry)),
  });
  let restampedSession: Ort.InferenceSession;
  try {
    restampedSession = await createSession(encodeModel(restamped), sessionOptions);
  } catch (error) {
    return { status: 'skipped', reason: `opset ${defaultOpset(model)}, and the opset-${OLDEST_GRADIENT_OPSET} copy does not load: ${firstLine(error)}` };
  }
  try {
    const mismatch = await reproduces(restampedSession, restamped, sets);
    if (mismatch) return { status: 'skipped', reason: `opset ${defaultOpset(model)}, and the opset-${OLDEST_GRADIENT_OPSET} copy computes something else: ${mismatch}` };
    return await gradientCheck(restamped, restampedSession, sets[0], feedsFor(restamped, sets[0]));
  } finally {
    await restampedSession.release();
  }
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0].slice(0, 300);
}

export interface ConformanceReport {
  results: CaseResult[];
  passed: number;
  failed: number;
  claimed: ReadonlySet<string>;
}

export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const claimed = claimedOperators();
  const results: CaseResult[] = [];
  for (const suiteDir of options.suiteDirs) {
    const suite = path.basename(suiteDir);
    const cases = fs.readdirSync(suiteDir).filter((entry) => entry.startsWith('test_') && (!options.filter || options.filter.test(entry))).sort();
    for (const name of cases) {
      let result: CaseResult;
      try {
        result = await runCase(suite, path.join(suiteDir, name), claimed, options.gradient !== false);
      } catch (error) {
        result = { suite, name, operators: [], status: 'failed', reason: firstLine(error) };
      }
      results.push(result);
      options.onCase?.(result);
    }
  }
  return {
    results, claimed,
    passed: results.filter((r) => r.status === 'passed').length,
    failed: results.filter((r) => r.status === 'failed').length,
  };
}

interface Tally { passed: number; failed: number; skipped: number; unsupported: number }

/** Per-operator table of forward (including exposed intermediates) and gradient outcomes over the claimed cases. */
export function formatReport(report: ConformanceReport): string[] {
  const forward = new Map<string, Tally>();
  const gradient = new Map<string, Tally>();
  const bump = (table: Map<string, Tally>, op: string, key: keyof Tally) => {
    const tally = table.get(op) ?? { passed: 0, failed: 0, skipped: 0, unsupported: 0 };
    tally[key]++;
    table.set(op, tally);
  };
  for (const result of report.results) {
    if (result.status === 'not-claimed' || result.status === 'unsupported-by-runtime') continue;
    for (const op of result.operators) {
      const forwardFailed = result.forward !== 'passed' || result.exposed !== 'passed';
      bump(forward, op, forwardFailed ? 'failed' : 'passed');
      const outcome = result.gradient?.status;
      if (outcome) bump(gradient, op, outcome);
    }
  }
  const lines: string[] = [];
  const operators = [...new Set([...forward.keys()])].sort();
  const width = Math.max(8, ...operators.map((op) => op.length));
  lines.push(`${'operator'.padEnd(width)}  forward pass/fail   gradient pass/fail/skipped/refused`);
  for (const op of operators) {
    const f = forward.get(op)!;
    const g = gradient.get(op);
    const gradientColumn = g ? `${g.passed}/${g.failed}/${g.skipped}/${g.unsupported}` : '-';
    lines.push(`${op.padEnd(width)}  ${`${f.passed}/${f.failed}`.padStart(17)}   ${gradientColumn.padStart(34)}`);
  }
  const count = (status: CaseStatus) => report.results.filter((r) => r.status === status).length;
  lines.push('');
  lines.push(`${report.results.length} cases: ${count('passed')} passed, ${count('failed')} failed, `
    + `${count('not-claimed')} not claimed, ${count('unsupported-by-runtime')} not loadable by onnxruntime`);
  const gradientCases = report.results.filter((r) => r.gradient);
  lines.push(`gradient checks: ${gradientCases.filter((r) => r.gradient!.status === 'passed').length} passed, `
    + `${gradientCases.filter((r) => r.gradient!.status === 'failed').length} failed, `
    + `${gradientCases.filter((r) => r.gradient!.status === 'skipped').length} skipped, `
    + `${gradientCases.filter((r) => r.gradient!.status === 'unsupported').length} refused by the builder (configuration without a rule)`);
  return lines;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const filterIndex = args.indexOf('--filter');
  const filter = filterIndex >= 0 ? new RegExp(args[filterIndex + 1]) : undefined;
  const verbose = args.includes('--verbose');
  const shared = process.env.CNN_STUDIO_SHARED ?? path.resolve(__dirname, '../../shared');
  const testsDir = path.join(shared, 'onnx-backend-tests');
  const report = await runConformance({
    suiteDirs: [path.join(testsDir, 'node'), path.join(testsDir, 'pytorch-converted')],
    filter,
    gradient: !args.includes('--no-gradient'),
    onCase: (result) => {
      if (result.status === 'failed') console.log(`FAIL ${result.suite}/${result.name}: ${result.reason}`);
      else if (verbose && result.status === 'unsupported-by-runtime') console.log(`unsupported by onnxruntime: ${result.suite}/${result.name}: ${result.reason}`);
      else if (verbose && result.gradient?.status === 'skipped') console.log(`gradient skipped: ${result.suite}/${result.name}: ${result.gradient.reason}`);
      else if (verbose && result.gradient?.status === 'unsupported') console.log(`gradient refused: ${result.suite}/${result.name}: ${result.gradient.reason}`);
    },
  });
  for (const line of formatReport(report)) console.log(line);
  console.log(`${report.passed} passed, ${report.failed} failed`);
  process.exitCode = report.failed > 0 ? 1 : 0;
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 2;
  });
}
