// Native kernels register themselves by name at static-initialisation time; the addon hands
// JavaScript a numeric id per name so a call does not hash strings.
#pragma once

#include <ATen/ATen.h>

#include <string>
#include <vector>

#include "attrs.h"

using Tensors = std::vector<at::Tensor>;
using KernelFn = Tensors (*)(const Tensors& inputs, const Attrs& attrs);

struct KernelEntry {
  std::string name;
  KernelFn fn;
};

std::vector<KernelEntry>& kernelTable();

struct KernelRegistrar {
  KernelRegistrar(const char* name, KernelFn fn) { kernelTable().push_back({name, fn}); }
};

#define TORCH_KERNEL(NAME)                                              \
  static Tensors kernel_##NAME(const Tensors& in, const Attrs& attrs);  \
  static KernelRegistrar registrar_##NAME(#NAME, kernel_##NAME);        \
  static Tensors kernel_##NAME(const Tensors& in, const Attrs& attrs)

// Shared helpers.
namespace tk {

// Emulates storing a double into a JavaScript Int32Array: truncation toward zero, NaN and
// infinities become 0, out-of-range values wrap modulo 2^32.
at::Tensor toInt32Like(const at::Tensor& x);

// Applies `op` the way tfjs's cpu backend does for a dtype: float32 in float32, int32 computed
// in double precision then stored as int32.
template <typename Op>
at::Tensor floatMath(const at::Tensor& x, Op op) {
  if (x.is_floating_point()) return op(x);
  return toInt32Like(op(x.to(at::kDouble)));
}

// Normalises an axis list against a rank (negative axes count from the end).
std::vector<int64_t> axes(const std::vector<int64_t>& raw, int64_t rank);

// The tfjs fused activations: linear, relu, relu6, elu, sigmoid, leakyrelu, prelu.
at::Tensor activate(const at::Tensor& x, const std::string& activation, double alpha,
                    const at::Tensor* preluWeights);

at::Tensor leakyRelu(const at::Tensor& x, double alpha);
at::Tensor prelu(const at::Tensor& x, const at::Tensor& alpha);

}  // namespace tk
