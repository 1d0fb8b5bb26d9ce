import * as fs from 'node:fs';
import type { StepEngine, StepEngineSetup } from '../../../../src/runtime/train/types';

/**
 * A step engine written independently of the ONNX one, for testing the loop: softmax regression (logits = W·x + b)
 * with mean cross-entropy (optionally class-weighted) and plain SGD with momentum, in float64 JS.
 */
export class SoftmaxRegressionEngine implements StepEngine {
  readonly provider = 'js-test';
  readonly classes: number;
  private weights: Float32Array;
  private bias: Float32Array;
  private velocityW: Float32Array;
  private velocityB: Float32Array;
  private readonly features: number;

  /** `steps` collects the learning rate of every step (shared by the engines a run rebuilds). */
  constructor(private readonly setup: StepEngineSetup, private readonly momentum = 0.9, readonly steps: number[] = []) {
    this.classes = setup.classes.length;
    this.features = setup.inputDims.slice(1).reduce((a, b) => a * b, 1);
    this.weights = new Float32Array(this.classes * this.features);
    this.bias = new Float32Array(this.classes);
    this.velocityW = new Float32Array(this.weights.length);
    this.velocityB = new Float32Array(this.classes);
  }

  async predict(batch: Float32Array, dims: number[]): Promise<Float32Array> {
    const n = dims[0];
    const logits = new Float32Array(n * this.classes);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < this.classes; k++) {
        let sum = this.bias[k];
        for (let d = 0; d < this.features; d++) sum += this.weights[k * this.features + d] * batch[i * this.features + d];
        logits[i * this.classes + k] = sum;
      }
    }
    return logits;
  }

  async trainStep(batch: Float32Array, dims: number[], labels: Int32Array | Float32Array, learningRate: number): Promise<{ loss: number; logits: Float32Array }> {
    this.steps.push(learningRate);
    const n = dims[0];
    const logits = await this.predict(batch, dims);
    const gradW = new Float64Array(this.weights.length);
    const gradB = new Float64Array(this.classes);
    const weightOf = (label: number) => this.setup.classWeights?.[label] ?? 1;
    let totalWeight = 0;
    for (let i = 0; i < n; i++) totalWeight += weightOf(labels[i]);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const row = logits.subarray(i * this.classes, (i + 1) * this.classes);
      const max = Math.max(...row);
      const exps = Array.from(row, (v) => Math.exp(v - max));
      const sum = exps.reduce((a, b) => a + b, 0);
      const w = weightOf(labels[i]) / totalWeight;
      loss += w * (Math.log(sum) - (row[labels[i]] - max));
      for (let k = 0; k < this.classes; k++) {
        const delta = w * (exps[k] / sum - (k === labels[i] ? 1 : 0));
        gradB[k] += delta;
        for (let d = 0; d < this.features; d++) gradW[k * this.features + d] += delta * batch[i * this.features + d];
      }
    }
    for (let j = 0; j < this.weights.length; j++) {
      this.velocityW[j] = this.momentum * this.velocityW[j] + gradW[j];
      this.weights[j] -= learningRate * this.velocityW[j];
    }
    for (let k = 0; k < this.classes; k++) {
      this.velocityB[k] = this.momentum * this.velocityB[k] + gradB[k];
      this.bias[k] -= learningRate * this.velocityB[k];
    }
    return { loss, logits };
  }

  async state() {
    return {
      weight: { data: this.weights.slice(), dims: [this.classes, this.features] },
      bias: { data: this.bias.slice(), dims: [this.classes] },
      'momentum.weight': { data: this.velocityW.slice(), dims: [this.classes, this.features] },
      'momentum.bias': { data: this.velocityB.slice(), dims: [this.classes] },
    };
  }

  async load(state: Record<string, { data: Float32Array; dims: number[] }>): Promise<void> {
    this.weights = state.weight.data.slice();
    this.bias = state.bias.data.slice();
    this.velocityW = state['momentum.weight'].data.slice();
    this.velocityB = state['momentum.bias'].data.slice();
  }

  async save(file: string): Promise<void> {
    fs.writeFileSync(file, JSON.stringify({ weight: Array.from(this.weights), bias: Array.from(this.bias) }));
  }

  async release(): Promise<void> {}
}
