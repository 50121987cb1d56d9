// The column buffer of conv.cc and what fills it: im2col / col2im over a chunk of output rows,
// the geometry of a conv, and the matrix views of weights and gradients (packed when their layout
// does not flatten). Internal to conv.cc (portable code; no ISA-specific file includes it).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "conv/conv.h"

namespace tessera {
namespace conv_detail {

// One thread's column buffer: about L2-sized, so that im2col's output is still in cache when
// GEMM packs it.
constexpr int64_t kColumnBytes = int64_t(1) << 20;

// Memory from the addon's scratch pool for the length of a scope.
template <typename T>
class Scratch {
 public:
  explicit Scratch(int64_t count)
      : bytes_(sizeof(T) * static_cast<size_t>(std::max<int64_t>(count, 1))),
        p_(static_cast<T*>(scratch_acquire(bytes_))) {
    if (p_ == nullptr) std::abort();  // out of memory: nothing sane to do
  }
  ~Scratch() { scratch_release(p_, bytes_); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  T* get() const { return p_; }

 private:
  size_t bytes_;
  T* p_;
};

// The stride that walks dims [from, 4) of v as one flat row-major index, if there is one.
template <typename T>
bool flat_stride(const View4<T>& v, int from, int64_t* stride) {
  int64_t s = 1, expected = -1;
  bool found = false;
  for (int d = 3; d >= from; --d) {
    if (v.shape[d] == 1) continue;
    if (!found) {
      s = v.strides[d];
      found = true;
    } else if (v.strides[d] != expected) {
      return false;
    }
    expected = v.strides[d] * v.shape[d];
  }
  *stride = s;
  return true;
}

// A contiguous copy of a 4-D view.
template <typename T>
void pack4(const View4<T>& v, T* dst) {
  for (int64_t a = 0; a < v.shape[0]; ++a)
    for (int64_t b = 0; b < v.shape[1]; ++b)
      for (int64_t c = 0; c < v.shape[2]; ++c) {
        const T* s = v.data + a * v.strides[0] + b * v.strides[1] + c * v.strides[2];
        for (int64_t d = 0; d < v.shape[3]; ++d) *dst++ = s[d * v.strides[3]];
      }
}

// A 4-D view seen as a matrix [shape[0], shape[1]*shape[2]*shape[3]]: the view itself when its
// last three dims flatten, else a packed copy. (Used for weights and output gradients.)
template <typename T>
class Matrix {
 public:
  explicit Matrix(const View4<T>& v) {
    int64_t cs;
    if (flat_stride(v, 1, &cs)) {
      data = v.data;
      rs = v.strides[0];
      this->cs = cs;
    } else {
      const int64_t cols = v.shape[1] * v.shape[2] * v.shape[3];
      copy_ = new Scratch<T>(v.shape[0] * cols);
      pack4(v, copy_->get());
      data = copy_->get();
      rs = cols;
      this->cs = 1;
    }
  }
  ~Matrix() { delete copy_; }
  Matrix(const Matrix&) = delete;
  Matrix& operator=(const Matrix&) = delete;
  const T* data;
  int64_t rs, cs;

 private:
  Scratch<T>* copy_ = nullptr;
};

// An [N, C, H, W] view whose (H, W) plane flattens: the view itself if it does, else a packed copy.
template <typename T>
class Planes {
 public:
  explicit Planes(const View4<T>& v) : view(v) {
    if (!flat_stride(v, 2, &sp)) {
      copy_ = new Scratch<T>(v.shape[0] * v.shape[1] * v.shape[2] * v.shape[3]);
      pack4(v, copy_->get());
      view.data = copy_->get();
      view.strides[3] = 1;
      view.strides[2] = v.shape[3];
      view.strides[1] = v.shape[2] * v.shape[3];
      view.strides[0] = v.shape[1] * view.strides[1];
      sp = 1;
    }
  }
  ~Planes() { delete copy_; }
  Planes(const Planes&) = delete;
  Planes& operator=(const Planes&) = delete;
  View4<T> view;
  int64_t sp;  // stride of the flat (h*W + w) index

 private:
  Scratch<T>* copy_ = nullptr;
};

struct Geom {
  int64_t C;  // channels per group
  int64_t H, W, KH, KW, HO, WO;
  int64_t sh, sw, ph, pw, dh, dw;
  int64_t K() const { return C * KH * KW; }
  // A 1x1, stride-1, unpadded conv whose output is the input's size: the input is its own
  // column buffer.
  bool pointwise() const {
    return KH == 1 && KW == 1 && sh == 1 && sw == 1 && ph == 0 && pw == 0 && HO == H && WO == W;
  }
  // Output rows per column-buffer chunk.
  template <typename T>
  int64_t chunk_rows() const {
    const int64_t per_row = std::max<int64_t>(K() * WO, 1) * int64_t(sizeof(T));
    return std::clamp<int64_t>(kColumnBytes / per_row, 1, std::max<int64_t>(HO, 1));
  }
};

inline Geom make_geom(int64_t C, int64_t H, int64_t W, int64_t KH, int64_t KW, int64_t HO, int64_t WO,
               const ConvParams& p) {
  return Geom{C,           H,           W,           KH,          KW,          HO,         WO,
              p.stride[0], p.stride[1], p.padding[0], p.padding[1], p.dilation[0], p.dilation[1]};
}

// Output positions o in [0, count) whose tap o*stride + off lies in [0, size): [*lo, *hi).
inline void valid_range(int64_t off, int64_t stride, int64_t size, int64_t count, int64_t* lo,
                        int64_t* hi) {
  int64_t l = off >= 0 ? 0 : (-off + stride - 1) / stride;
  int64_t h = size - 1 - off < 0 ? 0 : (size - 1 - off) / stride + 1;
  l = std::min(l, count);
  h = std::min(h, count);
  *lo = l;
  *hi = std::max(h, l);
}

// Columns for channels [c0, c1) of one image's group (x points at its channel 0), output rows
// [oh0, oh0 + rows); cols has rows*WO columns.
template <typename T>
void im2col(const T* x, int64_t sxc, int64_t sxh, int64_t sxw, const Geom& g, int64_t oh0,
            int64_t rows, int64_t c0, int64_t c1, T* cols) {
  const int64_t ncol = rows * g.WO;
  const int64_t step = g.sw * sxw;
  for (int64_t c = c0; c < c1; ++c) {
    for (int64_t i = 0; i < g.KH; ++i) {
      for (int64_t j = 0; j < g.KW; ++j) {
        T* dst = cols + ((c * g.KH + i) * g.KW + j) * ncol;
        const int64_t off = j * g.dw - g.pw;
        int64_t lo, hi;
        valid_range(off, g.sw, g.W, g.WO, &lo, &hi);
        for (int64_t r = 0; r < rows; ++r, dst += g.WO) {
          const int64_t ih = (oh0 + r) * g.sh - g.ph + i * g.dh;
          if (ih < 0 || ih >= g.H || hi == lo) {
            std::fill(dst, dst + g.WO, T(0));
            continue;
          }
          std::fill(dst, dst + lo, T(0));
          const T* src = x + c * sxc + ih * sxh + (lo * g.sw + off) * sxw;
          if (step == 1) {
            // Rows are short (an output row): an inlined loop beats a memcpy call.
            for (int64_t o = 0; o < hi - lo; ++o) dst[lo + o] = src[o];
          } else {
            for (int64_t o = 0; o < hi - lo; ++o) dst[lo + o] = src[o * step];
          }
          std::fill(dst + hi, dst + g.WO, T(0));
        }
      }
    }
  }
}

// Adds columns for channels [c0, c1) back into one image's group of contiguous [H, W] planes.
template <typename T>
void col2im(const T* cols, const Geom& g, int64_t oh0, int64_t rows, int64_t c0, int64_t c1,
            T* dx) {
  const int64_t ncol = rows * g.WO;
  for (int64_t c = c0; c < c1; ++c) {
    T* plane = dx + c * g.H * g.W;
    for (int64_t i = 0; i < g.KH; ++i) {
      for (int64_t j = 0; j < g.KW; ++j) {
        const T* src = cols + ((c * g.KH + i) * g.KW + j) * ncol;
        const int64_t off = j * g.dw - g.pw;
        int64_t lo, hi;
        valid_range(off, g.sw, g.W, g.WO, &lo, &hi);
        if (hi == lo) continue;
        const int64_t len = hi - lo;
        for (int64_t r = 0; r < rows; ++r) {
          const int64_t ih = (oh0 + r) * g.sh - g.ph + i * g.dh;
          if (ih < 0 || ih >= g.H) continue;
          T* d = plane + ih * g.W + lo * g.sw + off;
          const T* s = src + r * g.WO + lo;
          if (g.sw == 1) {
            for (int64_t o = 0; o < len; ++o) d[o] += s[o];
          } else {
            for (int64_t o = 0; o < len; ++o) d[o * g.sw] += s[o];
          }
        }
      }
    }
  }
}

}  // namespace conv_detail
}  // namespace tessera
