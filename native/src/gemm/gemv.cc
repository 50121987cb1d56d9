// Matrix-vector products for the GEMM driver (gemv.h): A is read in place, with no packing.
#include "gemv.h"

#include <algorithm>
#include <vector>

#include "../threadpool.h"

namespace tessera {
namespace gemm {
namespace {

// y[i*incy] = alpha * sum_p A(i, p) x[p*incx] + beta * y[i*incy] for rows [i0, i1), where A has
// contiguous rows (csa == 1): one dot product per row with 64 bytes of partial sums, which the
// compiler vectorizes without reassociating (no -ffast-math). (Four rows at a time, to reuse the
// loads of x, vectorized across rows instead and ran 4x slower.)
template <typename T>
void gemv_rows(int64_t i0, int64_t i1, int64_t k, T alpha, const T* a, int64_t rsa, const T* x,
               T beta, T* y, int64_t incy) {
  constexpr int L = 64 / sizeof(T);
  for (int64_t i = i0; i < i1; ++i) {
    const T* row = a + i * rsa;
    T s[L] = {};
    int64_t p = 0;
    for (; p + L <= k; p += L) {
      for (int l = 0; l < L; ++l) s[l] += row[p + l] * x[p + l];
    }
    T dot = T(0);
    for (int l = 0; l < L; ++l) dot += s[l];
    for (; p < k; ++p) dot += row[p] * x[p];
    T* out = y + i * incy;
    *out = beta == T(0) ? alpha * dot : alpha * dot + beta * *out;
  }
}

// The same for A with contiguous columns (rsa == 1): y += A(:, p) * x[p] over p, in blocks of
// rows whose partial sums stay in L1.
template <typename T>
void gemv_cols(int64_t i0, int64_t i1, int64_t k, T alpha, const T* a, int64_t csa, const T* x,
               int64_t incx, T beta, T* y, int64_t incy) {
  constexpr int64_t kBlock = 2048;
  T acc[kBlock];
  for (int64_t b0 = i0; b0 < i1; b0 += kBlock) {
    const int64_t len = std::min(kBlock, i1 - b0);
    for (int64_t i = 0; i < len; ++i) acc[i] = T(0);
    for (int64_t p = 0; p < k; ++p) {
      const T xp = x[p * incx];
      const T* col = a + p * csa + b0;
      for (int64_t i = 0; i < len; ++i) acc[i] += col[i] * xp;
    }
    for (int64_t i = 0; i < len; ++i) {
      T* p = y + (b0 + i) * incy;
      *p = beta == T(0) ? alpha * acc[i] : alpha * acc[i] + beta * *p;
    }
  }
}

// C (m x 1) = alpha * A x + beta * C, x = B's only column. Packing would cost as much as the
// product and a GEMM tile would be 1/NR full, so these read A in place. False when A has neither
// contiguous rows nor contiguous columns (the GEMM path takes it).
template <typename T>
bool gemv_any(bool parallel, int64_t m, int64_t k, T alpha, const T* a, int64_t rsa, int64_t csa,
              const T* x, int64_t incx, T beta, T* y, int64_t incy) {
  const bool rows = csa == 1, cols = !rows && (rsa == 1 || m == 1);
  if (!rows && !cols) return false;
  if (rows && incx != 1) {
    // The dot products want x contiguous: copy it once.
    thread_local std::vector<T> xc;
    xc.resize(size_t(k));
    for (int64_t p = 0; p < k; ++p) xc[size_t(p)] = x[p * incx];
    x = xc.data();
    incx = 1;
  }
  auto run = [&](int64_t i0, int64_t i1) {
    if (rows) {
      gemv_rows(i0, i1, k, alpha, a, rsa, x, beta, y, incy);
    } else {
      gemv_cols(i0, i1, k, alpha, a, csa, x, incx, beta, y, incy);
    }
  };
  if (!parallel || num_threads() <= 1 || m * k < kParallelMinWork) {
    run(0, m);
  } else {
    // Chunks of whole cache lines of y (16 rows), about equal per thread.
    const int64_t blocks = (m + 15) / 16;
    parallel_for(blocks, 1, [&](int64_t b0, int64_t b1) { run(b0 * 16, std::min(m, b1 * 16)); });
  }
  return true;
}

}  // namespace

bool gemv(bool parallel, int64_t m, int64_t k, float alpha, const float* a, int64_t rsa, int64_t csa,
          const float* x, int64_t incx, float beta, float* y, int64_t incy) {
  return gemv_any<float>(parallel, m, k, alpha, a, rsa, csa, x, incx, beta, y, incy);
}

bool gemv(bool parallel, int64_t m, int64_t k, double alpha, const double* a, int64_t rsa,
          int64_t csa, const double* x, int64_t incx, double beta, double* y, int64_t incy) {
  return gemv_any<double>(parallel, m, k, alpha, a, rsa, csa, x, incx, beta, y, incy);
}

}  // namespace gemm
}  // namespace tessera
