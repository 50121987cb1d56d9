// gather and scatter along one dim over strided views of any rank (the max-pool backward, embedding
// and crossEntropy paths), with the semantics of src/backend/js/gather.ts:
//   gather:  out[p] = x[p with coordinate dim replaced by index[p]]  (out has the index's shape)
//   scatter: out = contiguous copy of base; then for every index position p in row-major order,
//            out[p with dim replaced by index[p]] (+)= src[p]
// Scatter runs in parallel over the index's positions that share every coordinate but `dim`: each
// such line writes its own line of the output (index.size(d) <= base.size(d) for d != dim), and
// within a line the writes keep the reference's order, so accumulated sums match it bit for bit.
#include "gather/gather.h"

#include <algorithm>

#include "threadpool.h"

namespace tessera {
namespace {

// Positions of a shape visited in row-major order, with the running offsets in up to three views.
struct Odometer {
  int nd;
  int64_t shape[kGatherMaxDims];
  int64_t pos[kGatherMaxDims];

  // Starts at flat position `flat`.
  Odometer(int ndim, const int64_t* s, int64_t flat) : nd(ndim) {
    for (int d = nd - 1; d >= 0; --d) {
      shape[d] = s[d];
      pos[d] = s[d] > 0 ? flat % s[d] : 0;
      flat = s[d] > 0 ? flat / s[d] : 0;
    }
  }
  int64_t offset(const int64_t* strides) const {
    int64_t o = 0;
    for (int d = 0; d < nd; ++d) o += pos[d] * strides[d];
    return o;
  }
  // Advances one position; the offsets in `off` (one per stride list) follow.
  template <int K>
  void next(const int64_t* const (&strides)[K], int64_t (&off)[K]) {
    for (int d = nd - 1; d >= 0; --d) {
      if (++pos[d] < shape[d]) {
        for (int k = 0; k < K; ++k) off[k] += strides[k][d];
        return;
      }
      for (int k = 0; k < K; ++k) off[k] -= (shape[d] - 1) * strides[k][d];
      pos[d] = 0;
    }
  }
};

void contiguous_strides(int nd, const int64_t* shape, int64_t* out) {
  int64_t s = 1;
  for (int d = nd - 1; d >= 0; --d) {
    out[d] = s;
    s *= shape[d];
  }
}

int64_t numel(int nd, const int64_t* shape) {
  int64_t n = 1;
  for (int d = 0; d < nd; ++d) n *= shape[d];
  return n;
}

// Copies the strided view `v` into contiguous `dst`.
template <typename E>
void copy_view(const StridedView& v, E* dst) {
  const int64_t n = numel(v.ndim, v.shape);
  if (n == 0) return;
  const E* data = reinterpret_cast<const E*>(v.data);
  parallel_for(n, 1 << 15, [&](int64_t b, int64_t e) {
    Odometer it(v.ndim, v.shape, b);
    const int64_t* strides[1] = {v.strides};
    int64_t off[1] = {v.offset + it.offset(v.strides)};
    for (int64_t i = b; i < e; ++i) {
      dst[i] = data[off[0]];
      it.next(strides, off);
    }
  });
}

template <typename E>
void gather_typed(const StridedView& x, int dim, const StridedView& index, E* out) {
  int nd = index.ndim;
  int64_t ishape[kGatherMaxDims], istrides[kGatherMaxDims], xstrides[kGatherMaxDims];
  if (nd == 0) {  // a 0-d index counts as shape [1]
    nd = 1;
    ishape[0] = 1;
    istrides[0] = 0;
    xstrides[0] = 0;
  } else {
    for (int d = 0; d < nd; ++d) {
      ishape[d] = index.shape[d];
      istrides[d] = index.strides[d];
      xstrides[d] = d == dim || x.ndim == 0 ? 0 : x.strides[d];
    }
  }
  const int64_t step = x.ndim == 0 ? 0 : x.strides[dim];
  const uint64_t size = x.ndim == 0 ? 1 : static_cast<uint64_t>(x.shape[dim]);
  const int64_t n = numel(nd, ishape);
  if (n == 0) return;
  const int32_t* idx = reinterpret_cast<const int32_t*>(index.data);
  const E* xd = reinterpret_cast<const E*>(x.data);
  parallel_for(n, 1 << 15, [&](int64_t b, int64_t e) {
    Odometer it(nd, ishape, b);
    const int64_t* strides[2] = {istrides, xstrides};
    int64_t off[2] = {index.offset + it.offset(istrides), x.offset + it.offset(xstrides)};
    for (int64_t i = b; i < e; ++i) {
      // The ops validate every index value; an out-of-range one (never passed) reads as zero
      // rather than outside the array.
      const int32_t k = idx[off[0]];
      out[i] = static_cast<uint64_t>(static_cast<int64_t>(k)) < size ? xd[off[1] + static_cast<int64_t>(k) * step] : E(0);
      it.next(strides, off);
    }
  });
}

struct WriteOp {
  template <typename E>
  static void apply(E* at, E v) { *at = v; }
};
struct AddF32 {
  static void apply(float* at, float v) { *at = *at + v; }
};
struct AddF64 {
  static void apply(double* at, double v) { *at = *at + v; }
};
// int32 sums wrap around (as the reference's Int32Array does), without signed-overflow UB.
struct AddI32 {
  static void apply(uint32_t* at, uint32_t v) { *at = *at + v; }
};
struct OrU8 {
  static void apply(uint8_t* at, uint8_t v) { *at = (*at != 0 || v != 0) ? 1 : 0; }
};

template <typename E, typename Op>
void scatter_typed(const StridedView& base, int dim, const StridedView& index, const StridedView& src, E* out) {
  copy_view(base, out);
  int nd = index.ndim;
  int64_t ishape[kGatherMaxDims], istrides[kGatherMaxDims], sstrides[kGatherMaxDims], ostrides[kGatherMaxDims];
  int64_t bstrides[kGatherMaxDims];
  if (base.ndim == 0) {
    bstrides[0] = 1;
  } else {
    contiguous_strides(base.ndim, base.shape, bstrides);
  }
  if (nd == 0) {  // a 0-d index counts as shape [1]
    nd = 1;
    dim = 0;
    ishape[0] = 1;
    istrides[0] = 0;
    sstrides[0] = 0;
    ostrides[0] = bstrides[0];
  } else {
    for (int d = 0; d < nd; ++d) {
      ishape[d] = index.shape[d];
      istrides[d] = index.strides[d];
      sstrides[d] = src.ndim == 0 ? 0 : src.strides[d];
      ostrides[d] = bstrides[d];
    }
  }
  const int64_t n = numel(nd, ishape);
  if (n == 0) return;
  // Lines along dim: the outer space is the index's shape with dim removed.
  const int64_t len = ishape[dim];
  const uint64_t size = base.ndim == 0 ? 1 : static_cast<uint64_t>(base.shape[dim]);
  const int64_t step = ostrides[dim], istep = istrides[dim], sstep = sstrides[dim];
  int64_t oshape[kGatherMaxDims], oi[kGatherMaxDims], os[kGatherMaxDims], oo[kGatherMaxDims];
  int ond = 0;
  for (int d = 0; d < nd; ++d) {
    if (d == dim) continue;
    oshape[ond] = ishape[d];
    oi[ond] = istrides[d];
    os[ond] = sstrides[d];
    oo[ond] = ostrides[d];
    ++ond;
  }
  const int32_t* idx = reinterpret_cast<const int32_t*>(index.data);
  const E* sd = reinterpret_cast<const E*>(src.data);
  parallel_for(n / len, std::max<int64_t>(1, (1 << 14) / len), [&](int64_t b, int64_t e) {
    Odometer it(ond, oshape, b);
    const int64_t* strides[3] = {oi, os, oo};
    int64_t off[3] = {index.offset + it.offset(oi), src.offset + it.offset(os), it.offset(oo)};
    for (int64_t l = b; l < e; ++l) {
      for (int64_t j = 0; j < len; ++j) {
        // Out-of-range index values (the ops never pass them) are skipped, not written.
        const int32_t k = idx[off[0] + j * istep];
        if (static_cast<uint64_t>(static_cast<int64_t>(k)) >= size) continue;
        Op::apply(out + off[2] + static_cast<int64_t>(k) * step, sd[off[1] + j * sstep]);
      }
      it.next(strides, off);
    }
  });
}

}  // namespace

void gather(const StridedView& x, int dim, const StridedView& index, size_t size, char* out) {
  if (size == 1) gather_typed(x, dim, index, reinterpret_cast<uint8_t*>(out));
  if (size == 4) gather_typed(x, dim, index, reinterpret_cast<uint32_t*>(out));
  if (size == 8) gather_typed(x, dim, index, reinterpret_cast<uint64_t*>(out));
}

void scatter(const StridedView& base, int dim, const StridedView& index, const StridedView& src,
             ScatterMode mode, size_t size, char* out) {
  switch (mode) {
    case ScatterMode::AddF32:
      return scatter_typed<float, AddF32>(base, dim, index, src, reinterpret_cast<float*>(out));
    case ScatterMode::AddF64:
      return scatter_typed<double, AddF64>(base, dim, index, src, reinterpret_cast<double*>(out));
    case ScatterMode::AddI32:
      return scatter_typed<uint32_t, AddI32>(base, dim, index, src, reinterpret_cast<uint32_t*>(out));
    case ScatterMode::OrU8:
      return scatter_typed<uint8_t, OrU8>(base, dim, index, src, reinterpret_cast<uint8_t*>(out));
    case ScatterMode::Write:
      if (size == 1) return scatter_typed<uint8_t, WriteOp>(base, dim, index, src, reinterpret_cast<uint8_t*>(out));
      if (size == 4) return scatter_typed<uint32_t, WriteOp>(base, dim, index, src, reinterpret_cast<uint32_t*>(out));
      if (size == 8) return scatter_typed<uint64_t, WriteOp>(base, dim, index, src, reinterpret_cast<uint64_t*>(out));
      return;
  }
}

}  // namespace tessera
