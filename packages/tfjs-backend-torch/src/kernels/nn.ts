import { backend_util } from '@tensorflow/tfjs-core';
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { defineKernel, input } from './define.js';

type ConvInfo = backend_util.Conv2DInfo;
type Pad = 'valid' | 'same' | number | backend_util.ExplicitPadding;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

/** The native convolution attributes: tfjs's padding resolved into explicit pads. */
function convAttrs(info: ConvInfo, depthwise: boolean): object {
  const p = info.padInfo;
  return {
    strides: [info.strideHeight, info.strideWidth],
    dilations: [info.dilationHeight, info.dilationWidth],
    pads: [p.top, p.bottom, p.left, p.right],
    depthwise,
  };
}

function poolAttrs(info: ConvInfo): object {
  return { ...convAttrs(info, false), filter: [info.filterHeight, info.filterWidth] };
}

/** ATen rounds output sizes down; a 'ceil' or 'round' convention can disagree, so it is checked. */
function checkShape(kernel: string, out: TensorInfo, expected: readonly number[]): TensorInfo {
  if (out.shape.join() !== expected.join()) {
    throw new Error(
      `${kernel}: native output shape [${out.shape}] differs from tfjs's [${expected}]`,
    );
  }
  return out;
}

function conv2DInfo(
  xShape: number[],
  filterShape: number[],
  a: NamedAttrMap,
  depthwise: boolean,
): ConvInfo {
  const dilations = (a.dilations as number | [number, number] | undefined) ?? 1;
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    a.strides as number | [number, number],
    dilations,
    a.pad as Pad,
    a.dimRoundingMode as Rounding,
    depthwise,
  );
}

/** NCHW tensors go to the cpu fallback; every model here is NHWC. */
function isNHWC(a: NamedAttrMap): boolean {
  return a.dataFormat === undefined || a.dataFormat === 'NHWC';
}

/** Registers convolutions, products, normalisation, pooling and resizing. */
export function registerNnKernels(backendName: string): void {
  for (const [name, depthwise] of [
    ['Conv2D', false],
    ['DepthwiseConv2dNative', true],
  ] as const) {
    defineKernel(backendName, name, ({ inputs, attrs, backend, fallback }) => {
      if (!isNHWC(attrs)) return fallback();
      const x = input(inputs, 'x');
      const filter = input(inputs, 'filter');
      const info = conv2DInfo(x.shape, filter.shape, attrs, depthwise);
      const out = backend.run1(name, [x, filter], convAttrs(info, depthwise));
      return checkShape(name, out, info.outShape);
    });
  }
  for (const [name, depthwise] of [
    ['Conv2DBackpropInput', false],
    ['DepthwiseConv2dNativeBackpropInput', true],
  ] as const) {
    defineKernel(backendName, name, ({ inputs, attrs, backend, fallback }) => {
      if (!isNHWC(attrs)) return fallback();
      const dy = input(inputs, 'dy');
      const filter = input(inputs, 'filter');
      const inputShape = attrs.inputShape as number[];
      const info = conv2DInfo(inputShape, filter.shape, attrs, depthwise);
      checkShape(name, dy, info.outShape);
      return backend.run1(name, [dy, filter], { ...convAttrs(info, depthwise), inputShape });
    });
  }
  for (const [name, depthwise] of [
    ['Conv2DBackpropFilter', false],
    ['DepthwiseConv2dNativeBackpropFilter', true],
  ] as const) {
    defineKernel(backendName, name, ({ inputs, attrs, backend, fallback }) => {
      if (!isNHWC(attrs)) return fallback();
      const x = input(inputs, 'x');
      const dy = input(inputs, 'dy');
      const filterShape = attrs.filterShape as number[];
      const info = conv2DInfo(x.shape, filterShape, attrs, depthwise);
      checkShape(name, dy, info.outShape);
      return backend.run1(name, [x, dy], { ...convAttrs(info, depthwise), filterShape });
    });
  }
  for (const [name, depthwise] of [
    ['FusedConv2D', false],
    ['FusedDepthwiseConv2D', true],
  ] as const) {
    defineKernel(backendName, name, ({ inputs, attrs, backend, fallback }) => {
      if (!isNHWC(attrs)) return fallback();
      const x = input(inputs, 'x');
      const filter = input(inputs, 'filter');
      const bias = inputs.bias;
      const prelu = inputs.preluActivationWeights;
      const info = conv2DInfo(x.shape, filter.shape, attrs, depthwise);
      const ins = [x, filter, bias, prelu].filter((t): t is TensorInfo => t != null);
      const out = backend.run1('FusedConv2D', ins, {
        ...convAttrs(info, depthwise),
        hasBias: bias != null,
        hasPrelu: prelu != null,
        activation: attrs.activation ?? 'linear',
        leakyreluAlpha: attrs.leakyreluAlpha ?? 0.2,
      });
      return checkShape(name, out, info.outShape);
    });
  }
  defineKernel(backendName, 'BatchMatMul', ({ inputs, attrs, backend }) =>
    backend.run1('BatchMatMul', [input(inputs, 'a'), input(inputs, 'b')], {
      transposeA: attrs.transposeA === true,
      transposeB: attrs.transposeB === true,
    }),
  );
  defineKernel(backendName, '_FusedMatMul', ({ inputs, attrs, backend }) => {
    const bias = inputs.bias;
    const prelu = inputs.preluActivationWeights;
    const ins = [input(inputs, 'a'), input(inputs, 'b'), bias, prelu].filter(
      (t): t is TensorInfo => t != null,
    );
    return backend.run1('_FusedMatMul', ins, {
      transposeA: attrs.transposeA === true,
      transposeB: attrs.transposeB === true,
      hasBias: bias != null,
      hasPrelu: prelu != null,
      activation: attrs.activation ?? 'linear',
      leakyreluAlpha: attrs.leakyreluAlpha ?? 0.2,
    });
  });
  defineKernel(backendName, 'FusedBatchNorm', ({ inputs, attrs, backend }) => {
    const offset = inputs.offset;
    const scale = inputs.scale;
    const ins = [
      input(inputs, 'x'),
      input(inputs, 'mean'),
      input(inputs, 'variance'),
      offset,
      scale,
    ];
    return backend.run1(
      'FusedBatchNorm',
      ins.filter((t): t is TensorInfo => t != null),
      {
        varianceEpsilon: (attrs.varianceEpsilon as number | undefined) ?? 0.001,
        hasOffset: offset != null,
        hasScale: scale != null,
      },
    );
  });

  const poolInfo = (xShape: number[], a: NamedAttrMap): ConvInfo =>
    backend_util.computePool2DInfo(
      xShape as [number, number, number, number],
      a.filterSize as number | [number, number],
      a.strides as number | [number, number],
      1,
      a.pad as Pad,
      a.dimRoundingMode as Rounding,
    );
  for (const name of ['AvgPool', 'MaxPool']) {
    defineKernel(backendName, name, ({ inputs, attrs, backend }) => {
      const x = input(inputs, 'x');
      const info = poolInfo(x.shape, attrs);
      return checkShape(name, backend.run1(name, [x], poolAttrs(info)), info.outShape);
    });
  }
  defineKernel(backendName, 'AvgPoolGrad', ({ inputs, attrs, backend }) => {
    const dy = input(inputs, 'dy');
    const x = input(inputs, 'input');
    return backend.run1('AvgPoolGrad', [dy, x], poolAttrs(poolInfo(x.shape, attrs)));
  });
  defineKernel(backendName, 'MaxPoolGrad', ({ inputs, attrs, backend }) => {
    const dy = input(inputs, 'dy');
    const x = input(inputs, 'input');
    const y = input(inputs, 'output');
    return backend.run1('MaxPoolGrad', [dy, x, y], poolAttrs(poolInfo(x.shape, attrs)));
  });

  for (const name of ['ResizeBilinear', 'ResizeNearestNeighbor']) {
    defineKernel(backendName, name, ({ inputs, attrs, backend }) =>
      backend.run1(name, [input(inputs, 'images')], {
        size: attrs.size,
        alignCorners: attrs.alignCorners === true,
        halfPixelCenters: attrs.halfPixelCenters === true,
      }),
    );
  }
  defineKernel(backendName, 'ResizeNearestNeighborGrad', ({ inputs, attrs, backend }) =>
    backend.run1('ResizeNearestNeighborGrad', [input(inputs, 'images'), input(inputs, 'dy')], {
      alignCorners: attrs.alignCorners === true,
      halfPixelCenters: attrs.halfPixelCenters === true,
    }),
  );
  defineKernel(backendName, 'ResizeBilinearGrad', ({ inputs, attrs, backend }) =>
    backend.run1('ResizeBilinearGrad', [input(inputs, 'images'), input(inputs, 'dy')], {
      alignCorners: attrs.alignCorners === true,
    }),
  );
}
