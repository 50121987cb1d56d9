// Walking several same-shaped strided arrays together (portable code only; never include this from
// an ISA-specific translation unit). Dims of size 1 are dropped and neighbouring dims merged where
// every operand's layout allows, so most calls end with one or two long rows.
#pragma once

#include <cstdint>

#include "common.h"

namespace tessera {

template <int K>
struct Plan {
  int ndim = 1;
  int64_t shape[kMaxDims] = {1};
  int64_t strides[K][kMaxDims] = {};
  char* base[K] = {};
  int64_t esize[K] = {};
  int64_t numel() const {
    int64_t n = 1;
    for (int d = 0; d < ndim; d++) n *= shape[d];
    return n;
  }
  int64_t inner() const { return shape[ndim - 1]; }
  int64_t inner_stride(int k) const { return strides[k][ndim - 1]; }
};

// `shape` (ndim dims) is shared; strides[k] and offset/base per operand. `order` lists the dims to
// walk, outermost first (nullptr: all in order).
template <int K>
Plan<K> make_plan(int ndim, const int64_t* shape, const int64_t* const* strides, const View* const* views,
                  const int* order = nullptr, int count = -1) {
  Plan<K> p;
  p.ndim = 0;
  if (count < 0) count = ndim;
  for (int i = 0; i < count; i++) {
    const int d = order != nullptr ? order[i] : i;
    const int64_t size = shape[d];
    if (size == 1) continue;
    if (p.ndim > 0) {
      bool merge = true;
      for (int k = 0; k < K; k++)
        if (p.strides[k][p.ndim - 1] != strides[k][d] * size) merge = false;
      if (merge) {
        p.shape[p.ndim - 1] *= size;
        for (int k = 0; k < K; k++) p.strides[k][p.ndim - 1] = strides[k][d];
        continue;
      }
    }
    p.shape[p.ndim] = size;
    for (int k = 0; k < K; k++) p.strides[k][p.ndim] = strides[k][d];
    p.ndim++;
  }
  if (p.ndim == 0) {
    p.ndim = 1;
    p.shape[0] = 1;
    for (int k = 0; k < K; k++) p.strides[k][0] = 1;
  }
  for (int k = 0; k < K; k++) {
    p.esize[k] = static_cast<int64_t>(dtype_size(views[k]->dtype));
    p.base[k] = views[k]->base + views[k]->offset * p.esize[k];
  }
  return p;
}

// Same-shaped views (views[0]'s shape), all dims in order.
template <int K>
Plan<K> plan_of(const View* const* views) {
  const int64_t* strides[K];
  for (int k = 0; k < K; k++) strides[k] = views[k]->strides;
  return make_plan<K>(views[0]->ndim, views[0]->shape, strides, views);
}

// Calls f(off, n) for each row piece of elements [begin, end) in row-major order: off[k] is the
// piece's first element of operand k, in elements from base[k]; it then advances by
// inner_stride(k) elements.
template <int K, typename F>
void for_offsets(const Plan<K>& p, int64_t begin, int64_t end, F&& f) {
  if (begin >= end) return;
  const int last = p.ndim - 1;
  int64_t idx[kMaxDims];
  int64_t rem = begin;
  for (int d = last; d >= 0; d--) {
    idx[d] = rem % p.shape[d];
    rem /= p.shape[d];
  }
  int64_t off[K];
  for (int k = 0; k < K; k++) {
    off[k] = 0;
    for (int d = 0; d <= last; d++) off[k] += idx[d] * p.strides[k][d];
  }
  int64_t pos = begin;
  for (;;) {
    const int64_t left = p.shape[last] - idx[last];
    const int64_t n = left < end - pos ? left : end - pos;
    f(static_cast<const int64_t*>(off), n);
    pos += n;
    if (pos >= end) return;
    idx[last] += n;
    for (int k = 0; k < K; k++) off[k] += n * p.strides[k][last];
    for (int d = last; d > 0 && idx[d] == p.shape[d]; d--) {
      for (int k = 0; k < K; k++) off[k] += p.strides[k][d - 1] - idx[d] * p.strides[k][d];
      idx[d] = 0;
      idx[d - 1]++;
    }
  }
}

// Calls f(ptrs, n) for each row piece of elements [begin, end) in row-major order: ptrs[k] points
// at the piece's first element of operand k, which then advances by inner_stride(k) elements.
template <int K, typename F>
void for_rows(const Plan<K>& p, int64_t begin, int64_t end, F&& f) {
  for_offsets(p, begin, end, [&](const int64_t* off, int64_t n) {
    char* ptrs[K];
    for (int k = 0; k < K; k++) ptrs[k] = p.base[k] + off[k] * p.esize[k];
    f(static_cast<char* const*>(ptrs), n);
  });
}

// Contiguous row-major strides for `shape`.
inline void contiguous_strides(int ndim, const int64_t* shape, int64_t* strides) {
  int64_t s = 1;
  for (int d = ndim - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
}

// A contiguous output view over `data` shaped like `like`.
inline View contiguous_like(const View& like, void* data, DType dtype) {
  View v;
  v.base = static_cast<char*>(data);
  v.dtype = dtype;
  v.ndim = like.ndim;
  for (int d = 0; d < like.ndim; d++) v.shape[d] = like.shape[d];
  contiguous_strides(v.ndim, v.shape, v.strides);
  v.offset = 0;
  return v;
}

}  // namespace tessera
