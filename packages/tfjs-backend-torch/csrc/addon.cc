// N-API entry points. Every entry catches C++ exceptions (c10::Error included) and rethrows
// them as JavaScript errors naming the operation, so nothing unwinds through N-API.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <dlfcn.h>
#include <napi.h>

#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "kernel_registry.h"
#include "tensor_table.h"

std::vector<KernelEntry>& kernelTable() {
  static std::vector<KernelEntry> table;
  return table;
}

namespace {

TensorTable& table() {
  static TensorTable t;
  return t;
}

// Output metadata goes through one buffer owned by C++ (stable address): per output
// [handle, dtype, rank, dims...], preceded by the output count.
constexpr size_t kMetaInts = 8192;
int32_t* gMeta = nullptr;

bool gOpenblasSingleThreaded = false;

// OpenBLAS's own thread pool competes with ATen's OpenMP pool for the same cores; with both
// active a GEMM inside a parallel ATen region oversubscribes the machine. ATen parallelises
// around BLAS calls already, so OpenBLAS is pinned to one thread when it is the loaded BLAS.
void pinOpenblasThreads() {
  using SetThreads = void (*)(int);
  auto fn = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  if (fn != nullptr) {
    fn(1);
    gOpenblasSingleThreaded = true;
  }
}

int32_t dtypeCode(at::ScalarType t) {
  switch (t) {
    case at::kFloat: return 0;
    case at::kInt: return 1;
    case at::kBool: return 2;
    default: throw std::runtime_error(std::string("unsupported output dtype ") + c10::toString(t));
  }
}

at::ScalarType scalarType(int32_t code) {
  switch (code) {
    case 0: return at::kFloat;
    case 1: return at::kInt;
    case 2: return at::kBool;
    default: throw std::runtime_error("unknown dtype code " + std::to_string(code));
  }
}

// Kernels may compute in int64 or float64 (ATen's index and reduction defaults); tfjs knows
// only float32, int32 and bool.
at::Tensor normaliseDtype(const at::Tensor& t) {
  switch (t.scalar_type()) {
    case at::kFloat:
    case at::kInt:
    case at::kBool: return t;
    case at::kLong: return t.to(at::kInt);
    case at::kDouble: return t.to(at::kFloat);
    default: return t.to(at::kFloat);
  }
}

std::vector<int64_t> readShape(const Napi::Value& v) {
  Napi::Array a = v.As<Napi::Array>();
  std::vector<int64_t> shape(a.Length());
  for (uint32_t i = 0; i < a.Length(); i++) shape[i] = a.Get(i).As<Napi::Number>().Int64Value();
  return shape;
}

template <typename Fn>
Napi::Value guarded(const Napi::CallbackInfo& info, const std::string& what, Fn fn) {
  Napi::Env env = info.Env();
  try {
    return fn();
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::Error& e) {
    throw Napi::Error::New(env, what + ": " + e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, what + ": " + e.what());
  } catch (...) {
    throw Napi::Error::New(env, what + ": unknown native error");
  }
}

Napi::Value KernelNames(const Napi::CallbackInfo& info) {
  auto& kernels = kernelTable();
  Napi::Array names = Napi::Array::New(info.Env(), kernels.size());
  for (uint32_t i = 0; i < kernels.size(); i++) names.Set(i, kernels[i].name);
  return names;
}

Napi::Value MetaBuffer(const Napi::CallbackInfo& info) {
  static std::vector<int32_t> storage(kMetaInts);
  gMeta = storage.data();
  auto buffer = Napi::ArrayBuffer::New(info.Env(), storage.data(), kMetaInts * sizeof(int32_t));
  return Napi::Int32Array::New(info.Env(), kMetaInts, buffer, 0);
}

// run(kernelId, inputHandles, attrs) -> number of outputs; metadata in the meta buffer.
Napi::Value Run(const Napi::CallbackInfo& info) {
  const uint32_t id = info[0].As<Napi::Number>().Uint32Value();
  auto& kernels = kernelTable();
  const std::string name = id < kernels.size() ? kernels[id].name : "kernel#" + std::to_string(id);
  return guarded(info, name, [&]() -> Napi::Value {
    if (id >= kernels.size()) throw std::runtime_error("no such native kernel");
    if (gMeta == nullptr) throw std::runtime_error("metaBuffer() was not called");
    Napi::Array handles = info[1].As<Napi::Array>();
    Tensors inputs;
    inputs.reserve(handles.Length());
    for (uint32_t i = 0; i < handles.Length(); i++) {
      inputs.push_back(table().get(handles.Get(i).As<Napi::Number>().Int32Value()));
    }
    Attrs attrs(info.Length() > 2 ? info[2] : info.Env().Undefined());
    Tensors outputs = kernels[id].fn(inputs, attrs);
    // Check capacity before allocating handles so a failure leaks nothing.
    size_t need = 1;
    for (auto& t : outputs) need += 3 + static_cast<size_t>(t.dim());
    if (need > kMetaInts) throw std::runtime_error("too many outputs for the metadata buffer");
    size_t pos = 0;
    gMeta[pos++] = static_cast<int32_t>(outputs.size());
    std::vector<at::Tensor> normalised;
    normalised.reserve(outputs.size());
    for (auto& t : outputs) normalised.push_back(normaliseDtype(t));
    for (auto& t : normalised) {
      const int32_t code = dtypeCode(t.scalar_type());
      gMeta[pos++] = table().add(t);
      gMeta[pos++] = code;
      gMeta[pos++] = static_cast<int32_t>(t.dim());
      for (int64_t d : t.sizes()) gMeta[pos++] = static_cast<int32_t>(d);
    }
    return Napi::Number::New(info.Env(), static_cast<double>(outputs.size()));
  });
}

// write(typedArray, dtypeCode, shape) -> handle. The values are copied: JavaScript may reuse
// its buffer, and tensors must not depend on the garbage collector.
Napi::Value Write(const Napi::CallbackInfo& info) {
  return guarded(info, "write", [&]() -> Napi::Value {
    Napi::TypedArray array = info[0].As<Napi::TypedArray>();
    const at::ScalarType type = scalarType(info[1].As<Napi::Number>().Int32Value());
    const std::vector<int64_t> shape = readShape(info[2]);
    at::Tensor t = at::empty(shape, at::TensorOptions().dtype(type));
    const size_t bytes = static_cast<size_t>(t.numel()) * t.element_size();
    if (array.ByteLength() != bytes) {
      throw std::runtime_error("expected " + std::to_string(bytes) + " bytes of values, got " +
                               std::to_string(array.ByteLength()));
    }
    if (bytes > 0) {
      const uint8_t* src = static_cast<const uint8_t*>(array.ArrayBuffer().Data()) +
                           array.ByteOffset();
      if (type == at::kBool) {
        // tfjs keeps bools as bytes that may hold any non-zero value.
        bool* dst = t.data_ptr<bool>();
        for (size_t i = 0; i < bytes; i++) dst[i] = src[i] != 0;
      } else {
        std::memcpy(t.data_ptr(), src, bytes);
      }
    }
    return Napi::Number::New(info.Env(), table().add(t));
  });
}

// read(handle) -> ArrayBuffer holding the values in row-major order.
Napi::Value Read(const Napi::CallbackInfo& info) {
  return guarded(info, "read", [&]() -> Napi::Value {
    at::Tensor t = table().get(info[0].As<Napi::Number>().Int32Value()).contiguous();
    const size_t bytes = static_cast<size_t>(t.numel()) * t.element_size();
    Napi::ArrayBuffer out = Napi::ArrayBuffer::New(info.Env(), bytes);
    if (bytes > 0) std::memcpy(out.Data(), t.data_ptr(), bytes);
    return out;
  });
}

Napi::Value Free(const Napi::CallbackInfo& info) {
  return guarded(info, "free", [&]() -> Napi::Value {
    table().remove(info[0].As<Napi::Number>().Int32Value());
    return info.Env().Undefined();
  });
}

Napi::Value LiveCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(table().live()));
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  return guarded(info, "setTorchThreads", [&]() -> Napi::Value {
    const int n = info[0].As<Napi::Number>().Int32Value();
    if (n < 1) throw std::runtime_error("expected a thread count >= 1, got " + std::to_string(n));
    at::set_num_threads(n);
    return info.Env().Undefined();
  });
}

Napi::Value GetThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), at::get_num_threads());
}

// symmetricEigen(values: Float64Array, n) -> {eigenvalues, eigenvectors}; eigenvalues ascend,
// eigenvectors is row-major n x n with eigenvector i in column i.
Napi::Value SymmetricEigen(const Napi::CallbackInfo& info) {
  return guarded(info, "symmetricEigen", [&]() -> Napi::Value {
    Napi::Float64Array values = info[0].As<Napi::Float64Array>();
    const int64_t n = info[1].As<Napi::Number>().Int64Value();
    if (n < 0 || static_cast<int64_t>(values.ElementLength()) != n * n) {
      throw std::runtime_error("expected n*n = " + std::to_string(n * n) + " values, got " +
                               std::to_string(values.ElementLength()));
    }
    at::Tensor m = at::empty({n, n}, at::kDouble);
    if (n > 0) std::memcpy(m.data_ptr<double>(), values.Data(), n * n * sizeof(double));
    auto result = at::linalg_eigh(m);
    at::Tensor w = std::get<0>(result).contiguous();
    at::Tensor v = std::get<1>(result).contiguous();
    Napi::Float64Array outW = Napi::Float64Array::New(info.Env(), n);
    Napi::Float64Array outV = Napi::Float64Array::New(info.Env(), n * n);
    if (n > 0) {
      std::memcpy(outW.Data(), w.data_ptr<double>(), n * sizeof(double));
      std::memcpy(outV.Data(), v.data_ptr<double>(), n * n * sizeof(double));
    }
    Napi::Object out = Napi::Object::New(info.Env());
    out.Set("eigenvalues", outW);
    out.Set("eigenvectors", outV);
    return out;
  });
}

// A [rows, cols] float64 view of a Float64Array, copied into a tensor ATen owns.
at::Tensor float64Matrix(const Napi::Value& value, int64_t rows, int64_t cols, const char* name) {
  Napi::Float64Array array = value.As<Napi::Float64Array>();
  if (rows < 0 || cols < 0 || static_cast<int64_t>(array.ElementLength()) < rows * cols) {
    throw std::runtime_error(std::string("expected ") + name + " of " +
                             std::to_string(rows * cols) + " values, got " +
                             std::to_string(array.ElementLength()));
  }
  at::Tensor m = at::empty({rows, cols}, at::kDouble);
  if (rows * cols > 0) std::memcpy(m.data_ptr<double>(), array.Data(), rows * cols * sizeof(double));
  return m;
}

Napi::Float64Array toFloat64Array(Napi::Env env, const at::Tensor& t) {
  at::Tensor c = t.contiguous();
  Napi::Float64Array out = Napi::Float64Array::New(env, c.numel());
  if (c.numel() > 0) std::memcpy(out.Data(), c.data_ptr<double>(), c.numel() * sizeof(double));
  return out;
}

// covariance(values: Float64Array, samples, dims) -> Float64Array [dims, dims]: the unbiased
// (n - 1) covariance of the rows, in float64 through BLAS.
Napi::Value Covariance(const Napi::CallbackInfo& info) {
  return guarded(info, "covariance", [&]() -> Napi::Value {
    const int64_t n = info[1].As<Napi::Number>().Int64Value();
    const int64_t d = info[2].As<Napi::Number>().Int64Value();
    if (n < 2) throw std::runtime_error("expected at least 2 samples, got " + std::to_string(n));
    at::Tensor x = float64Matrix(info[0], n, d, "values");
    at::Tensor centred = x - x.mean(0, true);
    return toFloat64Array(info.Env(), at::mm(centred.t(), centred).div_(static_cast<double>(n - 1)));
  });
}

// multiplyABt(a, aRows, b, bRows, depth) -> Float64Array [aRows, bRows] = A B^T in float64.
Napi::Value MultiplyABt(const Napi::CallbackInfo& info) {
  return guarded(info, "multiplyABt", [&]() -> Napi::Value {
    const int64_t aRows = info[1].As<Napi::Number>().Int64Value();
    const int64_t bRows = info[3].As<Napi::Number>().Int64Value();
    const int64_t depth = info[4].As<Napi::Number>().Int64Value();
    at::Tensor a = float64Matrix(info[0], aRows, depth, "a");
    at::Tensor b = float64Matrix(info[2], bRows, depth, "b");
    return toFloat64Array(info.Env(), at::mm(a, b.t()));
  });
}

Napi::Value BuildInfo(const Napi::CallbackInfo& info) {
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("mkldnn", at::hasMKLDNN());
  out.Set("openblasSingleThreaded", gOpenblasSingleThreaded);
  out.Set("parallel", at::get_parallel_info());
  return out;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  pinOpenblasThreads();
  exports.Set("kernelNames", Napi::Function::New(env, KernelNames));
  exports.Set("metaBuffer", Napi::Function::New(env, MetaBuffer));
  exports.Set("run", Napi::Function::New(env, Run));
  exports.Set("write", Napi::Function::New(env, Write));
  exports.Set("read", Napi::Function::New(env, Read));
  exports.Set("free", Napi::Function::New(env, Free));
  exports.Set("liveCount", Napi::Function::New(env, LiveCount));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("getThreads", Napi::Function::New(env, GetThreads));
  exports.Set("symmetricEigen", Napi::Function::New(env, SymmetricEigen));
  exports.Set("covariance", Napi::Function::New(env, Covariance));
  exports.Set("multiplyABt", Napi::Function::New(env, MultiplyABt));
  exports.Set("buildInfo", Napi::Function::New(env, BuildInfo));
  return exports;
}

}  // namespace

NODE_API_MODULE(tfjs_backend_torch, Init)
