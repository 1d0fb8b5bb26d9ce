import * as assert from 'node:assert/strict';
import type * as Ort from 'onnxruntime-node';
import { createMessage, OnnxModel, OnnxTensor, OnnxValueInfo } from '../../../src/runtime/onnx/codec';
import { tensorDims, tensorValues } from '../../../src/runtime/onnx/dtypes';
import { createSession, runSession, TensorValue } from '../../../src/runtime/onnx/session';
import { seededRandom } from '../../../src/runtime/random';

/** A copy of the model in which an initializer becomes a graph input, so finite differences can feed changed weights. */
export function promoteInitializer(model: OnnxModel, name: string): { model: OnnxModel; value: TensorValue<Float32Array> } {
  const tensor = model.graph.initializer.find((t) => t.name === name);
  if (!tensor) throw new Error(`no initializer ${name}`);
  const dims = tensorDims(tensor);
  const input = createMessage<OnnxValueInfo>('ValueInfoProto', {
    name, type: { tensor_type: { elem_type: tensor.data_type, shape: { dim: dims.map((d) => ({ dim_value: d })) } } },
  });
  const graph = createMessage<OnnxModel['graph']>('GraphProto', {
    ...model.graph,
    initializer: model.graph.initializer.filter((t: OnnxTensor) => t.name !== name),
    input: [...model.graph.input.filter((i) => i.name !== name), input],
  });
  return { model: createMessage<OnnxModel>('ModelProto', { ...model, graph }), value: { data: tensorValues(tensor) as Float32Array, dims } };
}

/** The objective sum(output * W) (W one-hot for a single element), accumulated in float64. */
export function selectionWeights(flatIndex: number, count: number): Float32Array {
  const weights = new Float32Array(count);
  weights[flatIndex] = 1;
  return weights;
}

const FLOAT32_ROUNDOFF = 6e-8;

export interface FiniteDifferenceOptions {
  /** Coordinates with the largest gradient magnitudes to check, plus this many random ones. */
  largest: number;
  random: number;
  /** Step as a fraction of the tensor's largest magnitude. */
  relativeStep: number;
  /** Allowed |ours - fd| as a fraction of max(|fd|, 0.05 * max |ours|). */
  tolerance: number;
  seed?: number;
}

/**
 * Checks chosen coordinates of a float32 gradient against central finite differences of the forward model run by
 * onnxruntime. Coordinates whose one-sided slopes disagree (a ReLU or max switching inside the step) are skipped;
 * at least one coordinate must be compared. Also checks the derivative along a random direction, which all
 * coordinates contribute to.
 */
export async function checkFiniteDifferences(
  model: OnnxModel, feeds: Record<string, TensorValue>, wrt: string, output: string, weights: Float32Array,
  gradient: Float32Array, options: FiniteDifferenceOptions,
): Promise<{ compared: number; skipped: number }> {
  const session: Ort.InferenceSession = await createSession(model, { threads: 2 });
  try {
    const base = feeds[wrt].data as Float32Array;
    const evaluate = async (data: Float32Array) => {
      const results = await runSession(session, { ...feeds, [wrt]: { data, dims: feeds[wrt].dims } }, [output]);
      return results[output].data as Float32Array;
    };
    const objective = (values: Float32Array) => {
      let sum = 0;
      for (let i = 0; i < values.length; i++) sum += values[i] * weights[i];
      return sum;
    };
    let scale = 0;
    for (const v of base) scale = Math.max(scale, Math.abs(v));
    let gradientScale = 0;
    for (const g of gradient) gradientScale = Math.max(gradientScale, Math.abs(g));
    assert.ok(gradientScale > 0, `the gradient with respect to ${wrt} is zero everywhere`);
    const step = options.relativeStep * scale;
    const random = seededRandom(options.seed ?? 7);
    const byMagnitude = [...gradient.keys()].sort((a, b) => Math.abs(gradient[b]) - Math.abs(gradient[a])).slice(0, options.largest);
    const coordinates = [...byMagnitude, ...Array.from({ length: options.random }, () => Math.floor(random() * base.length))];
    const centerValues = await evaluate(base);
    const center = objective(centerValues);
    const probe = async (coordinate: number, size: number) => {
      const plusData = base.slice();
      plusData[coordinate] += size;
      const minusData = base.slice();
      minusData[coordinate] -= size;
      const taken = (plusData[coordinate] - minusData[coordinate]) / 2;
      const plusValues = await evaluate(plusData);
      const minusValues = await evaluate(minusData);
      const plus = objective(plusValues);
      const minus = objective(minusValues);
      // float32 rounding of the outputs the step changes (unchanged ones cancel exactly), independent from output
      // to output, so it grows with the root of the sum of squares; divided by the step.
      let touchedSquares = 0;
      for (let i = 0; i < centerValues.length; i++) {
        if (plusValues[i] !== centerValues[i] || minusValues[i] !== centerValues[i]) touchedSquares += (centerValues[i] * weights[i]) ** 2;
      }
      const noise = (4 * FLOAT32_ROUNDOFF * Math.sqrt(touchedSquares)) / taken;
      return { taken, noise, central: (plus - minus) / (2 * taken), forwardSlope: (plus - center) / taken, backwardSlope: (center - minus) / taken };
    };
    let compared = 0;
    let skipped = 0;
    for (const coordinate of coordinates) {
      const full = await probe(coordinate, step);
      const half = await probe(coordinate, step / 2);
      const allowed = options.tolerance * Math.max(Math.abs(half.central), 0.05 * gradientScale) + half.noise;
      // A ReLU or max switching inside the step shows as one-sided slopes, or full- and half-step estimates, that
      // disagree: the derivative is not defined there within the step, so the coordinate is skipped.
      const oneSidedDisagree = Math.abs(full.forwardSlope - full.backwardSlope) > 0.2 * (Math.abs(full.forwardSlope) + Math.abs(full.backwardSlope)) + 0.02 * gradientScale;
      if (oneSidedDisagree || Math.abs(full.central - half.central) > allowed) {
        skipped++;
        continue;
      }
      assert.ok(Math.abs(gradient[coordinate] - half.central) <= allowed,
        `d/d ${wrt}[${coordinate}]: ${gradient[coordinate]} against finite difference ${half.central} (step ${half.taken}, allowed error ${allowed.toExponential(2)})`);
      compared++;
    }
    assert.ok(compared > 0, `every checked coordinate of ${wrt} sat at a kink`);

    const direction = Float32Array.from(base, () => (random() < 0.5 ? -1 : 1));
    let predicted = 0;
    for (let i = 0; i < base.length; i++) predicted += gradient[i] * direction[i];
    const directionalStep = options.relativeStep * 0.1 * scale;
    const along = async (sign: number) => objective(await evaluate(Float32Array.from(base, (v, i) => v + sign * directionalStep * direction[i])));
    const measured = ((await along(1)) - (await along(-1))) / (2 * directionalStep);
    let norm = 0;
    for (const g of gradient) norm += g * g;
    assert.ok(Math.abs(measured - predicted) <= options.tolerance * Math.max(Math.abs(predicted), Math.sqrt(norm)),
      `derivative along a random direction of ${wrt}: gradient predicts ${predicted}, finite difference gives ${measured}`);
    return { compared, skipped };
  } finally {
    await session.release();
  }
}
