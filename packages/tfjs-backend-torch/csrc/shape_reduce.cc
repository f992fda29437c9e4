// Reductions and layout kernels. Layout kernels return ATen views where they can (a new handle
// on shared storage); storage lives until the last view is freed.
#include <ATen/ATen.h>

#include "kernel_registry.h"

namespace {

std::vector<int64_t> reduceAxes(const Attrs& attrs, const at::Tensor& x) {
  return tk::axes(attrs.ints("axis"), x.dim());
}

// Sum and Prod output int32 for int32 and bool inputs, float32 for float32.
at::ScalarType accumulateType(const at::Tensor& x) {
  return x.is_floating_point() ? at::kFloat : at::kInt;
}

at::Tensor allOf(const at::Tensor& x, const std::vector<int64_t>& dims, bool keep) {
  return at::sum(at::logical_not(x.to(at::kBool)).to(at::kInt), dims, keep).eq(0);
}

at::Tensor anyOf(const at::Tensor& x, const std::vector<int64_t>& dims, bool keep) {
  return at::sum(x.to(at::kBool).to(at::kInt), dims, keep).gt(0);
}

}  // namespace

// An empty axis list means "reduce nothing" in tfjs but "reduce everything" in ATen, so every
// reduction checks for it first.
TORCH_KERNEL(Sum) {
  const auto dims = reduceAxes(attrs, in[0]);
  const at::ScalarType t = accumulateType(in[0]);
  if (dims.empty()) return {in[0].to(t)};
  return {at::sum(in[0], dims, attrs.flag("keepDims"), t)};
}
TORCH_KERNEL(Mean) {
  const auto dims = reduceAxes(attrs, in[0]);
  at::Tensor x = in[0].to(at::kFloat);
  if (dims.empty()) return {x};
  return {at::mean(x, dims, attrs.flag("keepDims"))};
}
TORCH_KERNEL(Prod) {
  const auto dims = reduceAxes(attrs, in[0]);
  const at::ScalarType t = accumulateType(in[0]);
  at::Tensor x = in[0].to(t);
  const bool keep = attrs.flag("keepDims");
  for (auto it = dims.rbegin(); it != dims.rend(); ++it) x = at::prod(x, *it, true, t);
  if (!keep && !dims.empty()) {
    std::vector<int64_t> shape;
    for (int64_t i = 0; i < x.dim(); i++) {
      if (std::find(dims.begin(), dims.end(), i) == dims.end()) shape.push_back(x.size(i));
    }
    x = x.reshape(shape);
  }
  return {x};
}
TORCH_KERNEL(Max) {
  const auto dims = reduceAxes(attrs, in[0]);
  if (dims.empty()) return {in[0]};
  return {at::amax(in[0], dims, attrs.flag("keepDims"))};
}
TORCH_KERNEL(Min) {
  const auto dims = reduceAxes(attrs, in[0]);
  if (dims.empty()) return {in[0]};
  return {at::amin(in[0], dims, attrs.flag("keepDims"))};
}
TORCH_KERNEL(All) {
  const auto dims = reduceAxes(attrs, in[0]);
  if (dims.empty()) return {in[0].to(at::kBool)};
  return {allOf(in[0], dims, attrs.flag("keepDims"))};
}
TORCH_KERNEL(Any) {
  const auto dims = reduceAxes(attrs, in[0]);
  if (dims.empty()) return {in[0].to(at::kBool)};
  return {anyOf(in[0], dims, attrs.flag("keepDims"))};
}
// ATen returns the first index of the extreme value, as tfjs does.
TORCH_KERNEL(ArgMax) { return {at::argmax(in[0], attrs.i64("axis"))}; }
TORCH_KERNEL(ArgMin) { return {at::argmin(in[0], attrs.i64("axis"))}; }
TORCH_KERNEL(Softmax) { return {at::softmax(in[0], attrs.i64("dim"))}; }

TORCH_KERNEL(Transpose) { return {in[0].permute(attrs.ints("perm"))}; }
TORCH_KERNEL(Reshape) { return {in[0].reshape(attrs.ints("shape"))}; }

TORCH_KERNEL(Slice) {
  const auto begin = attrs.ints("begin");
  const auto size = attrs.ints("size");
  at::Tensor x = in[0];
  for (int64_t d = 0; d < static_cast<int64_t>(begin.size()); d++) {
    x = x.narrow(d, begin[d], size[d]);
  }
  return {x};
}

// The TypeScript side resolves masks into per-dimension begin/stride/count (tfjs's sliceInfo);
// element i along dimension d is begin[d] + i * strides[d].
TORCH_KERNEL(StridedSlice) {
  const auto begin = attrs.ints("begin");
  const auto strides = attrs.ints("strides");
  const auto counts = attrs.ints("counts");
  at::Tensor x = in[0];
  for (int64_t d = 0; d < static_cast<int64_t>(begin.size()); d++) {
    const int64_t b = begin[d], s = strides[d], n = counts[d];
    if (n == 0) {
      x = x.narrow(d, 0, 0);
    } else if (s > 0) {
      x = x.slice(d, b, b + (n - 1) * s + 1, s);
    } else {
      at::Tensor idx = at::arange(b, b + n * s, s, at::kLong);
      x = x.index_select(d, idx);
    }
  }
  return {x.reshape(attrs.ints("shape"))};
}

TORCH_KERNEL(Concat) {
  const int64_t axis = attrs.i64("axis");
  return {at::cat(in, axis)};
}
TORCH_KERNEL(Pack) { return {at::stack(in, attrs.i64("axis"))}; }
TORCH_KERNEL(Unpack) {
  auto parts = at::unbind(in[0], attrs.i64("axis"));
  return Tensors(parts.begin(), parts.end());
}
TORCH_KERNEL(SplitV) {
  auto parts = at::split_with_sizes(in[0], attrs.ints("sizes"), attrs.i64("axis"));
  return Tensors(parts.begin(), parts.end());
}

TORCH_KERNEL(PadV2) {
  // paddings arrive flat [before0, after0, before1, after1, ...]; ATen wants the last
  // dimension's pair first.
  const auto p = attrs.ints("paddings");
  std::vector<int64_t> pad;
  for (int64_t d = static_cast<int64_t>(p.size()) / 2 - 1; d >= 0; d--) {
    pad.push_back(p[2 * d]);
    pad.push_back(p[2 * d + 1]);
  }
  at::Tensor x = in[0];
  const double value = attrs.num("constantValue", 0);
  return {at::constant_pad_nd(x, pad, x.is_floating_point() ? value : std::trunc(value))};
}

// Mirror padding by gathering along each dimension: ATen's reflection pads cover only the last
// three dimensions and have no 'symmetric' mode.
TORCH_KERNEL(MirrorPad) {
  const auto p = attrs.ints("paddings");
  const bool symmetric = attrs.str("mode") == "symmetric";
  at::Tensor x = in[0];
  for (int64_t d = 0; d < x.dim(); d++) {
    const int64_t before = p[2 * d], after = p[2 * d + 1], n = x.size(d);
    if (before == 0 && after == 0) continue;
    std::vector<int64_t> idx;
    idx.reserve(n + before + after);
    for (int64_t i = -before; i < n + after; i++) {
      int64_t j = i;
      if (j < 0) j = symmetric ? -j - 1 : -j;
      if (j >= n) j = symmetric ? 2 * n - 1 - j : 2 * n - 2 - j;
      idx.push_back(j);
    }
    x = x.index_select(d, at::tensor(idx, at::kLong));
  }
  return {x};
}

TORCH_KERNEL(Reverse) { return {at::flip(in[0], attrs.ints("dims"))}; }
TORCH_KERNEL(Tile) { return {in[0].repeat(attrs.ints("reps"))}; }

// batchDims = 0 only; the TypeScript side routes other cases to the cpu fallback.
TORCH_KERNEL(GatherV2) {
  const at::Tensor& x = in[0];
  const at::Tensor& indices = in[1];
  const int64_t axis = attrs.i64("axis");
  at::Tensor flat = x.index_select(axis, indices.reshape({-1}).to(at::kLong));
  std::vector<int64_t> shape(x.sizes().begin(), x.sizes().begin() + axis);
  for (int64_t d : indices.sizes()) shape.push_back(d);
  for (int64_t d = axis + 1; d < x.dim(); d++) shape.push_back(x.size(d));
  return {flat.reshape(shape)};
}

// Ids outside [0, numSegments) contribute nothing, as in tfjs.
TORCH_KERNEL(UnsortedSegmentSum) {
  const at::Tensor& x = in[0];
  const int64_t numSegments = attrs.i64("numSegments");
  const int64_t idRank = in[1].dim();
  at::Tensor ids = in[1].reshape({-1}).to(at::kLong);
  std::vector<int64_t> rowShape{ids.size(0)};
  std::vector<int64_t> outShape{numSegments};
  for (int64_t d = idRank; d < x.dim(); d++) {
    rowShape.push_back(x.size(d));
    outShape.push_back(x.size(d));
  }
  at::Tensor rows = x.reshape(rowShape);
  at::Tensor valid = (ids >= 0).logical_and(ids < numSegments);
  if (!valid.all().item<bool>()) {
    at::Tensor keep = at::nonzero(valid).reshape({-1});
    rows = rows.index_select(0, keep);
    ids = ids.index_select(0, keep);
  }
  at::Tensor out = at::zeros(outShape, rows.options());
  return {out.index_add_(0, ids, rows)};
}
