// The normalization kernels (norm.h), portable code. Channels split over the pool's threads; the
// per-position weight gradients of layer norm split over blocks of columns instead, each walking
// every row in order, so that results do not depend on the thread count.
#include "norm/norm.h"

#include <cmath>
#include <vector>

#include "threadpool.h"

namespace tessera {
namespace {

constexpr int64_t kGrain = 1 << 14;  // elements per thread at least

// Sum of a contiguous run in double, four partial sums for instruction-level parallelism.
template <typename T>
double run_sum(const T* x, int64_t n) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += static_cast<double>(x[i]);
    s1 += static_cast<double>(x[i + 1]);
    s2 += static_cast<double>(x[i + 2]);
    s3 += static_cast<double>(x[i + 3]);
  }
  for (; i < n; i++) s0 += static_cast<double>(x[i]);
  return (s0 + s1) + (s2 + s3);
}

// Sum of (x - m)^2 over a run.
template <typename T>
double run_sq_dev(const T* x, int64_t n, double m) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const double d0 = static_cast<double>(x[i]) - m, d1 = static_cast<double>(x[i + 1]) - m;
    const double d2 = static_cast<double>(x[i + 2]) - m, d3 = static_cast<double>(x[i + 3]) - m;
    s0 += d0 * d0;
    s1 += d1 * d1;
    s2 += d2 * d2;
    s3 += d3 * d3;
  }
  for (; i < n; i++) {
    const double d = static_cast<double>(x[i]) - m;
    s0 += d * d;
  }
  return (s0 + s1) + (s2 + s3);
}

inline int64_t run_start(const NormShape& s, int64_t o, int64_t c) { return (o * s.channels + c) * s.inner; }

// Items per parallel task so that each reads at least kGrain elements.
inline int64_t grain_for(int64_t per_item) { return per_item >= kGrain ? 1 : kGrain / (per_item > 0 ? per_item : 1); }

}  // namespace

template <typename T>
void norm_forward(const T* x, const T* w, const T* b, double eps, const NormShape& s, T* out, T* mean, T* rstd, T* var) {
  const int64_t n = s.outer * s.inner;
  parallel_for(s.channels, grain_for(n), [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; c++) {
      double sum = 0;
      for (int64_t o = 0; o < s.outer; o++) sum += run_sum(x + run_start(s, o, c), s.inner);
      const double m = sum / static_cast<double>(n);
      double sq = 0;
      for (int64_t o = 0; o < s.outer; o++) sq += run_sq_dev(x + run_start(s, o, c), s.inner, m);
      const double v = sq / static_cast<double>(n);
      const double r = 1.0 / std::sqrt(v + eps);
      mean[c] = static_cast<T>(m);
      rstd[c] = static_cast<T>(r);
      if (var != nullptr) var[c] = static_cast<T>(v);
      for (int64_t o = 0; o < s.outer; o++) {
        const T* xr = x + run_start(s, o, c);
        T* yr = out + run_start(s, o, c);
        if (s.affine_per_channel) {
          // y = x * scale + shift, with the channel's constants folded
          const double wc = w != nullptr ? static_cast<double>(w[c]) : 1.0, bc = b != nullptr ? static_cast<double>(b[c]) : 0.0;
          const double scale = r * wc, shift = bc - m * r * wc;
          for (int64_t i = 0; i < s.inner; i++) yr[i] = static_cast<T>(static_cast<double>(xr[i]) * scale + shift);
        } else if (w != nullptr && b != nullptr) {
          for (int64_t i = 0; i < s.inner; i++)
            yr[i] = static_cast<T>((static_cast<double>(xr[i]) - m) * r * static_cast<double>(w[i]) + static_cast<double>(b[i]));
        } else if (w != nullptr) {
          for (int64_t i = 0; i < s.inner; i++) yr[i] = static_cast<T>((static_cast<double>(xr[i]) - m) * r * static_cast<double>(w[i]));
        } else if (b != nullptr) {
          for (int64_t i = 0; i < s.inner; i++) yr[i] = static_cast<T>((static_cast<double>(xr[i]) - m) * r + static_cast<double>(b[i]));
        } else {
          for (int64_t i = 0; i < s.inner; i++) yr[i] = static_cast<T>((static_cast<double>(xr[i]) - m) * r);
        }
      }
    }
  });
}

template <typename T>
void norm_backward(const T* g, const T* x, const T* mean, const T* rstd, const T* w, const NormShape& s, T* dx, T* dw, T* db) {
  const int64_t n = s.outer * s.inner;
  const double inv_n = 1.0 / static_cast<double>(n);
  const bool pc = s.affine_per_channel;
  parallel_for(s.channels, grain_for(n), [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; c++) {
      const double m = static_cast<double>(mean[c]), r = static_cast<double>(rstd[c]);
      // sums over the channel of g w (sum_gw) and g w xhat (dot); per channel also of g and g xhat
      double sum_gw = 0, dot = 0, sum_g = 0, sum_gx = 0;
      for (int64_t o = 0; o < s.outer; o++) {
        const T* gr = g + run_start(s, o, c);
        const T* xr = x + run_start(s, o, c);
        if (pc) {
          for (int64_t i = 0; i < s.inner; i++) {
            const double gi = static_cast<double>(gr[i]);
            sum_g += gi;
            sum_gx += gi * (static_cast<double>(xr[i]) - m);
          }
        } else {
          for (int64_t i = 0; i < s.inner; i++) {
            const double gw = static_cast<double>(gr[i]) * (w != nullptr ? static_cast<double>(w[i]) : 1.0);
            sum_gw += gw;
            dot += gw * (static_cast<double>(xr[i]) - m);
          }
        }
      }
      if (pc) {
        if (n > 0) sum_gx *= r;  // sum of g xhat (an empty batch has rstd NaN and sums 0)
        const double wc = w != nullptr ? static_cast<double>(w[c]) : 1.0;
        sum_gw = sum_g * wc;
        dot = sum_gx * wc;
        if (dw != nullptr) dw[c] = static_cast<T>(sum_gx);
        if (db != nullptr) db[c] = static_cast<T>(sum_g);
      } else {
        dot *= r;
      }
      const double mean_gw = sum_gw * inv_n, mean_dot = dot * inv_n;
      for (int64_t o = 0; o < s.outer; o++) {
        const T* gr = g + run_start(s, o, c);
        const T* xr = x + run_start(s, o, c);
        T* dr = dx + run_start(s, o, c);
        if (pc) {
          const double wc = w != nullptr ? static_cast<double>(w[c]) : 1.0;
          // dx = r (g wc - mean_gw - xhat mean_dot), xhat = (x - m) r
          const double a = r * wc, k = r * r * mean_dot, shift = -r * mean_gw + k * m;
          for (int64_t i = 0; i < s.inner; i++)
            dr[i] = static_cast<T>(static_cast<double>(gr[i]) * a - static_cast<double>(xr[i]) * k + shift);
        } else {
          for (int64_t i = 0; i < s.inner; i++) {
            const double gw = static_cast<double>(gr[i]) * (w != nullptr ? static_cast<double>(w[i]) : 1.0);
            const double xhat = (static_cast<double>(xr[i]) - m) * r;
            dr[i] = static_cast<T>(r * (gw - mean_gw - xhat * mean_dot));
          }
        }
      }
    }
  });
  if (pc || (dw == nullptr && db == nullptr)) return;
  // Layer norm's dw and db: sums over rows for each column; blocks of columns per task.
  constexpr int64_t kBlock = 256;
  const int64_t blocks = (s.inner + kBlock - 1) / kBlock;
  parallel_for(blocks, grain_for(kBlock * s.channels), [&](int64_t b0, int64_t b1) {
    double acc_w[kBlock], acc_b[kBlock];
    for (int64_t blk = b0; blk < b1; blk++) {
      const int64_t j0 = blk * kBlock, width = s.inner - j0 < kBlock ? s.inner - j0 : kBlock;
      for (int64_t j = 0; j < width; j++) acc_w[j] = acc_b[j] = 0;
      for (int64_t row = 0; row < s.channels; row++) {
        const double m = static_cast<double>(mean[row]), r = static_cast<double>(rstd[row]);
        const T* gr = g + row * s.inner + j0;
        const T* xr = x + row * s.inner + j0;
        for (int64_t j = 0; j < width; j++) {
          const double gj = static_cast<double>(gr[j]);
          acc_w[j] += gj * ((static_cast<double>(xr[j]) - m) * r);
          acc_b[j] += gj;
        }
      }
      for (int64_t j = 0; j < width; j++) {
        if (dw != nullptr) dw[j0 + j] = static_cast<T>(acc_w[j]);
        if (db != nullptr) db[j0 + j] = static_cast<T>(acc_b[j]);
      }
    }
  });
}

template void norm_forward<float>(const float*, const float*, const float*, double, const NormShape&, float*, float*, float*, float*);
template void norm_forward<double>(const double*, const double*, const double*, double, const NormShape&, double*, double*, double*, double*);
template void norm_backward<float>(const float*, const float*, const float*, const float*, const float*, const NormShape&, float*, float*, float*);
template void norm_backward<double>(const double*, const double*, const double*, const double*, const double*, const NormShape&, double*, double*, double*);

}  // namespace tessera
