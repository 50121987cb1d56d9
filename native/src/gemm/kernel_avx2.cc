// AVX2 + FMA micro-kernels. Compiled with -mavx2 -mfma in its own static library; holds only
// intrinsics and internal-linkage helpers (nothing the generic code could pick up by mistake).
//
// float: 16 x 6 tile = 2 x 6 ymm accumulators, 2 loads of A and 6 broadcasts of B per step of k
// (15 of the 16 registers). double: 8 x 6 in the same shape.
#include <immintrin.h>

#include "kernels.h"

namespace tessera {
namespace gemm {
namespace {

inline __m256 vload(const float* p) { return _mm256_loadu_ps(p); }
inline __m256d vload(const double* p) { return _mm256_loadu_pd(p); }
inline void vstore(float* p, __m256 v) { _mm256_storeu_ps(p, v); }
inline void vstore(double* p, __m256d v) { _mm256_storeu_pd(p, v); }
inline __m256 vset1(float x) { return _mm256_set1_ps(x); }
inline __m256d vset1(double x) { return _mm256_set1_pd(x); }
inline __m256 vzero(float) { return _mm256_setzero_ps(); }
inline __m256d vzero(double) { return _mm256_setzero_pd(); }
inline __m256 vfma(__m256 a, __m256 b, __m256 c) { return _mm256_fmadd_ps(a, b, c); }
inline __m256d vfma(__m256d a, __m256d b, __m256d c) { return _mm256_fmadd_pd(a, b, c); }
inline __m256 vmul(__m256 a, __m256 b) { return _mm256_mul_ps(a, b); }
inline __m256d vmul(__m256d a, __m256d b) { return _mm256_mul_pd(a, b); }

// Scalar store of a scratch tile t[j*MR + i] (edge tiles and C with rsc != 1).
template <typename T, int MR>
void store_scratch(const T* t, int64_t mr, int64_t nr, T alpha, T beta, T* c, int64_t rsc,
                   int64_t csc) {
  for (int64_t j = 0; j < nr; ++j) {
    for (int64_t i = 0; i < mr; ++i) {
      T* p = c + i * rsc + j * csc;
      const T v = alpha * t[j * MR + i];
      *p = beta == T(0) ? v : v + beta * *p;
    }
  }
}

template <typename T, typename V, int W, int NR>
inline void kernel(int64_t k, const T* a, const T* b, T alpha, T beta, T* c, int64_t rsc,
                   int64_t csc, int64_t mr, int64_t nr) {
  constexpr int MR = 2 * W;
  V c0[NR], c1[NR];
#pragma GCC unroll 8
  for (int j = 0; j < NR; ++j) {
    c0[j] = vzero(T());
    c1[j] = vzero(T());
  }
  const bool direct = rsc == 1 && mr == MR;
  if (direct) {
#pragma GCC unroll 8
    for (int j = 0; j < NR; ++j) {
      if (j >= nr) break;
      _mm_prefetch(reinterpret_cast<const char*>(c + j * csc), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(c + j * csc + MR - 1), _MM_HINT_T0);
    }
  }
  for (int64_t p = 0; p < k; ++p) {
    _mm_prefetch(reinterpret_cast<const char*>(a + 8 * MR), _MM_HINT_T0);
    const V a0 = vload(a), a1 = vload(a + W);
#pragma GCC unroll 8
    for (int j = 0; j < NR; ++j) {
      const V bj = vset1(b[j]);
      c0[j] = vfma(a0, bj, c0[j]);
      c1[j] = vfma(a1, bj, c1[j]);
    }
    a += MR;
    b += NR;
  }
  const V va = vset1(alpha);
  if (direct) {
    const V vb = vset1(beta);
#pragma GCC unroll 8
    for (int j = 0; j < NR; ++j) {
      if (j >= nr) break;
      T* cj = c + j * csc;
      if (beta == T(0)) {
        vstore(cj, vmul(c0[j], va));
        vstore(cj + W, vmul(c1[j], va));
      } else {
        vstore(cj, vfma(c0[j], va, vmul(vb, vload(cj))));
        vstore(cj + W, vfma(c1[j], va, vmul(vb, vload(cj + W))));
      }
    }
    return;
  }
  alignas(32) T t[NR * MR];
#pragma GCC unroll 8
  for (int j = 0; j < NR; ++j) {
    vstore(t + j * MR, c0[j]);
    vstore(t + j * MR + W, c1[j]);
  }
  store_scratch<T, MR>(t, mr, nr, alpha, beta, c, rsc, csc);
}

// In-register transpose of 8 rows of 8 floats: r[i] lane j -> r[j] lane i.
inline void transpose8(__m256 r[8]) {
  __m256 t[8], u[8];
#pragma GCC unroll 4
  for (int k = 0; k < 4; ++k) {
    t[2 * k] = _mm256_unpacklo_ps(r[2 * k], r[2 * k + 1]);
    t[2 * k + 1] = _mm256_unpackhi_ps(r[2 * k], r[2 * k + 1]);
  }
#pragma GCC unroll 2
  for (int g = 0; g < 2; ++g) {
    u[4 * g] = _mm256_shuffle_ps(t[4 * g], t[4 * g + 2], 0x44);
    u[4 * g + 1] = _mm256_shuffle_ps(t[4 * g], t[4 * g + 2], 0xEE);
    u[4 * g + 2] = _mm256_shuffle_ps(t[4 * g + 1], t[4 * g + 3], 0x44);
    u[4 * g + 3] = _mm256_shuffle_ps(t[4 * g + 1], t[4 * g + 3], 0xEE);
  }
#pragma GCC unroll 4
  for (int c = 0; c < 4; ++c) {
    r[c] = _mm256_permute2f128_ps(u[c], u[4 + c], 0x20);
    r[c + 4] = _mm256_permute2f128_ps(u[c], u[4 + c], 0x31);
  }
}

// Lanes [0, w) set.
inline __m256i lanes(int64_t w) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(int(w)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

}  // namespace

// One full A panel of 16 rows whose elements are contiguous along k (a[i*rsa + p]):
// dst[p*16 + i], 8 x 8 blocks transposed in registers.
void spack_a_rows_avx2(int64_t kc, const float* a, int64_t rsa, float* dst) {
  static_assert(kAvx2SMr == 16, "panel rows are two 8 x 8 blocks");
  for (int64_t p = 0; p < kc; p += 8) {
    const int64_t w = kc - p < 8 ? kc - p : 8;
    const __m256i m = lanes(w);
#pragma GCC unroll 2
    for (int h = 0; h < 2; ++h) {
      __m256 r[8];
#pragma GCC unroll 8
      for (int i = 0; i < 8; ++i) r[i] = _mm256_maskload_ps(a + (8 * h + i) * rsa + p, m);
      transpose8(r);
      for (int q = 0; q < w; ++q) _mm256_storeu_ps(dst + (p + q) * 16 + 8 * h, r[q]);
    }
  }
}

// One full B panel of 6 columns whose elements are contiguous along k (b[j*csb + p]):
// dst[p*6 + j]; the 6 columns are transposed as 8 (2 of them zero) and stored 6 wide.
void spack_b_cols_avx2(int64_t kc, const float* b, int64_t csb, float* dst) {
  static_assert(kAvx2SNr == 6, "panel columns are 6 of an 8 x 8 block");
  const __m256i six = lanes(6);
  for (int64_t p = 0; p < kc; p += 8) {
    const int64_t w = kc - p < 8 ? kc - p : 8;
    const __m256i m = lanes(w);
    __m256 r[8];
#pragma GCC unroll 8
    for (int j = 0; j < 8; ++j) r[j] = j < 6 ? _mm256_maskload_ps(b + j * csb + p, m) : _mm256_setzero_ps();
    transpose8(r);
    for (int q = 0; q < w; ++q) _mm256_maskstore_ps(dst + (p + q) * 6, six, r[q]);
  }
}

void skernel_avx2(int64_t k, const float* a, const float* b, float alpha, float beta, float* c,
                  int64_t rsc, int64_t csc, int64_t mr, int64_t nr) {
  static_assert(kAvx2SMr == 16, "tile rows are two ymm of float");
  kernel<float, __m256, 8, kAvx2SNr>(k, a, b, alpha, beta, c, rsc, csc, mr, nr);
}

void dkernel_avx2(int64_t k, const double* a, const double* b, double alpha, double beta,
                  double* c, int64_t rsc, int64_t csc, int64_t mr, int64_t nr) {
  static_assert(kAvx2DMr == 8, "tile rows are two ymm of double");
  kernel<double, __m256d, 4, kAvx2DNr>(k, a, b, alpha, beta, c, rsc, csc, mr, nr);
}

}  // namespace gemm
}  // namespace tessera
