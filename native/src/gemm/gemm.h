// Strided GEMM (BLIS design): C = alpha * A * B + beta * C.
//
// A is m x k with element (i, p) at a[i*rsa + p*csa]; B is k x n at b[p*rsb + j*csb];
// C is m x n at c[i*rsc + j*csc]. Any strides are accepted (zero and negative included), so
// every transposition case is expressed by swapping strides. beta == 0 ignores C's old values
// (NaN/Inf in C do not leak); alpha == 0 or k == 0 scale C by beta only. m, n or k may be 0.
// The calls are thread-parallel inside (tessera::parallel_for) when the product is big enough.
// C must not alias A or B.
#pragma once

#include <cstdint>

namespace tessera {

void sgemm(int64_t m, int64_t n, int64_t k, float alpha,
           const float* a, int64_t rsa, int64_t csa,
           const float* b, int64_t rsb, int64_t csb,
           float beta, float* c, int64_t rsc, int64_t csc);

void dgemm(int64_t m, int64_t n, int64_t k, double alpha,
           const double* a, int64_t rsa, int64_t csa,
           const double* b, int64_t rsb, int64_t csb,
           double beta, double* c, int64_t rsc, int64_t csc);

// Strided batch: for t in [0, batch), the product of matrices at a + t*sa, b + t*sb, c + t*sc
// (batch strides may be 0 for a and b; c's batches must not overlap). Small matrices are run in
// parallel over the batch, large ones one after another, each parallel inside.
void sgemm_batched(int64_t batch, int64_t m, int64_t n, int64_t k, float alpha,
                   const float* a, int64_t sa, int64_t rsa, int64_t csa,
                   const float* b, int64_t sb, int64_t rsb, int64_t csb,
                   float beta, float* c, int64_t sc, int64_t rsc, int64_t csc);

void dgemm_batched(int64_t batch, int64_t m, int64_t n, int64_t k, double alpha,
                   const double* a, int64_t sa, int64_t rsa, int64_t csa,
                   const double* b, int64_t sb, int64_t rsb, int64_t csb,
                   double beta, double* c, int64_t sc, int64_t rsc, int64_t csc);

// Single-threaded variants, for callers that already parallelize outside (e.g. conv over images).
void sgemm_st(int64_t m, int64_t n, int64_t k, float alpha,
              const float* a, int64_t rsa, int64_t csa,
              const float* b, int64_t rsb, int64_t csb,
              float beta, float* c, int64_t rsc, int64_t csc);

void dgemm_st(int64_t m, int64_t n, int64_t k, double alpha,
              const double* a, int64_t rsa, int64_t csa,
              const double* b, int64_t rsb, int64_t csb,
              double beta, double* c, int64_t rsc, int64_t csc);

// Name of the micro-kernel path in use ("avx512", "avx2", "generic"), for diagnostics.
const char* gemm_kernel_name();

}  // namespace tessera
