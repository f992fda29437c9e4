/**
 * The filter gradient of a 2-D convolution (`Conv2DBackpropFilter`) for the wasm backend, which
 * ships without one. It is composed of the backend's own kernels so that the heavy part runs in
 * XNNPACK. Per filter tap (fh, fw) the gradient is a product
 *
 *   dW[fh, fw] = X(fh, fw)^T · dY
 *
 * of the padded input's window seen by that tap, flattened to [batch * outHeight * outWidth,
 * inChannels], and dy flattened to [batch * outHeight * outWidth, outChannels]. Rather than
 * cutting those windows one by one (the backend's StridedSlice costs more than the products),
 * one convolution computes all taps at once; see `filterGradient`.
 */
import { tf } from '../../tf.js';
import { KernelRunner } from './kernelRunner.js';

type TensorInfo = tf.TensorInfo;
type NamedAttrMap = tf.NamedAttrMap;

const BACKEND = 'wasm';

/** The attributes tfjs passes, plus `dilations`, which tfjs never sends but we honour. */
export interface Conv2DBackpropFilterWasmAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
  dilations?: number | [number, number];
}

function checkRank4(name: string, t: TensorInfo, spelled: string): void {
  if (t.shape.length !== 4) {
    throw new Error(
      `conv2DBackpropFilter: expected ${name} of rank 4 ${spelled}, ` +
        `got shape [${t.shape.join(', ')}]`,
    );
  }
  if (t.dtype !== 'float32') {
    throw new Error(`conv2DBackpropFilter: expected ${name} of dtype float32, got ${t.dtype}`);
  }
}

/**
 * Kernel function of `Conv2DBackpropFilter` on the wasm backend.
 * Inputs: `x` [batch, inHeight, inWidth, inChannels] and `dy` [batch, outHeight, outWidth,
 * outChannels]; returns dW [filterHeight, filterWidth, inChannels, outChannels]. Only NHWC.
 */
export function conv2DBackpropFilterWasm(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: {};
  attrs?: NamedAttrMap;
}): TensorInfo {
  const { x, dy } = args.inputs;
  const attrs = args.attrs as unknown as Conv2DBackpropFilterWasmAttrs | undefined;
  if (x === undefined || dy === undefined || attrs === undefined) {
    throw new Error('conv2DBackpropFilter: expected inputs x and dy and attributes');
  }
  checkRank4('x', x, '[batch, inHeight, inWidth, inChannels]');
  checkRank4('dy', dy, '[batch, outHeight, outWidth, outChannels]');
  const dataFormat = attrs.dataFormat ?? 'NHWC';
  if (dataFormat !== 'NHWC') {
    throw new Error(
      `conv2DBackpropFilter: the wasm kernel supports dataFormat NHWC, got ${dataFormat}`,
    );
  }
  const filterShape = attrs.filterShape;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const expectedDy = [info.batchSize, info.outHeight, info.outWidth, filterShape[3]];
  if (dy.shape.some((d, i) => d !== expectedDy[i]) || filterShape[2] !== info.inChannels) {
    throw new Error(
      `conv2DBackpropFilter: expected dy of shape [${expectedDy.join(', ')}] and filterShape ` +
        `[*, *, ${info.inChannels}, *] for x of shape [${x.shape.join(', ')}], got dy ` +
        `[${dy.shape.join(', ')}] and filterShape [${filterShape.join(', ')}]`,
    );
  }
  const { top, left } = info.padInfo;
  if (top < 0 || left < 0) {
    throw new Error(
      `conv2DBackpropFilter: expected non-negative padding, got top ${top}, left ${left}`,
    );
  }

  const r = new KernelRunner(args.backend as tf.KernelBackend, 'conv2DBackpropFilter');
  try {
    return r.release(filterGradient(r, x, dy, info));
  } finally {
    r.disposeAll();
  }
}

function filterGradient(
  r: KernelRunner,
  x: TensorInfo,
  dy: TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): TensorInfo {
  const { inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const { top, left } = info.padInfo;

  // Pad bottom and right only as far as the last window reaches: tfjs's own padding there can
  // exceed it (those rows are never read) and, with dimRoundingMode 'ceil', fall short of it
  // (the missing rows count as zeros, as in the cpu kernel).
  const spanH = (outHeight - 1) * sh + 1;
  const spanW = (outWidth - 1) * sw + 1;
  const bottom = Math.max(0, (filterHeight - 1) * dh + spanH - top - inHeight);
  const right = Math.max(0, (filterWidth - 1) * dw + spanW - left - inWidth);

  // Swap the roles of batch and channels: with x as [inChannels, inHeight, inWidth, batch] and
  // dy as a filter [outHeight, outWidth, batch, outChannels], the convolution whose stride is
  // the forward dilation and whose dilation is the forward stride yields, at output (fh, fw),
  //   sum over oh, ow, b of x[b, fh*dh + oh*sh - top, fw*dw + ow*sw - left, ci] dy[b, oh, ow, co]
  // = dW[fh, fw, ci, co]: every filter tap in one XNNPACK convolution.
  const xT = r.run('Transpose', { x }, { perm: [3, 1, 2, 0] });
  const dyT = r.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
  const conv = r.run(
    'Conv2D',
    { x: xT, filter: dyT },
    {
      strides: [dh, dw],
      dilations: [sh, sw],
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      dataFormat: 'NHWC',
    },
  );
  // [inChannels, fh', fw', outChannels] -> [fh', fw', inChannels, outChannels]
  const dW = r.run('Transpose', { x: conv }, { perm: [1, 2, 0, 3] });
  const [rowsOut, colsOut] = dW.shape as [number, number, number, number];
  if (rowsOut === filterHeight && colsOut === filterWidth) return dW;
  // Input rows beyond the last window add output rows no filter tap owns.
  return r.run(
    'Slice',
    { x: dW },
    { begin: [0, 0, 0, 0], size: [filterHeight, filterWidth, info.inChannels, info.outChannels] },
  );
}

/** Registration record of the kernel, for `tf.registerKernel`. */
export const conv2DBackpropFilterWasmConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: BACKEND,
  kernelFunc: conv2DBackpropFilterWasm as tf.KernelFunc,
};
