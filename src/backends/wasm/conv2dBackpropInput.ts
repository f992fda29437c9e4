/**
 * The input gradient of a 2-D convolution (`Conv2DBackpropInput`) for the wasm backend, whose
 * own kernel is a plain loop. The same kernel is the forward pass of `tf.conv2dTranspose`.
 *
 * dx is the stride-1 convolution of dy, with stride - 1 zeros inserted between its elements,
 * by the filter rotated 180 degrees with its channel axes swapped. Most of that convolution's
 * products would be with the inserted zeros, so it is computed phase by phase instead: the
 * rows (and columns) of dx whose padded position has the same remainder modulo the stride see
 * the same filter taps, and each such phase is a plain XNNPACK convolution of dy itself; a
 * depth-to-space rearrangement interleaves the phases; see `phaseGradient`. When the kernel
 * size equals the stride and nothing is padded (transposed convolutions that upsample), every
 * phase has a single tap and all of them together are one matrix product.
 */
import { tf } from '../../tf.js';
import { KernelRunner } from './kernelRunner.js';

type TensorInfo = tf.TensorInfo;
type NamedAttrMap = tf.NamedAttrMap;

const BACKEND = 'wasm';
const OP = 'conv2DBackpropInput';

// Below this many input channels the phases share one convolution even when some of them have
// fewer taps: concatenating per-phase outputs copies runs this short one by one, which costs
// more than the zero taps (measured 3 ms against 1 ms for [64, 28, 28, 1] from a 3x3 stride 2).
const FEW_CHANNELS = 16;

/** The attributes tfjs passes to `Conv2DBackpropInput`. */
export interface Conv2DBackpropInputWasmAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

function checkRank4(name: string, t: TensorInfo, spelled: string): void {
  if (t.shape.length !== 4) {
    throw new Error(
      `${OP}: expected ${name} of rank 4 ${spelled}, got shape [${t.shape.join(', ')}]`,
    );
  }
  if (t.dtype !== 'float32') {
    throw new Error(`${OP}: expected ${name} of dtype float32, got ${t.dtype}`);
  }
}

/**
 * Kernel function of `Conv2DBackpropInput` on the wasm backend.
 * Inputs: `dy` [batch, outHeight, outWidth, outChannels] and `filter` [filterHeight,
 * filterWidth, inChannels, outChannels]; returns dx of `attrs.inputShape`, [batch, inHeight,
 * inWidth, inChannels]. Only NHWC.
 */
export function conv2DBackpropInputWasm(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: {};
  attrs?: NamedAttrMap;
}): TensorInfo {
  const { dy, filter } = args.inputs;
  const attrs = args.attrs as unknown as Conv2DBackpropInputWasmAttrs | undefined;
  if (dy === undefined || filter === undefined || attrs === undefined) {
    throw new Error(`${OP}: expected inputs dy and filter and attributes`);
  }
  checkRank4('dy', dy, '[batch, outHeight, outWidth, outChannels]');
  checkRank4('filter', filter, '[filterHeight, filterWidth, inChannels, outChannels]');
  const dataFormat = attrs.dataFormat ?? 'NHWC';
  if (dataFormat !== 'NHWC') {
    throw new Error(`${OP}: the wasm kernel supports dataFormat NHWC, got ${dataFormat}`);
  }
  const inputShape = attrs.inputShape;
  if (!Array.isArray(inputShape) || inputShape.length !== 4) {
    throw new Error(
      `${OP}: expected inputShape [batch, inHeight, inWidth, inChannels], ` +
        `got ${JSON.stringify(inputShape)}`,
    );
  }
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const expectedDy = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
  if (dy.shape.some((d, i) => d !== expectedDy[i]) || filter.shape[2] !== inputShape[3]) {
    throw new Error(
      `${OP}: expected dy of shape [${expectedDy.join(', ')}] and filter [*, *, ` +
        `${inputShape[3]}, *] for inputShape [${inputShape.join(', ')}], got dy ` +
        `[${dy.shape.join(', ')}] and filter [${filter.shape.join(', ')}]`,
    );
  }

  const r = new KernelRunner(args.backend as tf.KernelBackend, OP);
  try {
    return r.release(phaseGradient(r, dy, filter, info, heapOf(args.backend)));
  } finally {
    r.disposeAll();
  }
}

/**
 * In padded coordinates, u = h + top, the forward sum per dimension is
 *   dx[u] = sum over oh, kh with oh*s + kh = u of dy[oh] W[kh].
 * Split u by its phase, u = q*s + p: then kh = j*s + p with j = q - oh, so
 *   dx[q*s + p] = sum over j < J_p of dy[q - j] W[j*s + p],   J_p = ceil((k - p) / s),
 * a stride-1 convolution of dy with the J_p taps W[(J_p - 1 - j')*s + p], j' = J_p - 1 - j.
 * Per dimension:
 * - the q needed run from q0 = floor(top / s) to q1 = floor((top + in - 1) / s);
 * - with J_p - 1 - q0 rows of padding in front a phase's first output is q0; the back is
 *   padded by q1 + 1 - out, so that its last output is q1. A negative padding becomes a crop
 *   of the output instead: those outputs lie in the forward padding or beyond the input;
 * - the interleaved phases start at u = q0 * s, so dx starts at row top - q0 * s of them.
 * When every phase has the same number of taps (k a multiple of s, stride 1 included) one
 * convolution computes them all as groups of output channels; otherwise each phase is its
 * own convolution, with no zero taps, and the results are concatenated (unless dx has few
 * channels; see FEW_CHANNELS).
 */
function phaseGradient(
  r: KernelRunner,
  dy: TensorInfo,
  filter: TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  heap: WasmHeap,
): TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels } = info;
  const { strideHeight: sh, strideWidth: sw } = info;
  const rows = phaseLayout(info.outHeight, inHeight, info.filterHeight, sh, info.padInfo.top);
  const cols = phaseLayout(info.outWidth, inWidth, info.filterWidth, sw, info.padInfo.left);
  // [fh, fw, inC, outC] -> [fh, fw, outC, inC]: the phase filters take runs of inC from it.
  const swapped = r.run('Transpose', { x: filter }, { perm: [0, 1, 3, 2] });

  const phases: Array<[number, number]> = [];
  for (let ph = 0; ph < sh; ph++) for (let pw = 0; pw < sw; pw++) phases.push([ph, pw]);
  const uniform =
    rows.taps.every((t) => t === rows.taps[0]) && cols.taps.every((t) => t === cols.taps[0]);
  let q: TensorInfo;
  if (uniform || inChannels < FEW_CHANNELS) {
    q = convolvePhases(r, heap, dy, swapped, info, rows, cols, phases);
  } else {
    const parts = phases.map((p) => convolvePhases(r, heap, dy, swapped, info, rows, cols, [p]));
    q = r.run('Concat', parts as unknown as tf.NamedTensorInfoMap, { axis: 3 });
  }

  let interleaved = q;
  if (sh > 1 || sw > 1) {
    const byPhase = r.reshape(q, [batchSize, rows.count, cols.count, sh, sw, inChannels]);
    // [batch, Qh, Qw, sh, sw, inC] -> [batch, Qh, sh, Qw, sw, inC]
    const moved = r.run('Transpose', { x: byPhase }, { perm: [0, 1, 3, 2, 4, 5] });
    interleaved = r.reshape(moved, [batchSize, rows.count * sh, cols.count * sw, inChannels]);
  }
  const [, uRows, uCols] = interleaved.shape as [number, number, number, number];
  if (uRows === inHeight && uCols === inWidth) return interleaved;
  return r.run(
    'Slice',
    { x: interleaved },
    {
      begin: [0, rows.offset, cols.offset, 0],
      size: [batchSize, inHeight, inWidth, inChannels],
    },
  );
}

/** How one spatial dimension of `phaseGradient` is laid out. */
interface PhaseLayout {
  /** Filter taps of each phase p < stride, ceil((filterSize - p) / stride); may be 0. */
  taps: number[];
  /** The first phase output q needed, and how many. */
  first: number;
  count: number;
  /** Padding of dy after it; negative means that many outputs are cropped. */
  padBack: number;
  /** Where dx starts in the interleaved phases. */
  offset: number;
}

function phaseLayout(
  outSize: number,
  inSize: number,
  filterSize: number,
  stride: number,
  padBefore: number,
): PhaseLayout {
  const taps: number[] = [];
  for (let p = 0; p < stride; p++) taps.push(Math.max(0, Math.ceil((filterSize - p) / stride)));
  const first = Math.floor(padBefore / stride);
  const last = Math.floor((padBefore + inSize - 1) / stride);
  return {
    taps,
    first,
    count: last - first + 1,
    padBack: last + 1 - outSize,
    offset: padBefore - first * stride,
  };
}

/**
 * Convolves dy with the filters of the given phases and returns their outputs q0..q1 side by
 * side: [batch, Qh, Qw, phases * inChannels]. All take the tap count of the first phase, the
 * largest; a phase with fewer taps gets zeros for the rest.
 */
function convolvePhases(
  r: KernelRunner,
  heap: WasmHeap,
  dy: TensorInfo,
  swapped: TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  rows: PhaseLayout,
  cols: PhaseLayout,
  phases: Array<[number, number]>,
): TensorInfo {
  const [ph0, pw0] = phases[0]!;
  const jh = rows.taps[ph0]!;
  const jw = cols.taps[pw0]!;
  const { batchSize, outHeight, outWidth, outChannels } = info;
  const channels = phases.length * info.inChannels;
  const shape = [batchSize, rows.count, cols.count, channels];
  if (jh === 0 || jw === 0) {
    // The stride exceeds the filter: these rows of dx lie under no tap of any window.
    return r.run('Fill', {}, { shape, value: 0, dtype: 'float32' });
  }
  const phaseFilter = buildPhaseFilter(r, heap, swapped, info, phases, jh, jw);
  const padFront = [jh - 1 - rows.first, jw - 1 - cols.first];
  const padBack = [rows.padBack, cols.padBack];
  if (jh === 1 && jw === 1 && [...padFront, ...padBack].every((p) => p === 0)) {
    // A 1x1 convolution is one product [batch * outH * outW, outC] x [outC, channels], which
    // BatchMatMul hands to XNNPACK (it does for one batch and no transposition).
    const product = r.run(
      'BatchMatMul',
      {
        a: r.reshape(dy, [1, batchSize * outHeight * outWidth, outChannels]),
        b: r.reshape(phaseFilter, [1, outChannels, channels]),
      },
      { transposeA: false, transposeB: false },
    );
    return r.reshape(product, shape);
  }
  const q = r.run(
    'Conv2D',
    { x: dy, filter: phaseFilter },
    {
      strides: 1,
      dilations: 1,
      pad: [
        [0, 0],
        [Math.max(0, padFront[0]!), Math.max(0, padBack[0]!)],
        [Math.max(0, padFront[1]!), Math.max(0, padBack[1]!)],
        [0, 0],
      ],
      dataFormat: 'NHWC',
    },
  );
  const [, qRows, qCols] = q.shape as [number, number, number, number];
  if (qRows === rows.count && qCols === cols.count) return q;
  return r.run(
    'Slice',
    { x: q },
    { begin: [0, Math.max(0, -padFront[0]!), Math.max(0, -padFront[1]!), 0], size: shape },
  );
}

/**
 * The filter of the given phases, [jh, jw, outChannels, phases * inChannels], from the
 * channel-swapped filter S [fh, fw, outChannels, inChannels]:
 *   G[a, b, co, (phase, ci)] = S[(jh - 1 - a)*sh + ph, (jw - 1 - b)*sw + pw, co, ci],
 * zero where that tap lies past the end of the filter. Runs of inChannels values are copied
 * on the heap: the backend's Reverse, and its Transpose of this whole permutation at once,
 * visit one element at a time and cost more than the convolution they feed (measured 25 and
 * 43 ms for a [3, 3, 128, 256] filter, against about 1 ms for the channel swap and copies).
 */
function buildPhaseFilter(
  r: KernelRunner,
  heap: WasmHeap,
  swapped: TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  phases: Array<[number, number]>,
  jh: number,
  jw: number,
): TensorInfo {
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const { inChannels: ci, outChannels: co } = info;
  const out = r.adopt(heap.makeOutput([jh, jw, co, phases.length * ci], 'float32'));
  // Views are taken after the allocation, which may have grown (and so moved) the heap.
  const g = heap.typedArrayFromHeap(out);
  const s = heap.typedArrayFromHeap(swapped);
  let i = 0;
  for (let a = 0; a < jh; a++) {
    for (let b = 0; b < jw; b++) {
      for (let o = 0; o < co; o++) {
        for (const [ph, pw] of phases) {
          const kh = (jh - 1 - a) * sh + ph;
          const kw = (jw - 1 - b) * sw + pw;
          if (kh >= fh || kw >= fw) {
            g.fill(0, i, i + ci);
            i += ci;
            continue;
          }
          const src = ((kh * fw + kw) * co + o) * ci;
          for (let c = 0; c < ci; c++) g[i++] = s[src + c]!;
        }
      }
    }
  }
  return out;
}

/** The parts of the wasm backend that reach its heap directly. */
interface WasmHeap {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

function heapOf(backend: {}): WasmHeap {
  const b = backend as Partial<WasmHeap>;
  if (typeof b.makeOutput !== 'function' || typeof b.typedArrayFromHeap !== 'function') {
    throw new Error(`${OP}: expected the wasm backend, got one without makeOutput`);
  }
  return b as WasmHeap;
}

/** How one spatial dimension of `phaseGradient` is laid out. */
interface PhaseExtent {
  /** Filter taps per phase, ceil(filterSize / stride). */
  taps: number;
  /** Phase outputs q needed. */
  count: number;
  /** Padding of dy before and after; negative means that many outputs are cropped. */
  padFront: number;
  padBack: number;
  /** Where dx starts in the interleaved phases. */
  offset: number;
}

function phaseExtent(
  outSize: number,
  inSize: number,
  filterSize: number,
  stride: number,
  padBefore: number,
): PhaseExtent {
  const taps = Math.ceil(filterSize / stride);
  const first = Math.floor(padBefore / stride);
  const last = Math.floor((padBefore + inSize - 1) / stride);
  const count = last - first + 1;
  const padFront = taps - 1 - first;
  // The convolution's output length is outSize + front + back - taps + 1; it must reach the
  // last q when the front is padded by padFront (or cropped by -padFront).
  const padBack = count + taps - 1 - padFront - outSize;
  return { taps, count, padFront, padBack, offset: padBefore - first * stride };
}

/** Registration record of the kernel, for `tf.registerKernel`. */
export const conv2DBackpropInputWasmConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: BACKEND,
  kernelFunc: conv2DBackpropInputWasm as tf.KernelFunc,
};
