// AVX-512F micro-kernels. Compiled with -mavx512f -mfma in its own static library; holds only
// intrinsics and internal-linkage helpers (nothing the generic code could pick up by mistake).
//
// float: 32 x 12 tile = 2 x 12 zmm accumulators (24 of the 32 registers), 2 loads of A and 12
// broadcasts of B per step of k for 24 FMAs. double: 16 x 12 in the same shape.
#include <immintrin.h>

// GCC 12's unmasked AVX-512 shuffle intrinsics pass an "undefined" vector to their masked
// builtins, which -Wmaybe-uninitialized reports at every use (GCC bug 105593, fixed in 13).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "kernels.h"

namespace tessera {
namespace gemm {
namespace {

inline __m512 vload(const float* p) { return _mm512_loadu_ps(p); }
inline __m512d vload(const double* p) { return _mm512_loadu_pd(p); }
inline void vstore(float* p, __m512 v) { _mm512_storeu_ps(p, v); }
inline void vstore(double* p, __m512d v) { _mm512_storeu_pd(p, v); }
// Masked forms: lanes outside the mask are neither read (they load as 0) nor written.
inline __m512 vload_m(const float* p, uint32_t m) { return _mm512_mask_loadu_ps(_mm512_setzero_ps(), __mmask16(m), p); }
inline __m512d vload_m(const double* p, uint32_t m) { return _mm512_mask_loadu_pd(_mm512_setzero_pd(), __mmask8(m), p); }
inline void vstore_m(float* p, uint32_t m, __m512 v) { _mm512_mask_storeu_ps(p, __mmask16(m), v); }
inline void vstore_m(double* p, uint32_t m, __m512d v) { _mm512_mask_storeu_pd(p, __mmask8(m), v); }
inline __m512 vset1(float x) { return _mm512_set1_ps(x); }
inline __m512d vset1(double x) { return _mm512_set1_pd(x); }
inline __m512 vzero(float) { return _mm512_setzero_ps(); }
inline __m512d vzero(double) { return _mm512_setzero_pd(); }
inline __m512 vfma(__m512 a, __m512 b, __m512 c) { return _mm512_fmadd_ps(a, b, c); }
inline __m512d vfma(__m512d a, __m512d b, __m512d c) { return _mm512_fmadd_pd(a, b, c); }
inline __m512 vmul(__m512 a, __m512 b) { return _mm512_mul_ps(a, b); }
inline __m512d vmul(__m512d a, __m512d b) { return _mm512_mul_pd(a, b); }

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

// V: vector type, W: lanes per vector; the tile is (2*W) x NR.
template <typename T, typename V, int W, int NR>
inline void kernel(int64_t k, const T* a, const T* b, T alpha, T beta, T* c, int64_t rsc,
                   int64_t csc, int64_t mr, int64_t nr) {
  constexpr int MR = 2 * W;
  V c0[NR], c1[NR];
#pragma GCC unroll 16
  for (int j = 0; j < NR; ++j) {
    c0[j] = vzero(T());
    c1[j] = vzero(T());
  }
  // rsc == 1: columns of the tile are contiguous in C, stored straight from the registers.
  const bool direct = rsc == 1;
  if (direct) {
#pragma GCC unroll 16
    for (int j = 0; j < NR; ++j) {
      if (j >= nr) break;
      _mm_prefetch(reinterpret_cast<const char*>(c + j * csc), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(c + j * csc + mr - 1), _MM_HINT_T0);
    }
  }
  int64_t p = 0;
  for (; p + 4 <= k; p += 4) {
#pragma GCC unroll 4
    for (int u = 0; u < 4; ++u) {
      _mm_prefetch(reinterpret_cast<const char*>(a + 8 * MR), _MM_HINT_T0);
      const V a0 = vload(a), a1 = vload(a + W);
#pragma GCC unroll 16
      for (int j = 0; j < NR; ++j) {
        const V bj = vset1(b[j]);
        c0[j] = vfma(a0, bj, c0[j]);
        c1[j] = vfma(a1, bj, c1[j]);
      }
      a += MR;
      b += NR;
    }
  }
  for (; p < k; ++p) {
    const V a0 = vload(a), a1 = vload(a + W);
#pragma GCC unroll 16
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
    // Columns j >= nr are skipped; rows beyond mr are masked off (mask all-ones on full tiles).
    const uint32_t m0 = mr >= W ? (1u << W) - 1 : (1u << mr) - 1;
    const uint32_t m1 = mr >= MR ? (1u << W) - 1 : mr > W ? (1u << (mr - W)) - 1 : 0;
    if (beta == T(0)) {
#pragma GCC unroll 16
      for (int j = 0; j < NR; ++j) {
        if (j >= nr) break;
        vstore_m(c + j * csc, m0, vmul(c0[j], va));
        vstore_m(c + j * csc + W, m1, vmul(c1[j], va));
      }
    } else if (beta == T(1)) {
#pragma GCC unroll 16
      for (int j = 0; j < NR; ++j) {
        if (j >= nr) break;
        vstore_m(c + j * csc, m0, vfma(c0[j], va, vload_m(c + j * csc, m0)));
        vstore_m(c + j * csc + W, m1, vfma(c1[j], va, vload_m(c + j * csc + W, m1)));
      }
    } else {
      const V vb = vset1(beta);
#pragma GCC unroll 16
      for (int j = 0; j < NR; ++j) {
        if (j >= nr) break;
        vstore_m(c + j * csc, m0, vfma(c0[j], va, vmul(vb, vload_m(c + j * csc, m0))));
        vstore_m(c + j * csc + W, m1, vfma(c1[j], va, vmul(vb, vload_m(c + j * csc + W, m1))));
      }
    }
    return;
  }
  alignas(64) T t[NR * MR];
#pragma GCC unroll 16
  for (int j = 0; j < NR; ++j) {
    vstore(t + j * MR, c0[j]);
    vstore(t + j * MR + W, c1[j]);
  }
  store_scratch<T, MR>(t, mr, nr, alpha, beta, c, rsc, csc);
}

// In-register transpose of 16 rows of 16 floats: r[i] lane j -> r[j] lane i.
inline void transpose16(__m512 r[16]) {
  __m512 t[16];
#pragma GCC unroll 8
  for (int k = 0; k < 8; ++k) {
    t[2 * k] = _mm512_unpacklo_ps(r[2 * k], r[2 * k + 1]);
    t[2 * k + 1] = _mm512_unpackhi_ps(r[2 * k], r[2 * k + 1]);
  }
  // u[4g + c]: rows 4g..4g+3 of columns c, c+4, c+8, c+12 (one per 128-bit lane).
  __m512 u[16];
#pragma GCC unroll 4
  for (int g = 0; g < 4; ++g) {
    const __m512d t0 = _mm512_castps_pd(t[4 * g]), t1 = _mm512_castps_pd(t[4 * g + 1]);
    const __m512d t2 = _mm512_castps_pd(t[4 * g + 2]), t3 = _mm512_castps_pd(t[4 * g + 3]);
    u[4 * g] = _mm512_castpd_ps(_mm512_unpacklo_pd(t0, t2));
    u[4 * g + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(t0, t2));
    u[4 * g + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(t1, t3));
    u[4 * g + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(t1, t3));
  }
#pragma GCC unroll 4
  for (int c = 0; c < 4; ++c) {
    const __m512 v = _mm512_shuffle_f32x4(u[c], u[4 + c], 0x88);
    const __m512 w = _mm512_shuffle_f32x4(u[c], u[4 + c], 0xDD);
    const __m512 x = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0x88);
    const __m512 y = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0xDD);
    r[c] = _mm512_shuffle_f32x4(v, x, 0x88);
    r[c + 8] = _mm512_shuffle_f32x4(v, x, 0xDD);
    r[c + 4] = _mm512_shuffle_f32x4(w, y, 0x88);
    r[c + 12] = _mm512_shuffle_f32x4(w, y, 0xDD);
  }
}

// In-register transpose of 8 rows of 8 doubles: r[i] lane j -> r[j] lane i.
inline void transpose8(__m512d r[8]) {
  __m512d t[8];
#pragma GCC unroll 4
  for (int k = 0; k < 4; ++k) {
    t[2 * k] = _mm512_unpacklo_pd(r[2 * k], r[2 * k + 1]);
    t[2 * k + 1] = _mm512_unpackhi_pd(r[2 * k], r[2 * k + 1]);
  }
  // u[4g + c] (g: rows 4g..4g+3): pairs of rows for columns {0,4}, {2,6}, {1,5}, {3,7} for c = 0..3.
  __m512d u[8];
#pragma GCC unroll 2
  for (int g = 0; g < 2; ++g) {
    u[4 * g] = _mm512_shuffle_f64x2(t[4 * g], t[4 * g + 2], 0x88);
    u[4 * g + 1] = _mm512_shuffle_f64x2(t[4 * g], t[4 * g + 2], 0xDD);
    u[4 * g + 2] = _mm512_shuffle_f64x2(t[4 * g + 1], t[4 * g + 3], 0x88);
    u[4 * g + 3] = _mm512_shuffle_f64x2(t[4 * g + 1], t[4 * g + 3], 0xDD);
  }
  r[0] = _mm512_shuffle_f64x2(u[0], u[4], 0x88);
  r[4] = _mm512_shuffle_f64x2(u[0], u[4], 0xDD);
  r[2] = _mm512_shuffle_f64x2(u[1], u[5], 0x88);
  r[6] = _mm512_shuffle_f64x2(u[1], u[5], 0xDD);
  r[1] = _mm512_shuffle_f64x2(u[2], u[6], 0x88);
  r[5] = _mm512_shuffle_f64x2(u[2], u[6], 0xDD);
  r[3] = _mm512_shuffle_f64x2(u[3], u[7], 0x88);
  r[7] = _mm512_shuffle_f64x2(u[3], u[7], 0xDD);
}

}  // namespace

// One full A panel of 16 rows of doubles contiguous along k: dst[p*16 + i], in 8 x 8 blocks.
void dpack_a_rows_avx512(int64_t kc, const double* a, int64_t rsa, double* dst) {
  static_assert(kAvx512DMr == 16, "panel rows are two 8 x 8 blocks");
  for (int64_t p = 0; p < kc; p += 8) {
    const int64_t w = kc - p < 8 ? kc - p : 8;
    const __mmask8 m = __mmask8((1u << w) - 1);
#pragma GCC unroll 2
    for (int h = 0; h < 2; ++h) {
      __m512d r[8];
#pragma GCC unroll 8
      for (int i = 0; i < 8; ++i) r[i] = _mm512_mask_loadu_pd(_mm512_setzero_pd(), m, a + (8 * h + i) * rsa + p);
      transpose8(r);
      for (int q = 0; q < w; ++q) _mm512_storeu_pd(dst + (p + q) * 16 + 8 * h, r[q]);
    }
  }
}

// One full B panel of 12 columns of doubles contiguous along k: dst[p*12 + j], as an 8 x 8 and
// a 4 x 8 (padded) block.
void dpack_b_cols_avx512(int64_t kc, const double* b, int64_t csb, double* dst) {
  static_assert(kAvx512DNr == 12, "panel columns are 8 + 4");
  for (int64_t p = 0; p < kc; p += 8) {
    const int64_t w = kc - p < 8 ? kc - p : 8;
    const __mmask8 m = __mmask8((1u << w) - 1);
    __m512d r[8], s[8];
#pragma GCC unroll 8
    for (int j = 0; j < 8; ++j) {
      r[j] = _mm512_mask_loadu_pd(_mm512_setzero_pd(), m, b + j * csb + p);
      s[j] = j < 4 ? _mm512_mask_loadu_pd(_mm512_setzero_pd(), m, b + (8 + j) * csb + p) : _mm512_setzero_pd();
    }
    transpose8(r);
    transpose8(s);
    for (int q = 0; q < w; ++q) {
      _mm512_storeu_pd(dst + (p + q) * 12, r[q]);
      _mm512_mask_storeu_pd(dst + (p + q) * 12 + 8, 0x0F, s[q]);
    }
  }
}

// One full A panel of 32 rows whose elements are contiguous along k (a[i*rsa + p]):
// dst[p*32 + i], 16 x 16 blocks transposed in registers.
void spack_a_rows_avx512(int64_t kc, const float* a, int64_t rsa, float* dst) {
  static_assert(kAvx512SMr == 32, "panel rows are two 16 x 16 blocks");
  for (int64_t p = 0; p < kc; p += 16) {
    const int64_t w = kc - p < 16 ? kc - p : 16;
    const __mmask16 m = __mmask16(w == 16 ? 0xFFFF : (1u << w) - 1);
#pragma GCC unroll 2
    for (int h = 0; h < 2; ++h) {
      __m512 r[16];
#pragma GCC unroll 16
      for (int i = 0; i < 16; ++i) r[i] = _mm512_mask_loadu_ps(_mm512_setzero_ps(), m, a + (16 * h + i) * rsa + p);
      transpose16(r);
      for (int q = 0; q < w; ++q) _mm512_storeu_ps(dst + (p + q) * 32 + 16 * h, r[q]);
    }
  }
}

// One full B panel of 12 columns whose elements are contiguous along k (b[j*csb + p]):
// dst[p*12 + j]; the 12 columns are transposed as 16 (4 of them zero) and stored 12 wide.
void spack_b_cols_avx512(int64_t kc, const float* b, int64_t csb, float* dst) {
  static_assert(kAvx512SNr == 12, "panel columns are 12 of a 16 x 16 block");
  for (int64_t p = 0; p < kc; p += 16) {
    const int64_t w = kc - p < 16 ? kc - p : 16;
    const __mmask16 m = __mmask16(w == 16 ? 0xFFFF : (1u << w) - 1);
    __m512 r[16];
#pragma GCC unroll 16
    for (int j = 0; j < 16; ++j) r[j] = j < 12 ? _mm512_mask_loadu_ps(_mm512_setzero_ps(), m, b + j * csb + p) : _mm512_setzero_ps();
    transpose16(r);
    for (int q = 0; q < w; ++q) _mm512_mask_storeu_ps(dst + (p + q) * 12, 0x0FFF, r[q]);
  }
}

void skernel_avx512(int64_t k, const float* a, const float* b, float alpha, float beta, float* c,
                    int64_t rsc, int64_t csc, int64_t mr, int64_t nr) {
  static_assert(kAvx512SMr == 32, "tile rows are two zmm of float");
  kernel<float, __m512, 16, kAvx512SNr>(k, a, b, alpha, beta, c, rsc, csc, mr, nr);
}

void dkernel_avx512(int64_t k, const double* a, const double* b, double alpha, double beta,
                    double* c, int64_t rsc, int64_t csc, int64_t mr, int64_t nr) {
  static_assert(kAvx512DMr == 16, "tile rows are two zmm of double");
  kernel<double, __m512d, 8, kAvx512DNr>(k, a, b, alpha, beta, c, rsc, csc, mr, nr);
}

}  // namespace gemm
}  // namespace tessera
