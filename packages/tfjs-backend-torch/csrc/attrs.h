// Kernel attributes as plain JS values. The TypeScript side normalises every attribute (padding
// resolved to explicit pads, negative axes made positive) so the C++ side only reads numbers.
#pragma once

#include <napi.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

class Attrs {
 public:
  explicit Attrs(Napi::Value value)
      : object_(value.IsObject() ? value.As<Napi::Object>() : Napi::Object()) {}

  bool has(const char* key) const {
    if (object_.IsEmpty()) return false;
    Napi::Value v = object_.Get(key);
    return !v.IsUndefined() && !v.IsNull();
  }

  double num(const char* key) const { return get(key).As<Napi::Number>().DoubleValue(); }
  double num(const char* key, double fallback) const { return has(key) ? num(key) : fallback; }
  int64_t i64(const char* key) const { return get(key).As<Napi::Number>().Int64Value(); }
  int64_t i64(const char* key, int64_t fallback) const { return has(key) ? i64(key) : fallback; }
  bool flag(const char* key) const { return has(key) && get(key).ToBoolean().Value(); }
  std::string str(const char* key) const { return get(key).As<Napi::String>().Utf8Value(); }
  std::string str(const char* key, const std::string& fallback) const {
    return has(key) ? str(key) : fallback;
  }

  std::vector<int64_t> ints(const char* key) const {
    Napi::Value v = get(key);
    if (!v.IsArray()) throw std::runtime_error(std::string("attribute ") + key + " is not an array");
    Napi::Array a = v.As<Napi::Array>();
    std::vector<int64_t> out(a.Length());
    for (uint32_t i = 0; i < a.Length(); i++) {
      out[i] = a.Get(i).As<Napi::Number>().Int64Value();
    }
    return out;
  }

  std::vector<double> nums(const char* key) const {
    Napi::Array a = get(key).As<Napi::Array>();
    std::vector<double> out(a.Length());
    for (uint32_t i = 0; i < a.Length(); i++) out[i] = a.Get(i).As<Napi::Number>().DoubleValue();
    return out;
  }

 private:
  Napi::Value get(const char* key) const {
    if (!has(key)) throw std::runtime_error(std::string("missing attribute ") + key);
    return object_.Get(key);
  }

  Napi::Object object_;
};
