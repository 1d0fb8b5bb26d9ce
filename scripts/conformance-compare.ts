/** Comparison of onnxruntime results with the backend tests' expected TensorProtos, as onnx's own runner does it. */
import { OnnxTensor } from '../src/runtime/onnx/codec';
import { DataType, float16ToFloat32, tensorDims, tensorValues } from '../src/runtime/onnx/dtypes';

export const FORWARD_RTOL = 1e-3;
export const FORWARD_ATOL = 1e-7;

function numbersOf(data: unknown, type: string | undefined): ArrayLike<number | bigint | string> {
  if (type === 'float16' && data instanceof Uint16Array) return Float32Array.from(data, float16ToFloat32);
  return data as ArrayLike<number | bigint | string>;
}

/** Null when `actual` reproduces `expected`; otherwise what differs. */
export function compareToExpected(actual: { data: unknown; dims: readonly number[]; type?: string }, expected: OnnxTensor, rtol = FORWARD_RTOL, atol = FORWARD_ATOL): string | null {
  const expectedDims = tensorDims(expected);
  if (actual.dims.length !== expectedDims.length || actual.dims.some((d, i) => d !== expectedDims[i])) {
    return `shape [${actual.dims.join(',')}] instead of [${expectedDims.join(',')}]`;
  }
  const got = numbersOf(actual.data, actual.type);
  const want: ArrayLike<number | bigint | string> = expected.data_type === DataType.STRING
    ? (expected.string_data ?? []).map((bytes) => Buffer.from(bytes).toString('utf8'))
    : tensorValues(expected);
  if (got.length !== want.length) return `${got.length} values instead of ${want.length}`;
  const floating = [DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16, DataType.BFLOAT16].includes(expected.data_type as 1);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < want.length; i++) {
    const a = got[i];
    const e = want[i];
    if (!floating) {
      // bool comes back as booleans or bytes depending on the runtime version; compare by value.
      if (typeof e === 'bigint' ? BigInt(a as bigint) !== e : Number(a) !== Number(e) && a !== e) return `element ${i}: ${a} instead of ${e}`;
      continue;
    }
    const x = Number(a);
    const y = Number(e);
    if (Number.isNaN(y) && Number.isNaN(x)) continue;
    if (x === y) continue;
    const excess = Math.abs(x - y) - (atol + rtol * Math.abs(y));
    if (!(excess <= 0) && (worst < 0 || !(excess <= worstExcess))) { worst = i; worstExcess = excess; }
  }
  return worst < 0 ? null : `element ${worst}: ${Number(got[worst])} instead of ${Number(want[worst])}`;
}

