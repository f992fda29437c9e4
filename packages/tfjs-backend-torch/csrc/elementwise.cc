// Element-wise kernels. ATen broadcasts like tfjs (numpy rules). Where tfjs's cpu backend
// computes in double and stores the result (int32 division, pow, floor division), so do we.
#include <ATen/ATen.h>

#include <cmath>
#include <limits>

#include "kernel_registry.h"

namespace tk {

at::Tensor toInt32Like(const at::Tensor& x) {
  at::Tensor d = x.to(at::kDouble).trunc();
  d = at::where(at::isfinite(d), d, at::zeros({}, d.options()));
  // Wrap modulo 2^32 into the signed range, as ToInt32 does.
  const double two32 = 4294967296.0;
  d = d - at::floor(d / two32) * two32;
  d = at::where(d >= 2147483648.0, d - two32, d);
  return d.to(at::kInt);
}

std::vector<int64_t> axes(const std::vector<int64_t>& raw, int64_t rank) {
  std::vector<int64_t> out;
  out.reserve(raw.size());
  for (int64_t a : raw) out.push_back(a < 0 ? a + rank : a);
  return out;
}

at::Tensor leakyRelu(const at::Tensor& x, double alpha) {
  if (x.is_floating_point()) return at::leaky_relu(x, alpha);
  return toInt32Like(at::where(x < 0, x.to(at::kDouble) * alpha, x.to(at::kDouble)));
}

at::Tensor prelu(const at::Tensor& x, const at::Tensor& alpha) {
  return at::where(x < 0, x * alpha, x);
}

at::Tensor activate(const at::Tensor& x, const std::string& activation, double alpha,
                    const at::Tensor* preluWeights) {
  if (activation == "linear" || activation.empty()) return x;
  if (activation == "relu") return at::relu(x);
  if (activation == "relu6") return at::clamp(x, 0, 6);
  if (activation == "elu") return at::elu(x);
  if (activation == "sigmoid") return at::sigmoid(x);
  if (activation == "leakyrelu") return leakyRelu(x, alpha);
  if (activation == "prelu") {
    if (preluWeights == nullptr) throw std::runtime_error("prelu activation without weights");
    return tk::prelu(x, *preluWeights);
  }
  throw std::runtime_error("unknown activation " + activation);
}

}  // namespace tk

namespace {

at::Tensor scalarLike(double v, const at::Tensor& like) { return at::full({}, v, like.options()); }

at::Tensor promote(const at::Tensor& x, at::ScalarType t) {
  return x.scalar_type() == t ? x : x.to(t);
}

// tfjs's binary kernels output the upcast of both dtypes (bool < int32 < float32).
at::ScalarType upcast(const at::Tensor& a, const at::Tensor& b) {
  if (a.is_floating_point() || b.is_floating_point()) return at::kFloat;
  if (a.scalar_type() == at::kInt || b.scalar_type() == at::kInt) return at::kInt;
  return at::kBool;
}

bool bothIntegral(const at::Tensor& a, const at::Tensor& b) {
  return !a.is_floating_point() && !b.is_floating_point();
}

}  // namespace

using tk::floatMath;
using tk::toInt32Like;

// ---- binary arithmetic ----
TORCH_KERNEL(Add) {
  if (upcast(in[0], in[1]) == at::kBool) return {at::logical_or(in[0], in[1])};
  return {at::add(in[0], in[1])};
}
TORCH_KERNEL(Sub) { return {at::sub(in[0], in[1])}; }
TORCH_KERNEL(Multiply) {
  if (upcast(in[0], in[1]) == at::kBool) return {at::logical_and(in[0], in[1])};
  return {at::mul(in[0], in[1])};
}
TORCH_KERNEL(RealDiv) {
  if (bothIntegral(in[0], in[1])) {
    return {toInt32Like(at::div(in[0].to(at::kDouble), in[1].to(at::kDouble)))};
  }
  return {at::div(in[0], in[1])};
}
TORCH_KERNEL(FloorDiv) {
  // floor(a / b) with the quotient formed in double, as tfjs does; ATen's floor_divide uses a
  // remainder-corrected formula that can differ by one near integers.
  // tfjs's FloorDiv outputs int32 whatever its inputs.
  return {toInt32Like(at::floor(at::div(in[0].to(at::kDouble), in[1].to(at::kDouble))))};
}
TORCH_KERNEL(Maximum) { return {at::maximum(in[0], in[1])}; }
TORCH_KERNEL(Minimum) { return {at::minimum(in[0], in[1])}; }
TORCH_KERNEL(Pow) {
  if (bothIntegral(in[0], in[1])) {
    return {toInt32Like(at::pow(in[0].to(at::kDouble), in[1].to(at::kDouble)))};
  }
  return {at::pow(promote(in[0], at::kFloat), promote(in[1], at::kFloat))};
}
TORCH_KERNEL(SquaredDifference) {
  at::Tensor d = at::sub(in[0], in[1]);
  return {at::mul(d, d)};
}
TORCH_KERNEL(Mod) {
  // tfjs: the remainder takes the divisor's sign (Python semantics), which is ATen's remainder.
  if (bothIntegral(in[0], in[1])) {
    at::Tensor a = in[0].to(at::kDouble), b = in[1].to(at::kDouble);
    return {toInt32Like(at::remainder(a, b))};
  }
  return {at::remainder(in[0], in[1])};
}
TORCH_KERNEL(Atan2) {
  if (bothIntegral(in[0], in[1])) {
    return {toInt32Like(at::atan2(in[0].to(at::kDouble), in[1].to(at::kDouble)))};
  }
  return {at::atan2(in[0], in[1])};
}

TORCH_KERNEL(Prelu) { return {tk::prelu(in[0], in[1])}; }

// ---- comparisons and logic ----
TORCH_KERNEL(Equal) { return {at::eq(in[0], in[1])}; }
TORCH_KERNEL(NotEqual) { return {at::ne(in[0], in[1])}; }
TORCH_KERNEL(Greater) { return {at::gt(in[0], in[1])}; }
TORCH_KERNEL(GreaterEqual) { return {at::ge(in[0], in[1])}; }
TORCH_KERNEL(Less) { return {at::lt(in[0], in[1])}; }
TORCH_KERNEL(LessEqual) { return {at::le(in[0], in[1])}; }
TORCH_KERNEL(LogicalAnd) { return {at::logical_and(in[0], in[1])}; }
TORCH_KERNEL(LogicalOr) { return {at::logical_or(in[0], in[1])}; }
TORCH_KERNEL(LogicalNot) { return {at::logical_not(in[0])}; }
TORCH_KERNEL(IsNan) { return {at::isnan(in[0])}; }
TORCH_KERNEL(IsInf) { return {at::isinf(in[0])}; }
TORCH_KERNEL(IsFinite) { return {at::isfinite(in[0])}; }

// ---- unary ----
TORCH_KERNEL(Neg) { return {at::neg(in[0])}; }
TORCH_KERNEL(Abs) { return {at::abs(in[0])}; }
TORCH_KERNEL(Exp) {
  // The one unary kernel whose output is float32 whatever the input.
  return {at::exp(promote(in[0], at::kFloat))};
}
TORCH_KERNEL(Expm1) { return {floatMath(in[0], [](const at::Tensor& x) { return at::expm1(x); })}; }
TORCH_KERNEL(Log) { return {floatMath(in[0], [](const at::Tensor& x) { return at::log(x); })}; }
TORCH_KERNEL(Log1p) { return {floatMath(in[0], [](const at::Tensor& x) { return at::log1p(x); })}; }
TORCH_KERNEL(Sqrt) { return {floatMath(in[0], [](const at::Tensor& x) { return at::sqrt(x); })}; }
TORCH_KERNEL(Rsqrt) { return {floatMath(in[0], [](const at::Tensor& x) { return at::rsqrt(x); })}; }
TORCH_KERNEL(Square) { return {at::mul(in[0], in[0])}; }
TORCH_KERNEL(Tanh) { return {floatMath(in[0], [](const at::Tensor& x) { return at::tanh(x); })}; }
TORCH_KERNEL(Sin) { return {floatMath(in[0], [](const at::Tensor& x) { return at::sin(x); })}; }
TORCH_KERNEL(Cos) { return {floatMath(in[0], [](const at::Tensor& x) { return at::cos(x); })}; }
TORCH_KERNEL(Erf) { return {floatMath(in[0], [](const at::Tensor& x) { return at::erf(x); })}; }
TORCH_KERNEL(Reciprocal) {
  return {floatMath(in[0], [](const at::Tensor& x) { return at::reciprocal(x); })};
}
TORCH_KERNEL(Sigmoid) {
  return {floatMath(in[0], [](const at::Tensor& x) { return at::sigmoid(x); })};
}
TORCH_KERNEL(Softplus) {
  // tfjs's piecewise form: x above -log(eps)-2, exp(x) below log(eps)+2, log1p(exp(x)) between.
  const double threshold = std::log(1.1920928955078125e-7) + 2.0;
  return {floatMath(in[0], [threshold](const at::Tensor& x) {
    return at::where(x > -threshold, x, at::where(x < threshold, at::exp(x), at::log1p(at::exp(x))));
  })};
}
TORCH_KERNEL(Relu) {
  // clamp_min keeps NaN, like tfjs's comparison-based relu.
  return {in[0].scalar_type() == at::kBool ? in[0] : at::clamp_min(in[0], 0)};
}
TORCH_KERNEL(Relu6) { return {at::clamp(in[0], 0, 6)}; }
TORCH_KERNEL(Elu) {
  return {floatMath(in[0], [](const at::Tensor& x) { return at::elu(x); })};
}
TORCH_KERNEL(Selu) {
  return {floatMath(in[0], [](const at::Tensor& x) { return at::selu(x); })};
}
TORCH_KERNEL(LeakyRelu) { return {tk::leakyRelu(in[0], attrs.num("alpha"))}; }
TORCH_KERNEL(Step) {
  const double alpha = attrs.num("alpha", 0.0);
  const at::Tensor& x = in[0];
  at::Tensor xf = x.is_floating_point() ? x : x.to(at::kFloat);
  at::Tensor y = at::where(xf > 0, scalarLike(1.0, xf), scalarLike(alpha, xf));
  y = at::where(at::isnan(xf), xf, y);
  return {x.is_floating_point() ? y : toInt32Like(y)};
}
TORCH_KERNEL(Sign) {
  // tfjs maps NaN to 0.
  const at::Tensor& x = in[0];
  if (!x.is_floating_point()) return {at::sign(x)};
  return {at::where(at::isnan(x), at::zeros({}, x.options()), at::sign(x))};
}
TORCH_KERNEL(Floor) { return {in[0].is_floating_point() ? at::floor(in[0]) : in[0]}; }
TORCH_KERNEL(Ceil) { return {in[0].is_floating_point() ? at::ceil(in[0]) : in[0]}; }
TORCH_KERNEL(Round) {
  // Half to even, as tfjs's Round (and ATen's) does.
  return {in[0].is_floating_point() ? at::round(in[0]) : in[0]};
}
TORCH_KERNEL(ClipByValue) {
  const double lo = attrs.num("clipValueMin"), hi = attrs.num("clipValueMax");
  const at::Tensor& x = in[0];
  if (x.is_floating_point()) return {at::clamp(x, lo, hi)};
  return {toInt32Like(at::clamp(x.to(at::kDouble), lo, hi))};
}

// LeakyRelu's gradient in one pass (ATen's fused kernel) instead of Greater + Select + Mul.
// inputs: dy, x. Matches tfjs: dy where x > 0, else alpha * dy.
TORCH_KERNEL(TorchLeakyReluGrad) {
  const double alpha = attrs.num("alpha");
  const at::Tensor& dy = in[0];
  const at::Tensor& x = in[1];
  if (dy.is_floating_point() && x.scalar_type() == dy.scalar_type()) {
    return {at::leaky_relu_backward(dy, x, alpha, false)};
  }
  return {at::where(x > 0, dy, dy * alpha)};
}

// ---- selection, casts, constants ----
TORCH_KERNEL(Select) {
  at::Tensor cond = in[0].to(at::kBool);
  const at::Tensor& t = in[1];
  const at::Tensor& e = in[2];
  // tfjs: a rank-1 condition picks whole rows of higher-rank operands.
  if (cond.dim() == 1 && t.dim() > 1) {
    std::vector<int64_t> shape(t.dim(), 1);
    shape[0] = cond.size(0);
    cond = cond.reshape(shape);
  }
  at::ScalarType type = upcast(t, e);
  return {at::where(cond, promote(t, type), promote(e, type))};
}

TORCH_KERNEL(Cast) {
  const std::string dtype = attrs.str("dtype");
  const at::Tensor& x = in[0];
  if (dtype == "float32") return {promote(x, at::kFloat)};
  if (dtype == "bool") return {x.ne(0)};
  if (dtype == "int32") {
    if (x.is_floating_point()) return {toInt32Like(x)};
    return {promote(x, at::kInt)};
  }
  throw std::runtime_error("cannot cast to " + dtype);
}

at::ScalarType dtypeFromName(const std::string& name) {
  if (name == "float32") return at::kFloat;
  if (name == "int32") return at::kInt;
  if (name == "bool") return at::kBool;
  throw std::runtime_error("unsupported dtype " + name);
}

TORCH_KERNEL(Fill) {
  const at::ScalarType type = dtypeFromName(attrs.str("dtype", "float32"));
  double value = attrs.num("value");
  if (type == at::kInt) value = std::trunc(value);
  return {at::full(attrs.ints("shape"), value, at::TensorOptions().dtype(type))};
}
TORCH_KERNEL(ZerosLike) { return {at::zeros_like(in[0], at::MemoryFormat::Contiguous)}; }
TORCH_KERNEL(OnesLike) { return {at::ones_like(in[0], at::MemoryFormat::Contiguous)}; }
TORCH_KERNEL(Identity) { return {in[0]}; }

TORCH_KERNEL(AddN) {
  at::Tensor sum = in[0];
  for (size_t i = 1; i < in.size(); i++) sum = at::add(sum, in[i]);
  if (in.size() == 1) sum = sum.clone();
  return {sum};
}

TORCH_KERNEL(OneHot) {
  const int64_t depth = attrs.i64("depth");
  const at::ScalarType type = dtypeFromName(attrs.str("dtype", "int32"));
  at::Tensor idx = in[0].to(at::kLong).unsqueeze(-1);
  at::Tensor hot = at::eq(idx, at::arange(depth, at::kLong));
  at::Tensor on = at::full({}, attrs.num("onValue", 1), at::TensorOptions().dtype(type));
  at::Tensor off = at::full({}, attrs.num("offValue", 0), at::TensorOptions().dtype(type));
  return {at::where(hot, on, off)};
}

// The normalisation of a batch with moments given: offset + (x - mean) * scale / sqrt(var + eps).
// tfjs cycles each parameter over x's flat index, which is broadcasting when the parameter's
// shape is a suffix of x's; other shapes are tiled to reproduce the cycling.
at::Tensor cycled(const at::Tensor& p, const at::Tensor& x) {
  std::vector<int64_t> shape(p.sizes().begin(), p.sizes().end());
  while (!shape.empty() && shape.front() == 1) shape.erase(shape.begin());
  const auto xs = x.sizes();
  bool suffix = shape.size() <= xs.size();
  for (size_t i = 0; suffix && i < shape.size(); i++) {
    suffix = shape[shape.size() - 1 - i] == xs[xs.size() - 1 - i];
  }
  if (suffix) return p.reshape(shape);
  const int64_t n = x.numel(), pn = p.numel();
  if (pn == 0 || n % pn != 0) throw std::runtime_error("parameter size does not divide x's size");
  return p.reshape({pn}).repeat({n / pn}).reshape(x.sizes());
}

TORCH_KERNEL(FusedBatchNorm) {
  const at::Tensor& x = in[0];
  const double eps = attrs.num("varianceEpsilon");
  at::Tensor mean = cycled(in[1], x);
  at::Tensor inv = at::rsqrt(cycled(in[2], x) + eps);
  const bool hasOffset = attrs.flag("hasOffset");
  const bool hasScale = attrs.flag("hasScale");
  size_t next = 3;
  at::Tensor offset = hasOffset ? cycled(in[next++], x) : at::Tensor();
  if (hasScale) inv = inv * cycled(in[next++], x);
  at::Tensor y = (x - mean) * inv;
  if (hasOffset) y = y + offset;
  return {y};
}
