import { defineKernel, direct, input } from './define.js';

const UNARY = [
  'Neg',
  'Abs',
  'Exp',
  'Expm1',
  'Log',
  'Log1p',
  'Sqrt',
  'Rsqrt',
  'Square',
  'Tanh',
  'Sin',
  'Cos',
  'Erf',
  'Reciprocal',
  'Sigmoid',
  'Softplus',
  'Relu',
  'Relu6',
  'Elu',
  'Selu',
  'Sign',
  'Floor',
  'Ceil',
  'Round',
  'LogicalNot',
  'IsNan',
  'IsInf',
  'IsFinite',
  'ZerosLike',
  'OnesLike',
] as const;

const BINARY = [
  'Add',
  'Sub',
  'Multiply',
  'RealDiv',
  'FloorDiv',
  'Maximum',
  'Minimum',
  'Pow',
  'SquaredDifference',
  'Mod',
  'Atan2',
  'Equal',
  'NotEqual',
  'Greater',
  'GreaterEqual',
  'Less',
  'LessEqual',
  'LogicalAnd',
  'LogicalOr',
] as const;

/** Registers the element-wise kernels; broadcasting and dtype rules live in csrc/elementwise.cc. */
export function registerElementwiseKernels(backendName: string): void {
  for (const name of UNARY) direct(backendName, name, ['x'], () => ({}));
  for (const name of BINARY) direct(backendName, name, ['a', 'b'], () => ({}));
  direct(backendName, 'LeakyRelu', ['x'], (a) => ({ alpha: a.alpha }));
  direct(backendName, 'Step', ['x'], (a) => ({ alpha: a.alpha ?? 0 }));
  direct(backendName, 'ClipByValue', ['x'], (a) => ({
    clipValueMin: a.clipValueMin,
    clipValueMax: a.clipValueMax,
  }));
  direct(backendName, 'Prelu', ['x', 'alpha'], () => ({}));
  direct(backendName, 'Select', ['condition', 't', 'e'], () => ({}));
  direct(backendName, 'Cast', ['x'], (a) => ({ dtype: a.dtype }));
  // Identity shares the data id by refcount, as the cpu backend does: no native call at all.
  defineKernel(backendName, 'Identity', ({ inputs, backend }) => {
    const x = input(inputs, 'x');
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  });
  direct(backendName, 'TorchLeakyReluGrad', ['dy', 'x'], (a) => ({ alpha: a.alpha }));
}
