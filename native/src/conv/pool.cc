// Max and average pooling over [N, C, H, W] views, parallel over the N*C planes. Each window's
// taps are visited in the reference kernel's order (rows, then columns), and average pooling sums
// in double and rounds once, so the results match src/backend/js/pool.ts bit for bit.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <type_traits>
#include <vector>

#include "../threadpool.h"
#include "conv.h"

namespace tessera {
namespace {

// The taps of one window along one dim: rows start + i*dilation for i in [lo, hi) are inside the
// input; `padded` counts the taps inside the padded input (PyTorch's count_include_pad divisor).
struct Span {
  int64_t start, lo, hi, padded;
};

std::vector<Span> spans(int64_t count, int64_t stride, int64_t pad, int64_t kernel,
                        int64_t dilation, int64_t size) {
  std::vector<Span> out(static_cast<size_t>(count));
  for (int64_t o = 0; o < count; ++o) {
    Span s{o * stride - pad, kernel, kernel, 0};
    bool seen = false;
    for (int64_t i = 0; i < kernel; ++i) {
      const int64_t r = s.start + i * dilation;
      if (r < size + pad) s.padded++;
      if (r >= 0 && r < size) {
        if (!seen) s.lo = i;
        seen = true;
        s.hi = i + 1;
      }
    }
    if (!seen) s.lo = s.hi = 0;
    out[static_cast<size_t>(o)] = s;
  }
  return out;
}

// Planes per parallel chunk: enough taps that a chunk outweighs waking a thread.
int64_t plane_grain(int64_t taps_per_plane) {
  return std::max<int64_t>(1, (int64_t(1) << 16) / std::max<int64_t>(taps_per_plane, 1));
}

int64_t divisor(const PoolParams& p, const Span& rh, const Span& rw) {
  if (p.has_divisor_override) return p.divisor_override;
  return p.count_include_pad ? rh.padded * rw.padded : (rh.hi - rh.lo) * (rw.hi - rw.lo);
}

// For each kernel column j: the output columns [lo, hi) whose tap j lies inside the input, and the
// tap's offset (input column = ow*stride + off).
struct Taps {
  int64_t off, lo, hi;
};

std::vector<Taps> column_taps(const PoolParams& p, int64_t W) {
  std::vector<Taps> out(static_cast<size_t>(p.kernel[1]));
  const int64_t sw = p.stride[1], WO = p.out[1];
  for (int64_t j = 0; j < p.kernel[1]; ++j) {
    const int64_t off = j * p.dilation[1] - p.padding[1];
    int64_t lo = off >= 0 ? 0 : (-off + sw - 1) / sw;
    int64_t hi = W - 1 - off < 0 ? 0 : (W - 1 - off) / sw + 1;
    lo = std::min(lo, WO);
    hi = std::max(std::min(hi, WO), lo);
    out[static_cast<size_t>(j)] = Taps{off, lo, hi};
  }
  return out;
}

}  // namespace

// Windows are processed a whole output row at a time, tap by tap (kernel row i, then column j),
// each tap sweeping the row's windows: every window still sees its taps in the reference's order,
// and the sweeps are branch-free loops over contiguous outputs that the compiler vectorizes.
template <typename T>
void max_pool2d(const View4<T>& x, const PoolParams& p, T* values, int32_t* indices) {
  const int64_t C = x.shape[1], H = x.shape[2], W = x.shape[3];
  const int64_t HO = p.out[0], WO = p.out[1], planes = x.shape[0] * C;
  if (planes <= 0 || HO * WO <= 0) return;
  const std::vector<Span> rows = spans(HO, p.stride[0], p.padding[0], p.kernel[0], p.dilation[0], H);
  const std::vector<Taps> taps = column_taps(p, W);
  const int64_t sxh = x.strides[2], sxw = x.strides[3], dh = p.dilation[0], sw = p.stride[1];
  parallel_for(planes, plane_grain(HO * WO * p.kernel[0] * p.kernel[1]), [&](int64_t b, int64_t e) {
    for (int64_t q = b; q < e; ++q) {
      const T* plane = x.data + (q / C) * x.strides[0] + (q % C) * x.strides[1];
      for (int64_t oh = 0; oh < HO; ++oh) {
        const Span& rh = rows[static_cast<size_t>(oh)];
        T* best = values + (q * HO + oh) * WO;
        int32_t* at = indices + (q * HO + oh) * WO;
        std::fill(best, best + WO, -std::numeric_limits<T>::infinity());
        std::fill(at, at + WO, -1);
        for (int64_t i = rh.lo; i < rh.hi; ++i) {
          const int64_t ih = rh.start + i * dh;
          const T* row = plane + ih * sxh;
          for (const Taps& t : taps) {
            // The first tap claims the index even at -Infinity; a NaN wins over anything and the
            // last NaN stays (the reference's rule).
            const int32_t base = static_cast<int32_t>(ih * W + t.off);
            if (sw == 1 && sxw == 1) {
              const T* src = row + t.off;
              for (int64_t ow = t.lo; ow < t.hi; ++ow) {
                const T v = src[ow];
                const bool take = (at[ow] < 0) | (v > best[ow]) | (v != v);
                best[ow] = take ? v : best[ow];
                at[ow] = take ? base + static_cast<int32_t>(ow) : at[ow];
              }
            } else {
              for (int64_t ow = t.lo; ow < t.hi; ++ow) {
                const T v = row[(ow * sw + t.off) * sxw];
                const bool take = (at[ow] < 0) | (v > best[ow]) | (v != v);
                best[ow] = take ? v : best[ow];
                at[ow] = take ? base + static_cast<int32_t>(ow * sw) : at[ow];
              }
            }
          }
        }
        for (int64_t ow = 0; ow < WO; ++ow) at[ow] = at[ow] < 0 ? 0 : at[ow];
      }
    }
  });
}

template <typename T>
void avg_pool2d(const View4<T>& x, const PoolParams& p, T* out) {
  const int64_t C = x.shape[1], H = x.shape[2], W = x.shape[3];
  const int64_t HO = p.out[0], WO = p.out[1], planes = x.shape[0] * C;
  if (planes <= 0 || HO * WO <= 0) return;
  const std::vector<Span> rows = spans(HO, p.stride[0], p.padding[0], p.kernel[0], p.dilation[0], H);
  const std::vector<Span> cols = spans(WO, p.stride[1], p.padding[1], p.kernel[1], p.dilation[1], W);
  const std::vector<Taps> taps = column_taps(p, W);
  const int64_t sxh = x.strides[2], sxw = x.strides[3], dh = p.dilation[0], sw = p.stride[1];
  parallel_for(planes, plane_grain(HO * WO * p.kernel[0] * p.kernel[1]), [&](int64_t b, int64_t e) {
    // Sums in double, one output row at a time.
    std::vector<double> acc_row(static_cast<size_t>(WO));
    double* acc = acc_row.data();
    for (int64_t q = b; q < e; ++q) {
      const T* plane = x.data + (q / C) * x.strides[0] + (q % C) * x.strides[1];
      for (int64_t oh = 0; oh < HO; ++oh) {
        const Span& rh = rows[static_cast<size_t>(oh)];
        std::fill(acc, acc + WO, 0.0);
        for (int64_t i = rh.lo; i < rh.hi; ++i) {
          const T* row = plane + (rh.start + i * dh) * sxh;
          for (const Taps& t : taps) {
            if (sw == 1 && sxw == 1) {
              const T* src = row + t.off;
              for (int64_t ow = t.lo; ow < t.hi; ++ow) acc[ow] += static_cast<double>(src[ow]);
            } else {
              for (int64_t ow = t.lo; ow < t.hi; ++ow) acc[ow] += static_cast<double>(row[(ow * sw + t.off) * sxw]);
            }
          }
        }
        T* o = out + (q * HO + oh) * WO;
        for (int64_t ow = 0; ow < WO; ++ow) {
          const int64_t div = divisor(p, rh, cols[static_cast<size_t>(ow)]);
          o[ow] = div == 0 ? T(0) : static_cast<T>(acc[ow] / static_cast<double>(div));
        }
      }
    }
  });
}

template <typename T>
void avg_pool2d_grad(const View4<T>& g, const PoolParams& p, T* dx, const int64_t in_shape[4]) {
  const int64_t C = in_shape[1], H = in_shape[2], W = in_shape[3];
  const int64_t HO = p.out[0], WO = p.out[1], planes = in_shape[0] * C;
  if (planes <= 0 || H * W <= 0) return;
  const std::vector<Span> rows = spans(HO, p.stride[0], p.padding[0], p.kernel[0], p.dilation[0], H);
  const std::vector<Span> cols = spans(WO, p.stride[1], p.padding[1], p.kernel[1], p.dilation[1], W);
  const int64_t sgh = g.strides[2], sgw = g.strides[3], dh = p.dilation[0], dw = p.dilation[1];
  constexpr bool kDouble = std::is_same_v<T, double>;
  parallel_for(planes, plane_grain(std::max(HO * WO * p.kernel[0] * p.kernel[1], H * W)), [&](int64_t b, int64_t e) {
    // Sums are taken in double; a float32 plane is rounded once at the end.
    std::vector<double> acc_buf(kDouble ? 0 : static_cast<size_t>(H * W));
    for (int64_t q = b; q < e; ++q) {
      double* acc;
      if constexpr (kDouble) {
        acc = dx + q * H * W;
      } else {
        acc = acc_buf.data();
      }
      std::fill(acc, acc + H * W, 0.0);
      const T* gp = g.data + (q / C) * g.strides[0] + (q % C) * g.strides[1];
      for (int64_t oh = 0; oh < HO; ++oh) {
        const Span& rh = rows[static_cast<size_t>(oh)];
        for (int64_t ow = 0; ow < WO; ++ow) {
          const Span& rw = cols[static_cast<size_t>(ow)];
          const int64_t div = divisor(p, rh, rw);
          if (div == 0) continue;
          const double v = static_cast<double>(gp[oh * sgh + ow * sgw]) / static_cast<double>(div);
          for (int64_t i = rh.lo; i < rh.hi; ++i) {
            double* row = acc + (rh.start + i * dh) * W;
            for (int64_t j = rw.lo; j < rw.hi; ++j) row[rw.start + j * dw] += v;
          }
        }
      }
      if constexpr (!kDouble) {
        T* d = dx + q * H * W;
        for (int64_t i = 0; i < H * W; ++i) d[i] = static_cast<T>(acc[i]);
      }
    }
  });
}

template <typename T>
void max_pool2d_grad(const View4<T>& g, const View4<int32_t>& indices, T* dx, const int64_t in_shape[4]) {
  const int64_t C = in_shape[1], HW = in_shape[2] * in_shape[3];
  const int64_t HO = g.shape[2], WO = g.shape[3], planes = in_shape[0] * C;
  if (planes <= 0 || HW <= 0) return;
  parallel_for(planes, plane_grain(std::max(HO * WO, HW)), [&](int64_t b, int64_t e) {
    for (int64_t q = b; q < e; ++q) {
      T* d = dx + q * HW;
      std::fill(d, d + HW, T(0));
      const int64_t n = q / C, c = q % C;
      const T* gp = g.data + n * g.strides[0] + c * g.strides[1];
      const int32_t* ip = indices.data + n * indices.strides[0] + c * indices.strides[1];
      // Row-major over the outputs, as the scatter-add it replaces: the same sums, bit for bit.
      for (int64_t oh = 0; oh < HO; ++oh) {
        for (int64_t ow = 0; ow < WO; ++ow) {
          const int32_t k = ip[oh * indices.strides[2] + ow * indices.strides[3]];
          // Out-of-range indices (max_pool2d never writes them) are skipped, not followed.
          if (static_cast<uint64_t>(static_cast<int64_t>(k)) >= static_cast<uint64_t>(HW)) continue;
          d[k] += gp[oh * g.strides[2] + ow * g.strides[3]];
        }
      }
    }
  });
}

#define TESSERA_POOL_INSTANTIATE(T)                                                          \
  template void max_pool2d<T>(const View4<T>&, const PoolParams&, T*, int32_t*);               \
  template void max_pool2d_grad<T>(const View4<T>&, const View4<int32_t>&, T*, const int64_t*); \
  template void avg_pool2d<T>(const View4<T>&, const PoolParams&, T*);                         \
  template void avg_pool2d_grad<T>(const View4<T>&, const PoolParams&, T*, const int64_t*);
TESSERA_POOL_INSTANTIATE(float)
TESSERA_POOL_INSTANTIATE(double)
#undef TESSERA_POOL_INSTANTIATE

}  // namespace tessera
