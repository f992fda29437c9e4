// Owns every tensor JavaScript can name. A handle is an index into a slot vector; at::Tensor's
// own refcount frees the storage when the last handle (and the last view) goes away.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

class TensorTable {
 public:
  int32_t add(at::Tensor t) {
    int32_t h;
    if (!free_.empty()) {
      h = free_.back();
      free_.pop_back();
      slots_[h] = std::move(t);
    } else {
      h = static_cast<int32_t>(slots_.size());
      slots_.push_back(std::move(t));
    }
    live_++;
    return h;
  }

  const at::Tensor& get(int32_t h) const {
    if (h < 0 || static_cast<size_t>(h) >= slots_.size() || !slots_[h].defined()) {
      throw std::runtime_error("invalid tensor handle " + std::to_string(h));
    }
    return slots_[h];
  }

  void remove(int32_t h) {
    get(h);
    slots_[h] = at::Tensor();
    free_.push_back(h);
    live_--;
  }

  size_t live() const { return live_; }

 private:
  std::vector<at::Tensor> slots_;
  std::vector<int32_t> free_;
  size_t live_ = 0;
};
