import { backend_util, slice_util, util } from '@tensorflow/tfjs-core';
import type { NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { defineKernel, direct, input } from './define.js';

function listInputs(inputs: NamedTensorInfoMap): TensorInfo[] {
  return Object.values(inputs as unknown as Record<string, TensorInfo>);
}

/** Registers reductions, layout kernels (views where ATen can) and tensor creation. */
export function registerLayoutKernels(backendName: string): void {
  for (const name of ['Sum', 'Mean', 'Prod', 'Max', 'Min', 'All', 'Any']) {
    // Max names its axes reductionIndices; the others call them axis.
    direct(backendName, name, ['x'], (a, [x]) => ({
      axis: util.parseAxisParam(
        (a.axis ?? a.reductionIndices) as number | number[],
        (x as TensorInfo).shape,
      ),
      keepDims: a.keepDims === true,
    }));
  }
  for (const name of ['ArgMax', 'ArgMin']) {
    direct(backendName, name, ['x'], (a, [x]) => ({
      axis: util.parseAxisParam(a.axis as number, (x as TensorInfo).shape)[0],
    }));
  }
  direct(backendName, 'Softmax', ['logits'], (a, [x]) => ({
    dim: util.parseAxisParam([a.dim as number], (x as TensorInfo).shape)[0],
  }));
  direct(backendName, 'Transpose', ['x'], (a) => ({ perm: a.perm }));
  // A reshape is a new data id on a view, never the input's data id: tfjs disposes the two
  // independently.
  direct(backendName, 'Reshape', ['x'], (a, [x]) => ({
    shape: util.inferFromImplicitShape(
      a.shape as number[],
      util.sizeFromShape((x as TensorInfo).shape),
    ),
  }));
  defineKernel(backendName, 'Slice', ({ inputs, attrs, backend }) => {
    const x = input(inputs, 'x');
    const [begin, size] = slice_util.parseSliceParams(
      x as never,
      attrs.begin as number | number[],
      attrs.size as number | number[],
    );
    return backend.run1('Slice', [x], { begin, size });
  });
  defineKernel(backendName, 'StridedSlice', ({ inputs, attrs, backend }) => {
    const x = input(inputs, 'x');
    const info = slice_util.sliceInfo(
      x.shape,
      attrs.begin as number[],
      attrs.end as number[],
      attrs.strides as number[],
      attrs.beginMask as number,
      attrs.endMask as number,
      attrs.ellipsisMask as number,
      attrs.newAxisMask as number,
      attrs.shrinkAxisMask as number,
    );
    // As tfjs's cpu kernel: a simple slice takes end - begin elements per dimension, any
    // other slice the sparse output shape with the given strides.
    const simple = info.isIdentity || info.sliceDim0 || info.isSimpleSlice;
    return backend.run1('StridedSlice', [x], {
      begin: info.begin,
      strides: simple ? info.begin.map(() => 1) : info.strides,
      counts: simple
        ? info.end.map((e, i) => e - (info.begin[i] as number))
        : info.finalShapeSparse,
      shape: info.finalShape,
    });
  });
  defineKernel(backendName, 'Concat', ({ inputs, attrs, backend }) => {
    const tensors = listInputs(inputs);
    const axis = util.parseAxisParam(attrs.axis as number, (tensors[0] as TensorInfo).shape)[0];
    return backend.run1('Concat', tensors, { axis });
  });
  defineKernel(backendName, 'Pack', ({ inputs, attrs, backend }) => {
    const tensors = listInputs(inputs);
    const rank = (tensors[0] as TensorInfo).shape.length;
    const axis = attrs.axis as number;
    return backend.run1('Pack', tensors, { axis: axis < 0 ? axis + rank + 1 : axis });
  });
  defineKernel(backendName, 'Unpack', ({ inputs, attrs, backend }) => {
    const x = input(inputs, 'value');
    const axis = attrs.axis as number;
    return backend.run('Unpack', [x], { axis: axis < 0 ? axis + x.shape.length : axis });
  });
  defineKernel(backendName, 'SplitV', ({ inputs, attrs, backend }) => {
    const x = input(inputs, 'x');
    const axis = util.parseAxisParam(attrs.axis as number, x.shape)[0] as number;
    const sizes = backend_util.prepareSplitSize(
      x as never,
      attrs.numOrSizeSplits as number | number[],
      axis,
    );
    return backend.run('SplitV', [x], { axis, sizes });
  });
  direct(backendName, 'PadV2', ['x'], (a) => ({
    paddings: (a.paddings as Array<[number, number]>).flat(),
    constantValue: a.constantValue,
  }));
  direct(backendName, 'MirrorPad', ['x'], (a) => ({
    paddings: (a.paddings as Array<[number, number]>).flat(),
    mode: a.mode,
  }));
  direct(backendName, 'Reverse', ['x'], (a, [x]) => ({
    dims: util.parseAxisParam(a.dims as number | number[], (x as TensorInfo).shape),
  }));
  direct(backendName, 'Tile', ['x'], (a) => ({ reps: a.reps }));
  defineKernel(backendName, 'GatherV2', ({ inputs, attrs, backend, fallback }) => {
    const x = input(inputs, 'x');
    const indices = input(inputs, 'indices');
    if ((attrs.batchDims as number | undefined) ?? 0) return fallback();
    const axis = util.parseAxisParam(attrs.axis as number, x.shape)[0];
    return backend.run1('GatherV2', [x, indices], { axis });
  });
  direct(backendName, 'UnsortedSegmentSum', ['x', 'segmentIds'], (a) => ({
    numSegments: a.numSegments,
  }));
  direct(backendName, 'OneHot', ['indices'], (a) => ({
    depth: a.depth,
    onValue: a.onValue ?? 1,
    offValue: a.offValue ?? 0,
    dtype: a.dtype ?? 'int32',
  }));
  defineKernel(backendName, 'AddN', ({ inputs, backend }) =>
    backend.run1('AddN', listInputs(inputs)),
  );
  defineKernel(backendName, 'Fill', ({ attrs, backend, fallback }) => {
    if (typeof attrs.value === 'string') return fallback();
    return backend.run1('Fill', [], {
      shape: attrs.shape,
      value: attrs.value,
      dtype: attrs.dtype ?? 'float32',
    });
  });
  // Range is computed in JavaScript with tfjs's own accumulation (each value is the previous
  // plus step, rounded to the output dtype), which one native call could not reproduce cheaply.
  defineKernel(backendName, 'Range', ({ attrs, backend }) => {
    const start = attrs.start as number;
    const stop = attrs.stop as number;
    const step = attrs.step as number;
    const dtype = (attrs.dtype as 'float32' | 'int32') ?? 'float32';
    // tfjs's empty-range test, quirk included: a decreasing range is empty for step > 1 only.
    const empty = start === stop || (start < stop && step < 0) || (stop < start && step > 1);
    const n = empty ? 0 : Math.abs(Math.ceil((stop - start) / step));
    const values = dtype === 'int32' ? new Int32Array(n) : new Float32Array(n);
    if (n > 0) values[0] = start;
    for (let i = 1; i < n; i++) values[i] = (values[i - 1] as number) + step;
    return backend.makeTensorInfo([n], dtype, values);
  });
}
