/**
 * The gradient half of the conformance run: the gradient of a random projection sum(output * W) of each float
 * output, with respect to each differentiable float input, from the gradient builder (run by onnxruntime) against
 * central finite differences of the original model (also run by onnxruntime).
 */
import type * as Ort from 'onnxruntime-node';
import { computeGradients, UnsupportedGradientError } from '../src/runtime/grad';
import { gradientRules } from '../src/runtime/grad/rules';
import { createMessage, OnnxModel, OnnxTensor } from '../src/runtime/onnx/codec';
import { DataType, tensorDims } from '../src/runtime/onnx/dtypes';
import { realInputs } from '../src/runtime/onnx/graph';
import { onnxruntime, TensorValue } from '../src/runtime/onnx/session';
import { shapeRules } from '../src/runtime/onnx/shapes';
import type { TestDataSet } from './conformance';
import { compareToExpected } from './conformance-compare';
import { seededRandom } from '../src/runtime/random';

export interface GradientOutcome {
  /** unsupported: the gradient builder refused the configuration with an UnsupportedGradientError naming it. */
  status: 'passed' | 'failed' | 'skipped' | 'unsupported';
  reason?: string;
  /** Coordinates compared against finite differences, and those skipped as lying within eps of a kink. */
  compared?: number;
  kinks?: number;
}

/** Operators this project claims: those with a static shape rule and those with a gradient rule. */
export function claimedOperators(): ReadonlySet<string> {
  return new Set([...Object.keys(shapeRules), ...Object.keys(gradientRules)]);
}

/** Operators whose graph has no inputs to differentiate through. */
const SOURCE_OPERATORS = new Set(['Constant']);

export function hasGradientRules(operators: string[]): boolean {
  return operators.every((op) => gradientRules[op] !== undefined || SOURCE_OPERATORS.has(op));
}

/** Float inputs that set sizes or probabilities rather than carry data: fixed at their test values, not differentiated. */
const PARAMETER_INPUTS: Record<string, number[]> = { Resize: [1, 2], Upsample: [1], Dropout: [1] };

const COORDINATES_PER_INPUT = 24;

/** The gradient builder rewrites opset 7-10 models to opset 11 and refuses older ones (src/runtime/grad/opset.ts). */
export const OLDEST_GRADIENT_OPSET = 7;

type FloatArray = Float32Array | Float64Array;

function isFloat(type: number | undefined): boolean {
  return type === DataType.FLOAT || type === DataType.DOUBLE;
}

/** A copy of the model whose non-differentiated inputs are initializers holding the test values. */
function freezeInputs(model: OnnxModel, set: TestDataSet, keep: Set<string>): OnnxModel {
  const inputs = realInputs(model.graph);
  const frozen: OnnxTensor[] = [];
  inputs.forEach((info, index) => {
    if (keep.has(info.name)) return;
    frozen.push(createMessage<OnnxTensor>('TensorProto', { ...set.inputs[index], name: info.name }));
  });
  const frozenNames = new Set(frozen.map((tensor) => tensor.name));
  const graph = createMessage<OnnxModel['graph']>('GraphProto', {
    ...model.graph,
    input: model.graph.input.filter((info) => !frozenNames.has(info.name)),
    initializer: [...model.graph.initializer, ...frozen],
  });
  return createMessage<OnnxModel>('ModelProto', { ...model, graph });
}

function differentiableInputs(model: OnnxModel): string[] {
  const excluded = new Set<string>();
  for (const node of model.graph.node) {
    for (const index of PARAMETER_INPUTS[node.op_type] ?? []) if (node.input[index]) excluded.add(node.input[index]);
  }
  return realInputs(model.graph)
    .filter((info) => isFloat(info.type?.tensor_type?.elem_type) && !excluded.has(info.name))
    .map((info) => info.name);
}

interface Tolerance { relative: number; absolute: number; unitRoundoff: number; step: number }

const tolerances: Record<'float32' | 'float64', Tolerance> = {
  // eps ~ 1e-2 of the input's scale: float32 rounding would swamp smaller steps.
  float32: { relative: 2e-2, absolute: 2e-3, unitRoundoff: 6e-8, step: 1e-2 },
  float64: { relative: 1e-5, absolute: 1e-7, unitRoundoff: 1.1e-16, step: 1e-6 },
};

/**
 * Checks every (float output, differentiable input) pair of one case. The session runs the original model for the
 * finite differences; the gradient comes from computeGradients on the model with its other inputs frozen.
 */
export async function gradientCheck(model: OnnxModel, session: Ort.InferenceSession, set: TestDataSet, feeds: Record<string, Ort.Tensor>): Promise<GradientOutcome> {
  const wrt = differentiableInputs(model);
  if (wrt.length === 0) return { status: 'skipped', reason: 'no float32/float64 data input' };
  const outputs = model.graph.output
    .map((info, index) => ({ name: info.name, expected: set.outputs[index] }))
    .filter((output) => isFloat(output.expected?.data_type));
  if (outputs.length === 0) return { status: 'skipped', reason: 'no float32/float64 output' };

  const ort = onnxruntime();
  const frozen = freezeInputs(model, set, new Set(wrt));
  const wrtFeeds: Record<string, TensorValue> = Object.fromEntries(wrt.map((name) => [name, { data: feeds[name].data as FloatArray, dims: [...feeds[name].dims] }]));
  const rng = seededRandom(0x5eed);
  let compared = 0;
  let kinks = 0;

  for (const output of outputs) {
    const dims = tensorDims(output.expected);
    const double = output.expected.data_type === DataType.DOUBLE;
    const count = dims.reduce((a, b) => a * b, 1);
    const projection = double ? new Float64Array(count) : new Float32Array(count);
    for (let i = 0; i < count; i++) projection[i] = rng() * 2 - 1;
    const weightsInput = 'conformance_projection';

    let gradients: Record<string, TensorValue>;
    try {
      const result = await computeGradients(frozen, { objective: { kind: 'weighted-sum', output: output.name, weightsInput }, wrt }, {
        ...wrtFeeds, [weightsInput]: { data: projection, dims },
      }, { threads: 1 });
      gradients = result.gradients;
      // The builder's forward graph (opset upgrade and all) must still compute the case's expected output.
      const mismatch = compareToExpected(result.outputs[output.name], output.expected);
      if (mismatch) return { status: 'failed', reason: `output ${output.name} of the gradient model: ${mismatch}` };
    } catch (error) {
      const message = `output ${output.name}: ${(error as Error).message.split('\n')[0]}`;
      return { status: error instanceof UnsupportedGradientError ? 'unsupported' : 'failed', reason: message };
    }

    // Outputs that are NaN or infinite for the case's own inputs (Cast and Div cases hold such values) would make
    // every difference NaN; the finite differences leave them out.
    const run = async (changed: string, data: FloatArray) =>
      (await session.run({ ...feeds, [changed]: new ort.Tensor(feeds[changed].type, data, feeds[changed].dims) }, [output.name]))[output.name].data as FloatArray;
    const finiteOutputs = (await run(wrt[0], feeds[wrt[0]].data as FloatArray)).map((v) => (Number.isFinite(v) ? 1 : 0));
    const objective = async (changed: string, data: FloatArray): Promise<{ value: number; values: FloatArray }> => {
      const values = await run(changed, data);
      let sum = 0;
      for (let i = 0; i < count; i++) if (finiteOutputs[i]) sum += values[i] * projection[i];
      return { value: sum, values };
    };

    for (const name of wrt) {
      const base = feeds[name].data as FloatArray;
      const gradient = gradients[name]?.data as FloatArray | undefined;
      if (!gradient || gradient.length !== base.length) {
        return { status: 'failed', reason: `output ${output.name}: gradient for ${name} is missing or has ${gradient?.length} values instead of ${base.length}` };
      }
      // float64 steps and tolerances only where both the input and the output are float64.
      const tolerance = base instanceof Float64Array && double ? tolerances.float64 : tolerances.float32;
      let inputScale = 0;
      for (const v of base) if (Number.isFinite(v)) inputScale = Math.max(inputScale, Math.abs(v));
      // Scaled down for small inputs; capped at 1 so that large inputs (softmax of 1e4) keep a local step.
      const step = tolerance.step * Math.min(1, Math.max(inputScale, 1e-1));
      let gradientScale = 0;
      for (const g of gradient) if (Number.isFinite(g)) gradientScale = Math.max(gradientScale, Math.abs(g));
      const center = await objective(name, base);
      const coordinates = base.length <= COORDINATES_PER_INPUT
        ? [...base.keys()]
        : Array.from({ length: COORDINATES_PER_INPUT }, () => Math.floor(rng() * base.length));

      for (const coordinate of coordinates) {
        if (!Number.isFinite(base[coordinate])) continue;
        const probe = async (step: number) => {
          const plusData = base.slice() as FloatArray;
          plusData[coordinate] = base[coordinate] + step;
          const minusData = base.slice() as FloatArray;
          minusData[coordinate] = base[coordinate] - step;
          // The step actually taken after rounding to the input's precision.
          const taken = (plusData[coordinate] - minusData[coordinate]) / 2;
          const plus = await objective(name, plusData);
          const minus = await objective(name, minusData);
          // Rounding noise comes only from the outputs this coordinate changes; unchanged ones cancel exactly.
          let touched = 0;
          for (let i = 0; i < count; i++) {
            if (finiteOutputs[i] && (plus.values[i] !== minus.values[i] || plus.values[i] !== center.values[i])) {
              touched += Math.abs(center.values[i] * projection[i]) + Math.abs(plus.values[i] * projection[i]);
            }
          }
          return {
            taken,
            central: (plus.value - minus.value) / (2 * taken),
            forwardSlope: (plus.value - center.value) / taken,
            backwardSlope: (center.value - minus.value) / taken,
            noise: (20 * tolerance.unitRoundoff * touched) / taken,
          };
        };
        const full = await probe(step);
        const half = await probe(step / 2);
        const allowed = (estimate: number, noise: number) =>
          tolerance.absolute * Math.max(gradientScale, Math.abs(estimate)) + noise + tolerance.relative * Math.abs(estimate);
        // Where the derivative is not defined within the step (ReLU at 0, a max tie, a clip bound), the one-sided
        // slopes disagree, or the estimates from the full and the half step do: such points are skipped.
        const oneSidedDisagree = Math.abs(full.forwardSlope - full.backwardSlope)
          > 0.25 * (Math.abs(full.forwardSlope) + Math.abs(full.backwardSlope)) + 0.05 * gradientScale + 4 * full.noise;
        const stepsDisagree = Math.abs(full.central - half.central) > allowed(half.central, half.noise);
        if (oneSidedDisagree || stepsDisagree) {
          kinks++;
          continue;
        }
        compared++;
        const ours = gradient[coordinate];
        if (!(Math.abs(ours - half.central) <= allowed(half.central, half.noise))) {
          return {
            status: 'failed', compared, kinks,
            reason: `output ${output.name}, d/d ${name}[${coordinate}]: ${ours} against finite difference ${half.central} (step ${half.taken})`,
          };
        }
      }
    }
  }
  if (compared === 0) return { status: 'skipped', reason: 'every sampled coordinate lies at a kink', compared, kinks };
  return { status: 'passed', compared, kinks };
}
