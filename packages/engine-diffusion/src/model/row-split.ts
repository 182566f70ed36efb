import * as ort from 'onnxruntime-node';

/** A tensor as it crosses threads (structured cloning keeps typed arrays, not ort.Tensor). */
export interface PlainTensor {
  type: ort.Tensor.Type;
  dims: readonly number[];
  data: ort.Tensor.DataType;
}

export type PlainFeeds = Record<string, PlainTensor>;

export const toPlain = (t: ort.Tensor): PlainTensor => ({ type: t.type, dims: t.dims, data: t.data });

export const fromPlain = (p: PlainTensor): ort.Tensor => new ort.Tensor(p.type, p.data as never, p.dims);

export const toPlainFeeds = (feeds: Record<string, ort.Tensor>): PlainFeeds =>
  Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, toPlain(t)]));

export const fromPlainFeeds = (feeds: PlainFeeds): Record<string, ort.Tensor> =>
  Object.fromEntries(Object.entries(feeds).map(([name, p]) => [name, fromPlain(p)]));

type RowData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | Uint16Array | Int16Array;

/** Rows [from, to) of a tensor whose first dimension is `rows` (a view on the same data). */
function sliceRows(t: ort.Tensor, rows: number, from: number, to: number): ort.Tensor {
  const per = t.size / rows;
  const data = (t.data as RowData).subarray(from * per, to * per);
  return new ort.Tensor(t.type, data as never, [to - from, ...t.dims.slice(1)]);
}

/**
 * Splits a batched call in two: feeds whose first dimension is `rows` give rows [0, cut) to the
 * first half and [cut, rows) to the second; other feeds (a scalar-batch timestep, residuals of
 * shape [1, C, 1, 1] that broadcast) go whole to both.
 */
export function splitRows(feeds: Record<string, ort.Tensor>, rows: number): [Record<string, ort.Tensor>, Record<string, ort.Tensor>] {
  const cut = Math.ceil(rows / 2);
  const first: Record<string, ort.Tensor> = {};
  const second: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) {
    const perRow = t.dims[0] === rows && typeof t.data !== 'string' && !Array.isArray(t.data);
    first[name] = perRow ? sliceRows(t, rows, 0, cut) : t;
    second[name] = perRow ? sliceRows(t, rows, cut, rows) : t;
  }
  return [first, second];
}

/** The two halves' outputs joined along the first dimension (every output of a split graph is per row). */
export function joinRows(first: Record<string, ort.Tensor>, second: Record<string, ort.Tensor>): Record<string, ort.Tensor> {
  const joined: Record<string, ort.Tensor> = {};
  for (const [name, a] of Object.entries(first)) {
    const b = second[name];
    const A = a.data as RowData;
    const B = b.data as RowData;
    const data = new (A.constructor as new (n: number) => RowData)(A.length + B.length);
    data.set(A as never);
    data.set(B as never, A.length);
    joined[name] = new ort.Tensor(a.type, data as never, [a.dims[0] + b.dims[0], ...a.dims.slice(1)]);
  }
  return joined;
}
