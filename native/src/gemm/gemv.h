// Internal to the GEMM driver (generic code): matrix-vector products, y = alpha * A x + beta * y
// for an m x k matrix A (element (i, p) at a[i*rsa + p*csa]), x[p*incx], y[i*incy]. A GEMM with a
// single column reads A in place through these instead of packing it (packing would cost as much
// as the product, and a micro-kernel tile would be one column of NR full).
#pragma once

#include <cstdint>

namespace tessera {
namespace gemm {

// Below this many multiply-adds (2M: about 17 microseconds of one Zen 5 core) a product stays on
// the calling thread: a fork-join of the pool costs a few microseconds on an idle machine, and
// each thread would also pack the shared operand again.
constexpr int64_t kParallelMinWork = int64_t(1) << 21;

// False (nothing done) when A has neither contiguous rows nor contiguous columns. `parallel`
// false keeps the work on the calling thread. beta == 0 ignores y's old values.
bool gemv(bool parallel, int64_t m, int64_t k, float alpha, const float* a, int64_t rsa, int64_t csa,
          const float* x, int64_t incx, float beta, float* y, int64_t incy);
bool gemv(bool parallel, int64_t m, int64_t k, double alpha, const double* a, int64_t rsa,
          int64_t csa, const double* x, int64_t incx, double beta, double* y, int64_t incy);

}  // namespace gemm
}  // namespace tessera
