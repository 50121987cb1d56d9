// Fused layer-norm and batch-norm kernels (forward and backward) on contiguous float32/float64
// data, with sums accumulated in double. Both are the same computation on a [outer, channels,
// inner] block: a channel's values are its `outer` runs of `inner` contiguous elements (batch norm:
// N, C, S; layer norm: 1, rows, cols). The affine weight and bias are indexed per channel (batch
// norm) or per inner position (layer norm).
#pragma once

#include <cstdint>

namespace tessera {

struct NormShape {
  int64_t outer, channels, inner;
  bool affine_per_channel;
};

// out = (x - mean) * rstd * w + b; writes out, mean, rstd (and var if not null) per channel.
template <typename T>
void norm_forward(const T* x, const T* w, const T* b, double eps, const NormShape& s, T* out, T* mean, T* rstd, T* var);

// dx = rstd * (g w - mean(g w) - xhat mean(g w xhat)); dw = sum(g xhat), db = sum(g) (each when
// not null) over the positions sharing a weight.
template <typename T>
void norm_backward(const T* g, const T* x, const T* mean, const T* rstd, const T* w, const NormShape& s, T* dx, T* dw, T* db);

}  // namespace tessera
