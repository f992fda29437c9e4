// Convolutions, matrix products, pooling and resizing.
//
// Layout: tfjs tensors are NHWC ([batch, height, width, channels]) and filters HWIO; ATen's
// convolutions and pools take NCHW and OIHW. Every kernel here permutes its inputs to NCHW as a
// view (no copy; an NHWC tensor viewed as NCHW is exactly ATen's channels-last layout, which its
// convolutions accept directly) and permutes the result back to NHWC, again as a view. Results
// are therefore often non-contiguous; element-wise ATen ops keep that layout and reading a
// tensor makes it contiguous, so the only copies are the ones ATen itself decides on.
#include <ATen/ATen.h>

#include <cmath>

#include "kernel_registry.h"

namespace {

at::Tensor nchw(const at::Tensor& x) { return x.permute({0, 3, 1, 2}); }
at::Tensor nhwc(const at::Tensor& x) { return x.permute({0, 2, 3, 1}); }

struct Conv {
  std::vector<int64_t> strides, dilations, pads;  // pads: top, bottom, left, right
  bool depthwise;
  explicit Conv(const Attrs& a)
      : strides(a.ints("strides")),
        dilations(a.ints("dilations")),
        pads(a.ints("pads")),
        depthwise(a.flag("depthwise")) {}
  bool symmetric() const { return pads[0] == pads[1] && pads[2] == pads[3]; }
  // ATen's own (symmetric) padding when possible, else none and the input is padded first.
  std::vector<int64_t> atenPadding() const {
    return symmetric() ? std::vector<int64_t>{pads[0], pads[2]} : std::vector<int64_t>{0, 0};
  }
};

// HWIO -> OIHW; a depthwise HW[in][multiplier] filter becomes [in*multiplier, 1, H, W], whose
// output channel c*multiplier+m is tfjs's depthwise output order.
//
// The weight is copied into ATen's channels-last layout (O, H, W, I in memory): with an NHWC
// activation, which is channels-last already, ATen (oneDNN) then runs its channels-last
// convolution without reordering either operand. Left as a strided view of HWIO, the same call
// was 3-7x slower on the DCGAN's layers, and its results came back in NCHW memory, so the
// element-wise kernels that followed mixed two layouts (another 3x on leaky ReLU's gradient).
// Filters are small; the copy costs microseconds.
at::Tensor weightOIHW(const at::Tensor& filter, bool depthwise) {
  if (!depthwise) return filter.permute({3, 2, 0, 1}).contiguous(at::MemoryFormat::ChannelsLast);
  const int64_t fh = filter.size(0), fw = filter.size(1);
  return filter.permute({2, 3, 0, 1}).reshape({filter.size(2) * filter.size(3), 1, fh, fw});
}

at::Tensor filterFromOIHW(const at::Tensor& w, bool depthwise, at::IntArrayRef filterShape) {
  if (!depthwise) return w.permute({2, 3, 1, 0});
  return w.reshape({filterShape[2], filterShape[3], filterShape[0], filterShape[1]})
      .permute({2, 3, 0, 1});
}

at::Tensor padNCHW(const at::Tensor& x, const Conv& c, double value = 0) {
  if (c.symmetric()) return x;
  return at::constant_pad_nd(x, {c.pads[2], c.pads[3], c.pads[0], c.pads[1]}, value);
}

int64_t groupsOf(const at::Tensor& xNCHW, const Conv& c) { return c.depthwise ? xNCHW.size(1) : 1; }

at::Tensor convForward(const at::Tensor& x, const at::Tensor& filter, const Conv& c,
                       const at::Tensor& bias) {
  at::Tensor xn = nchw(x);
  const int64_t groups = groupsOf(xn, c);
  at::Tensor y = at::conv2d(padNCHW(xn, c), weightOIHW(filter, c.depthwise), bias, c.strides,
                            c.atenPadding(), c.dilations, groups);
  return nhwc(y);
}

// Gradient with respect to the input: ATen's convolution backward on an input of the padded
// shape, then the padding sliced away.
at::Tensor convBackpropInput(const at::Tensor& dy, const at::Tensor& filter,
                             const std::vector<int64_t>& inputShape, const Conv& c) {
  const int64_t b = inputShape[0], h = inputShape[1], w = inputShape[2], ci = inputShape[3];
  const bool sym = c.symmetric();
  const int64_t ph = sym ? h : h + c.pads[0] + c.pads[1];
  const int64_t pw = sym ? w : w + c.pads[2] + c.pads[3];
  // Channels-last, so the gradient comes back as contiguous NHWC memory.
  at::Tensor shapeOnly =
      at::empty({b, ci, ph, pw}, dy.options().memory_format(at::MemoryFormat::ChannelsLast));
  at::Tensor weight = weightOIHW(filter, c.depthwise);
  const int64_t groups = c.depthwise ? ci : 1;
  auto grads = at::convolution_backward(nchw(dy), shapeOnly, weight, c10::nullopt, c.strides,
                                        c.atenPadding(), c.dilations, false, {0, 0}, groups,
                                        {true, false, false});
  at::Tensor gx = std::get<0>(grads);
  if (!sym) gx = gx.narrow(2, c.pads[0], h).narrow(3, c.pads[2], w);
  return nhwc(gx);
}

at::Tensor convBackpropFilter(const at::Tensor& x, const at::Tensor& dy,
                              const std::vector<int64_t>& filterShape, const Conv& c) {
  at::Tensor xn = padNCHW(nchw(x), c);
  std::vector<int64_t> oihw;
  if (c.depthwise) {
    oihw = {filterShape[2] * filterShape[3], 1, filterShape[0], filterShape[1]};
  } else {
    oihw = {filterShape[3], filterShape[2], filterShape[0], filterShape[1]};
  }
  at::Tensor shapeOnly = at::empty(
      oihw, x.options().memory_format(c.depthwise ? at::MemoryFormat::Contiguous
                                                  : at::MemoryFormat::ChannelsLast));
  auto grads = at::convolution_backward(nchw(dy), xn, shapeOnly, c10::nullopt, c.strides,
                                        c.atenPadding(), c.dilations, false, {0, 0},
                                        groupsOf(xn, c), {false, true, false});
  return filterFromOIHW(std::get<1>(grads), c.depthwise, filterShape);
}

// A 1-D bias whose length is the channel count can ride inside ATen's convolution.
bool channelBias(const at::Tensor& bias, int64_t channels) {
  return bias.defined() && bias.dim() == 1 && bias.size(0) == channels;
}

at::Tensor matmul(const at::Tensor& a, const at::Tensor& b, bool ta, bool tb) {
  return at::matmul(ta ? a.transpose(-2, -1) : a, tb ? b.transpose(-2, -1) : b);
}

}  // namespace

TORCH_KERNEL(Conv2D) { return {convForward(in[0], in[1], Conv(attrs), at::Tensor())}; }
TORCH_KERNEL(DepthwiseConv2dNative) {
  return {convForward(in[0], in[1], Conv(attrs), at::Tensor())};
}
TORCH_KERNEL(Conv2DBackpropInput) {
  return {convBackpropInput(in[0], in[1], attrs.ints("inputShape"), Conv(attrs))};
}
TORCH_KERNEL(DepthwiseConv2dNativeBackpropInput) {
  return {convBackpropInput(in[0], in[1], attrs.ints("inputShape"), Conv(attrs))};
}
TORCH_KERNEL(Conv2DBackpropFilter) {
  return {convBackpropFilter(in[0], in[1], attrs.ints("filterShape"), Conv(attrs))};
}
TORCH_KERNEL(DepthwiseConv2dNativeBackpropFilter) {
  return {convBackpropFilter(in[0], in[1], attrs.ints("filterShape"), Conv(attrs))};
}

// inputs: x, filter, [bias], [preluActivationWeights] as flagged by hasBias / hasPrelu.
TORCH_KERNEL(FusedConv2D) {
  const Conv c(attrs);
  size_t next = 2;
  at::Tensor bias = attrs.flag("hasBias") ? in[next++] : at::Tensor();
  at::Tensor prelu = attrs.flag("hasPrelu") ? in[next++] : at::Tensor();
  const int64_t outChannels = c.depthwise ? in[1].size(2) * in[1].size(3) : in[1].size(3);
  const bool inside = channelBias(bias, outChannels);
  at::Tensor y = convForward(in[0], in[1], c, inside ? bias : at::Tensor());
  if (bias.defined() && !inside) y = y + bias;
  return {tk::activate(y, attrs.str("activation", "linear"), attrs.num("leakyreluAlpha", 0.2),
                       prelu.defined() ? &prelu : nullptr)};
}

TORCH_KERNEL(BatchMatMul) {
  return {matmul(in[0], in[1], attrs.flag("transposeA"), attrs.flag("transposeB"))};
}

TORCH_KERNEL(_FusedMatMul) {
  size_t next = 2;
  at::Tensor bias = attrs.flag("hasBias") ? in[next++] : at::Tensor();
  at::Tensor prelu = attrs.flag("hasPrelu") ? in[next++] : at::Tensor();
  at::Tensor y = matmul(in[0], in[1], attrs.flag("transposeA"), attrs.flag("transposeB"));
  if (bias.defined()) y = y + bias;
  return {tk::activate(y, attrs.str("activation", "linear"), attrs.num("leakyreluAlpha", 0.2),
                       prelu.defined() ? &prelu : nullptr)};
}

// ---- pooling (attrs: filter [fh, fw], strides, pads, dilations [1, 1]) ----
namespace {

struct Pool : Conv {
  std::vector<int64_t> window;
  explicit Pool(const Attrs& a) : Conv(a), window(a.ints("filter")) {}
};

// Sums over each window of the zero-padded input; with `ones` it counts the real pixels,
// which is tfjs's divisor ('same' padding averages over the pixels inside the image only).
at::Tensor windowSums(const at::Tensor& xNCHW, const Pool& p) {
  return at::avg_pool2d(padNCHW(xNCHW, p), p.window, p.strides, p.atenPadding(), false, true, 1);
}

at::Tensor windowCounts(const at::Tensor& xNCHW, const Pool& p) {
  at::Tensor ones = at::ones({1, 1, xNCHW.size(2), xNCHW.size(3)}, xNCHW.options());
  return windowSums(ones, p);
}

}  // namespace

TORCH_KERNEL(AvgPool) {
  const Pool p(attrs);
  at::Tensor xn = nchw(in[0]);
  return {nhwc(windowSums(xn, p) / windowCounts(xn, p))};
}

TORCH_KERNEL(AvgPoolGrad) {
  // inputs: dy, input. tfjs's gradient divides by the full window size even where its forward
  // pass averaged over fewer (padded) pixels; reproduced as is.
  const Pool p(attrs);
  at::Tensor xn = nchw(in[1]);
  at::Tensor scaled = nchw(in[0]) / static_cast<double>(p.window[0] * p.window[1]);
  at::Tensor padded = padNCHW(xn, p);
  at::Tensor gx = at::avg_pool2d_backward(scaled.contiguous(), padded, p.window, p.strides,
                                          p.atenPadding(), false, true, 1);
  if (!p.symmetric()) gx = gx.narrow(2, p.pads[0], xn.size(2)).narrow(3, p.pads[2], xn.size(3));
  return {nhwc(gx)};
}

namespace {
const double kNegInf = -std::numeric_limits<double>::infinity();

std::tuple<at::Tensor, at::Tensor> maxPoolWithIndices(const at::Tensor& xNCHW, const Pool& p) {
  // Padding with -inf keeps padded cells out of every max, like tfjs's window scan.
  at::Tensor padded = p.symmetric() && p.pads[0] == 0 && p.pads[2] == 0
                          ? xNCHW
                          : at::constant_pad_nd(xNCHW, {p.pads[2], p.pads[3], p.pads[0], p.pads[1]},
                                                kNegInf);
  return at::max_pool2d_with_indices(padded, p.window, p.strides, {0, 0}, {1, 1}, false);
}
}  // namespace

TORCH_KERNEL(MaxPool) {
  const Pool p(attrs);
  return {nhwc(std::get<0>(maxPoolWithIndices(nchw(in[0]), p)))};
}

TORCH_KERNEL(MaxPoolGrad) {
  // inputs: dy, input, output. Ties go to the first maximum in row-major window order, in both
  // ATen and tfjs.
  const Pool p(attrs);
  at::Tensor xn = nchw(in[1]);
  at::Tensor padded = at::constant_pad_nd(xn, {p.pads[2], p.pads[3], p.pads[0], p.pads[1]},
                                          kNegInf);
  auto pooled = at::max_pool2d_with_indices(padded, p.window, p.strides, {0, 0}, {1, 1}, false);
  at::Tensor gx = at::max_pool2d_with_indices_backward(
      nchw(in[0]).contiguous(), padded, p.window, p.strides, {0, 0}, {1, 1}, false,
      std::get<1>(pooled));
  gx = gx.narrow(2, p.pads[0], xn.size(2)).narrow(3, p.pads[2], xn.size(3));
  return {nhwc(gx)};
}

// ---- resizing, with tfjs's coordinate rules reproduced index by index ----
namespace {

double resizeRatio(int64_t oldSize, int64_t newSize, bool alignCorners) {
  const bool align = alignCorners && newSize > 1;
  return static_cast<double>(align ? oldSize - 1 : oldSize) /
         static_cast<double>(align ? newSize - 1 : newSize);
}

struct Taps {
  at::Tensor low, high, frac;  // frac has the same shape as low, float32
};

Taps bilinearTaps(int64_t oldSize, int64_t newSize, bool alignCorners, bool halfPixel) {
  const double ratio = resizeRatio(oldSize, newSize, alignCorners);
  std::vector<int64_t> low(newSize), high(newSize);
  std::vector<float> frac(newSize);
  for (int64_t i = 0; i < newSize; i++) {
    const double src = halfPixel ? ratio * (i + 0.5) - 0.5 : ratio * i;
    const int64_t lo = std::max<int64_t>(0, static_cast<int64_t>(std::floor(src)));
    low[i] = lo;
    high[i] = std::min<int64_t>(oldSize - 1, static_cast<int64_t>(std::ceil(src)));
    frac[i] = static_cast<float>(src - lo);
  }
  return {at::tensor(low, at::kLong), at::tensor(high, at::kLong), at::tensor(frac, at::kFloat)};
}

// The gradient taps tfjs uses: computed without half-pixel centres and with the output size
// as the denominator (its ResizeBilinearGrad takes alignCorners only).
Taps bilinearGradTaps(int64_t oldSize, int64_t newSize, bool alignCorners) {
  const double ratio = resizeRatio(oldSize, newSize, alignCorners);
  std::vector<int64_t> low(newSize), high(newSize);
  std::vector<float> frac(newSize);
  for (int64_t i = 0; i < newSize; i++) {
    const double src = ratio * i;
    const int64_t lo = static_cast<int64_t>(std::floor(src));
    low[i] = lo;
    high[i] = std::min<int64_t>(static_cast<int64_t>(std::ceil(src)), oldSize - 1);
    frac[i] = static_cast<float>(src - lo);
  }
  return {at::tensor(low, at::kLong), at::tensor(high, at::kLong), at::tensor(frac, at::kFloat)};
}

}  // namespace

TORCH_KERNEL(ResizeBilinear) {
  at::Tensor x = in[0].is_floating_point() ? in[0] : in[0].to(at::kFloat);
  const auto size = attrs.ints("size");
  const bool align = attrs.flag("alignCorners"), half = attrs.flag("halfPixelCenters");
  Taps rows = bilinearTaps(x.size(1), size[0], align, half);
  Taps cols = bilinearTaps(x.size(2), size[1], align, half);
  at::Tensor cf = cols.frac.view({1, 1, -1, 1});
  auto lerpCols = [&](const at::Tensor& r) {
    at::Tensor left = r.index_select(2, cols.low), right = r.index_select(2, cols.high);
    return left + (right - left) * cf;
  };
  at::Tensor top = lerpCols(x.index_select(1, rows.low));
  at::Tensor bottom = lerpCols(x.index_select(1, rows.high));
  return {top + (bottom - top) * rows.frac.view({1, -1, 1, 1})};
}

TORCH_KERNEL(ResizeBilinearGrad) {
  // inputs: images, dy.
  const at::Tensor& images = in[0];
  const at::Tensor& dy = in[1];
  const bool align = attrs.flag("alignCorners");
  const int64_t b = images.size(0), xh = images.size(1), xw = images.size(2), d = images.size(3);
  const int64_t yh = dy.size(1);
  Taps rows = bilinearGradTaps(xh, yh, align);
  Taps cols = bilinearGradTaps(xw, dy.size(2), align);
  at::Tensor cf = cols.frac.view({1, 1, -1, 1});
  at::Tensor byCol = at::zeros({b, yh, xw, d}, dy.options());
  byCol.index_add_(2, cols.low, dy * (1 - cf));
  byCol.index_add_(2, cols.high, dy * cf);
  at::Tensor rf = rows.frac.view({1, -1, 1, 1});
  at::Tensor out = at::zeros({b, xh, xw, d}, dy.options());
  out.index_add_(1, rows.low, byCol * (1 - rf));
  out.index_add_(1, rows.high, byCol * rf);
  return {out};
}

namespace {

// The source pixel of each output pixel along one axis, as tfjs's nearest-neighbour resize
// picks it.
at::Tensor nearestTaps(int64_t oldSize, int64_t newSize, bool align, bool half) {
  const double ratio = resizeRatio(oldSize, newSize, align);
  std::vector<int64_t> idx(newSize);
  for (int64_t i = 0; i < newSize; i++) {
    const double src = half ? ratio * (i + 0.5) : ratio * i;
    // Math.round rounds halves up, which floor(src + 0.5) reproduces.
    int64_t j = static_cast<int64_t>(align ? std::floor(src + 0.5) : std::floor(src));
    j = std::min<int64_t>(oldSize - 1, j);
    if (half) j = std::max<int64_t>(0, j);
    idx[i] = j;
  }
  return at::tensor(idx, at::kLong);
}

}  // namespace

TORCH_KERNEL(ResizeNearestNeighbor) {
  const at::Tensor& x = in[0];
  const auto size = attrs.ints("size");
  const bool align = attrs.flag("alignCorners"), half = attrs.flag("halfPixelCenters");
  return {x.index_select(1, nearestTaps(x.size(1), size[0], align, half))
              .index_select(2, nearestTaps(x.size(2), size[1], align, half))};
}

// The adjoint of the two index_selects above: every output pixel's gradient is added to its
// source pixel, columns first, then rows. inputs: images [b, h, w, c], dy [b, h', w', c].
TORCH_KERNEL(ResizeNearestNeighborGrad) {
  const at::Tensor& x = in[0];
  const at::Tensor& dy = in[1];
  const bool align = attrs.flag("alignCorners"), half = attrs.flag("halfPixelCenters");
  const int64_t b = x.size(0), h = x.size(1), w = x.size(2), c = x.size(3);
  const at::Tensor rows = nearestTaps(h, dy.size(1), align, half);
  const at::Tensor cols = nearestTaps(w, dy.size(2), align, half);
  at::Tensor byColumn = at::zeros({b, dy.size(1), w, c}, dy.options()).index_add_(2, cols, dy);
  return {at::zeros({b, h, w, c}, dy.options()).index_add_(1, rows, byColumn)};
}
