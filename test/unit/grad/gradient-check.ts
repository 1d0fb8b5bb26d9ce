import * as assert from 'node:assert/strict';
import { createMessage, OnnxModel, OnnxNode, OnnxTensor, OnnxValueInfo } from '../../../src/runtime/onnx/codec';
import { DataType, tensorValues } from '../../../src/runtime/onnx/dtypes';
import { createSession, runSession, TensorValue } from '../../../src/runtime/onnx/session';
import { AttributeValue, floatAttribute, makeAttribute, makeTensor } from '../../../src/runtime/grad/emitter';
import { computeGradients, Objective } from '../../../src/runtime/grad/index';
import { seededRandom } from '../../../src/runtime/random';

export interface CaseInput {
  dims: number[];
  /** Fixed values; random in [-1, 1) otherwise (shifted to [0.5, 1.5) with `positive`). */
  values?: number[];
  positive?: boolean;
  /** Multiplies the random values (to reach Clip bounds, HardSwish's kinks…). */
  scale?: number;
  /** An int64 initializer (shapes, axes, pads…). */
  int64?: boolean;
  /** A float initializer that is not differentiated. */
  fixed?: boolean;
  /** Left out ('' input). */
  absent?: boolean;
}

export interface OpCase {
  op: string;
  opset: number;
  attributes?: Record<string, AttributeValue>;
  floatAttributes?: Record<string, number>;
  inputs: CaseInput[];
  outputCount?: number;
  /** Which output the random projection reads. */
  objectiveOutput?: number;
  /** Element type to try first; double falls back to float when onnxruntime has no double kernel. */
  precision?: 'float64' | 'float32';
  seed?: number;
}

function buildModel(testCase: OpCase, elemType: number, values: (number[] | undefined)[]): OnnxModel {
  const inputs: OnnxValueInfo[] = [];
  const initializers: OnnxTensor[] = [];
  const inputNames = testCase.inputs.map((input, index) => (input.absent ? '' : `in${index}`));
  testCase.inputs.forEach((input, index) => {
    if (input.absent) return;
    const name = inputNames[index];
    if (input.int64) initializers.push(makeTensor(name, DataType.INT64, input.dims, input.values!));
    else if (input.fixed) initializers.push(makeTensor(name, elemType, input.dims, values[index]!));
    else inputs.push(createMessage('ValueInfoProto', { name, type: { tensor_type: { elem_type: elemType, shape: { dim: input.dims.map((dim) => ({ dim_value: dim })) } } } }));
  });
  while (inputNames.length > 0 && inputNames[inputNames.length - 1] === '') inputNames.pop();
  const outputNames = Array.from({ length: testCase.outputCount ?? 1 }, (_, index) => `out${index}`);
  const attribute = [
    ...Object.entries(testCase.attributes ?? {}).map(([name, value]) => makeAttribute(name, value)),
    ...Object.entries(testCase.floatAttributes ?? {}).map(([name, value]) => floatAttribute(name, value)),
  ];
  const node = createMessage<OnnxNode>('NodeProto', { name: `${testCase.op}_node`, op_type: testCase.op, input: inputNames, output: outputNames, attribute });
  return createMessage<OnnxModel>('ModelProto', {
    ir_version: 8,
    opset_import: [{ domain: '', version: testCase.opset }],
    graph: {
      name: 'case',
      node: [node],
      input: inputs,
      initializer: initializers,
      output: outputNames.map((name) => createMessage('ValueInfoProto', { name, type: { tensor_type: { elem_type: elemType } } })),
    },
  });
}

/** A scalar objective for the builder and the same objective computed in JavaScript from the forward outputs. */
export interface CheckedObjective {
  objective: Objective;
  extraFeeds: Record<string, TensorValue>;
  evaluate: (outputs: Record<string, TensorValue>) => number;
}

/** sum(output · W) with a seeded random W shaped like the output. */
export function randomProjection(output: string, dims: number[], double: boolean, seed = 7): CheckedObjective {
  const next = seededRandom(seed);
  const values = Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => next() * 2 - 1);
  const projection = double ? Float64Array.from(values) : Float32Array.from(values);
  return {
    objective: { kind: 'weighted-sum', output, weightsInput: 'projection__' },
    extraFeeds: { projection__: { data: projection, dims } },
    evaluate: (outputs) => {
      const data = outputs[output].data as Float32Array | Float64Array;
      let total = 0;
      for (let i = 0; i < data.length; i++) total += data[i] * projection[i];
      return total;
    },
  };
}

/**
 * Max |analytic − central difference| / max(scaleFloor = 1, max |central difference|) over checked coordinates of every wrt
 * tensor. Initializers among wrt are perturbed by feeding them, so they must be graph inputs of `model`. With
 * `smoothness`, coordinates whose estimates at eps and eps/2 disagree by more than that (relative) are skipped.
 */
export async function finiteDifferenceError(
  model: OnnxModel,
  feeds: Record<string, TensorValue<Float32Array | Float64Array>>,
  wrt: string[],
  checked: CheckedObjective,
  options: { eps: number; coordinates?: number; seed?: number; smoothness?: number; scaleFloor?: number; positions?: Record<string, number[]> },
): Promise<{ error: number; checked: number }> {
  const forward = await createSession(model);
  const next = seededRandom(options.seed ?? 7);
  const objectiveOf = async (changed: Record<string, TensorValue>) => checked.evaluate(await runSession(forward, changed));
  const analytic = await computeGradients(model, { objective: checked.objective, wrt }, { ...feeds, ...checked.extraFeeds });
  const direct = await objectiveOf(feeds);
  assert.ok(Math.abs(analytic.objective - direct) <= 1e-4 * (1 + Math.abs(direct)), `objective ${analytic.objective} differs from the forward pass's ${direct}`);
  let error = 0;
  let count = 0;
  for (const name of wrt) {
    const gradient = analytic.gradients[name];
    const base = feeds[name] ?? modelTensor(model, name);
    assert.deepEqual(gradient.dims, base.dims, `gradient of ${name} has the wrong shape`);
    const size = base.data.length;
    const positions = options.positions?.[name] ?? (options.coordinates && options.coordinates < size
      ? Array.from({ length: options.coordinates }, () => Math.floor(next() * size))
      : [...Array(size).keys()]);
    let scale = options.scaleFloor ?? 1;
    const differences: [number, number, number][] = [];
    for (const position of positions) {
      const central = async (step: number) => {
        const shifted = (delta: number) => {
          const data = base.data.slice();
          data[position] += delta;
          return { ...feeds, [name]: { data, dims: base.dims } };
        };
        return ((await objectiveOf(shifted(step))) - (await objectiveOf(shifted(-step)))) / (2 * step);
      };
      const difference = await central(options.eps);
      scale = Math.max(scale, Math.abs(difference));
      differences.push([gradient.data[position], difference, options.smoothness ? await central(options.eps / 2) : difference]);
    }
    for (const [value, difference, halfStep] of differences) {
      // A step that crosses a kink (ReLU, a max switching) gives two estimates that disagree: no reference there.
      if (options.smoothness && Math.abs(difference - halfStep) > options.smoothness * scale) continue;
      error = Math.max(error, Math.abs(value - difference) / scale);
      count++;
    }
  }
  await forward.release();
  return { error, checked: count };
}

export function modelTensor(model: OnnxModel, name: string): TensorValue<Float32Array | Float64Array> {
  const tensor = model.graph.initializer.find((t) => t.name === name)!;
  return { data: tensorValues(tensor) as Float32Array | Float64Array, dims: tensor.dims.map(Number) };
}

/** Checks one operator's gradient against central finite differences; returns the precision used. */
export async function checkOperatorGradient(testCase: OpCase): Promise<'float64' | 'float32'> {
  const next = seededRandom(testCase.seed ?? 1);
  const values = testCase.inputs.map((input) => input.values ?? (input.int64 || input.absent ? undefined : Array.from({ length: input.dims.reduce((a, b) => a * b, 1) }, () => (input.positive ? 0.5 + next() : (next() * 2 - 1) * (input.scale ?? 1)))));
  const precisions: ('float64' | 'float32')[] = testCase.precision === 'float32' ? ['float32'] : ['float64', 'float32'];
  for (const precision of precisions) {
    const elemType = precision === 'float64' ? DataType.DOUBLE : DataType.FLOAT;
    const model = buildModel(testCase, elemType, values);
    const feeds: Record<string, TensorValue<Float32Array | Float64Array>> = {};
    const wrt: string[] = [];
    testCase.inputs.forEach((input, index) => {
      if (input.absent || input.int64 || input.fixed) return;
      feeds[`in${index}`] = { data: (precision === 'float64' ? Float64Array : Float32Array).from(values[index]!), dims: input.dims };
      wrt.push(`in${index}`);
    });
    let result: { error: number; checked: number };
    try {
      const output = `out${testCase.objectiveOutput ?? 0}`;
      const probe = await createSession(model);
      const dims = (await runSession(probe, feeds, [output]))[output].dims;
      await probe.release();
      const projection = randomProjection(output, dims, precision === 'float64');
      result = await finiteDifferenceError(model, feeds, wrt, projection, { eps: precision === 'float64' ? 1e-6 : 2e-3, coordinates: 48 });
    } catch (error) {
      if (precision === 'float64' && /Could not find an implementation/.test(String(error))) continue;
      throw error;
    }
    assert.ok(result.checked > 0, 'no coordinate was checked');
    const tolerance = precision === 'float64' ? 1e-6 : 5e-3;
    assert.ok(result.error <= tolerance, `${testCase.op}: gradient differs from finite differences by ${result.error.toExponential(2)} (${precision})`);
    return precision;
  }
  throw new Error('unreachable');
}
