import { OnnxFormatError, OnnxTensor, toNumber } from './codec';

/** TensorProto.DataType values, by name. */
export const DataType = {
  UNDEFINED: 0, FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, STRING: 8, BOOL: 9,
  FLOAT16: 10, DOUBLE: 11, UINT32: 12, UINT64: 13, COMPLEX64: 14, COMPLEX128: 15, BFLOAT16: 16,
  FLOAT8E4M3FN: 17, FLOAT8E4M3FNUZ: 18, FLOAT8E5M2: 19, FLOAT8E5M2FNUZ: 20, UINT4: 21, INT4: 22, FLOAT4E2M1: 23,
} as const;

const names = new Map<number, string>(Object.entries(DataType).map(([name, value]) => [value, name]));

/** The short names users know from numpy/onnxruntime: float32, float16, int64… */
const shortNames: Record<number, string> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string', 9: 'bool',
  10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64', 14: 'complex64', 15: 'complex128', 16: 'bfloat16',
  17: 'float8e4m3fn', 18: 'float8e4m3fnuz', 19: 'float8e5m2', 20: 'float8e5m2fnuz', 21: 'uint4', 22: 'int4', 23: 'float4e2m1',
};

/** Bits per element; 0 for strings. */
const bitsPerElement: Record<number, number> = {
  1: 32, 2: 8, 3: 8, 4: 16, 5: 16, 6: 32, 7: 64, 8: 0, 9: 8, 10: 16, 11: 64, 12: 32, 13: 64, 14: 64, 15: 128, 16: 16,
  17: 8, 18: 8, 19: 8, 20: 8, 21: 4, 22: 4, 23: 4,
};

export function dataTypeName(type: number): string {
  return names.get(type) ?? `UNKNOWN(${type})`;
}

export function dtypeName(type: number): string {
  return shortNames[type] ?? `unknown(${type})`;
}

export function bytesPerElement(type: number): number {
  return (bitsPerElement[type] ?? 0) / 8;
}

export function tensorDims(tensor: OnnxTensor): number[] {
  return (tensor.dims ?? []).map(toNumber);
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((product, dim) => product * dim, 1);
}

export function float16ToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

let float16Table: Float32Array | undefined;

/**
 * float16 bit patterns → float32 values through a 65,536-entry table (built once): converting an 88 MB float16
 * model value by value with float16ToFloat32 took seconds; the table lookup takes a small fraction of that.
 */
export function float16ArrayToFloat32(bits: Uint16Array): Float32Array {
  if (!float16Table) {
    float16Table = new Float32Array(65536);
    for (let b = 0; b < 65536; b++) float16Table[b] = float16ToFloat32(b);
  }
  const table = float16Table;
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]];
  return out;
}

const floatView = new Float32Array(1);
const intView = new Uint32Array(floatView.buffer);

/** Rounds to nearest even, as numpy's astype(float16) does. */
export function float32ToFloat16(value: number): number {
  floatView[0] = value;
  const x = intView[0];
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  let e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let rounded = mantissa >> shift;
    const rest = mantissa & ((1 << shift) - 1);
    if (rest > half || (rest === half && (rounded & 1))) rounded++;
    return sign | rounded;
  }
  let rounded = mantissa >> 13;
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (rounded & 1))) {
    rounded++;
    if (rounded === 0x400) { rounded = 0; e++; if (e >= 0x1f) return sign | 0x7c00; }
  }
  return sign | (e << 10) | rounded;
}

export type NumericArray = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

/**
 * Decodes a tensor's values. Floating types of 16 bits or fewer come back as Float32Array;
 * int64/uint64 as BigInt64Array/BigUint64Array; bool as Uint8Array.
 */
export function tensorValues(tensor: OnnxTensor): NumericArray {
  const type = tensor.data_type;
  const count = elementCount(tensorDims(tensor));
  const raw = tensor.raw_data && tensor.raw_data.length > 0 ? tensor.raw_data : undefined;
  const where = tensor.name ? `tensor ${tensor.name}` : 'tensor';
  if (tensor.data_location === 1) throw new OnnxFormatError(`${where} holds external data that was not loaded`);
  const fromRaw = <T>(make: (buffer: ArrayBuffer) => T, bytes: number): T => {
    if (raw!.length !== count * bytes) {
      throw new OnnxFormatError(`${where}: raw_data holds ${raw!.length} bytes, expected ${count * bytes} for ${count} ${dtypeName(type)} values`);
    }
    return make(Uint8Array.prototype.slice.call(raw!).buffer as ArrayBuffer);
  };
  switch (type) {
    case DataType.FLOAT:
      return raw ? fromRaw((b) => new Float32Array(b), 4) : Float32Array.from(tensor.float_data ?? []);
    case DataType.DOUBLE:
      return raw ? fromRaw((b) => new Float64Array(b), 8) : Float64Array.from(tensor.double_data ?? []);
    case DataType.FLOAT16: return float16ArrayToFloat32(raw ? fromRaw((b) => new Uint16Array(b), 2) : Uint16Array.from(tensor.int32_data ?? []));
    case DataType.BFLOAT16: {
      const bits = raw ? fromRaw((b) => new Uint16Array(b), 2) : Uint16Array.from(tensor.int32_data ?? []);
      return Float32Array.from(bits, (b) => { intView[0] = b << 16; return floatView[0]; });
    }
    case DataType.INT8: return raw ? fromRaw((b) => new Int8Array(b), 1) : Int8Array.from(tensor.int32_data ?? []);
    case DataType.UINT8: return raw ? fromRaw((b) => new Uint8Array(b), 1) : Uint8Array.from(tensor.int32_data ?? []);
    case DataType.BOOL: return raw ? fromRaw((b) => new Uint8Array(b), 1) : Uint8Array.from(tensor.int32_data ?? []);
    case DataType.INT16: return raw ? fromRaw((b) => new Int16Array(b), 2) : Int16Array.from(tensor.int32_data ?? []);
    case DataType.UINT16: return raw ? fromRaw((b) => new Uint16Array(b), 2) : Uint16Array.from(tensor.int32_data ?? []);
    case DataType.INT32: return raw ? fromRaw((b) => new Int32Array(b), 4) : Int32Array.from(tensor.int32_data ?? []);
    case DataType.UINT32: return raw ? fromRaw((b) => new Uint32Array(b), 4) : Uint32Array.from(tensor.uint64_data ?? [], (v) => toNumber(v));
    case DataType.INT64:
      return raw ? fromRaw((b) => new BigInt64Array(b), 8) : BigInt64Array.from(tensor.int64_data ?? [], (v) => BigInt(typeof v === 'number' ? v : v.toString()));
    case DataType.UINT64:
      return raw ? fromRaw((b) => new BigUint64Array(b), 8) : BigUint64Array.from(tensor.uint64_data ?? [], (v) => BigInt(typeof v === 'number' ? v : v.toString()));
    default:
      throw new OnnxFormatError(`${where}: values of type ${dataTypeName(type)} cannot be decoded`);
  }
}
