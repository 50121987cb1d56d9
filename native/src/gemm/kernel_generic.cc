// Portable micro-kernels: plain C++ written so that -O3 keeps the accumulator tile in vector
// registers (SSE2 on baseline x86-64, NEON on arm64). The loops over the tile have constant
// trip counts, so the compiler unrolls them fully; the innermost loop (over MR rows) is the
// vectorized one and needs no reassociation, so it vectorizes without -ffast-math.
#include "kernels.h"

namespace tessera {
namespace gemm {
namespace {

template <typename T, int MR, int NR>
void kernel(int64_t k, const T* a, const T* b, T alpha, T beta, T* c, int64_t rsc, int64_t csc,
            int64_t mr, int64_t nr) {
  T acc[NR][MR] = {};
  for (int64_t p = 0; p < k; ++p) {
    for (int j = 0; j < NR; ++j) {
      const T bj = b[j];
      for (int i = 0; i < MR; ++i) acc[j][i] += a[i] * bj;
    }
    a += MR;
    b += NR;
  }
  for (int64_t j = 0; j < nr; ++j) {
    for (int64_t i = 0; i < mr; ++i) {
      T* p = c + i * rsc + j * csc;
      const T v = alpha * acc[j][i];
      *p = beta == T(0) ? v : v + beta * *p;
    }
  }
}

}  // namespace

void skernel_generic(int64_t k, const float* a, const float* b, float alpha, float beta, float* c,
                     int64_t rsc, int64_t csc, int64_t mr, int64_t nr) {
  kernel<float, kGenericSMr, kGenericSNr>(k, a, b, alpha, beta, c, rsc, csc, mr, nr);
}

void dkernel_generic(int64_t k, const double* a, const double* b, double alpha, double beta,
                     double* c, int64_t rsc, int64_t csc, int64_t mr, int64_t nr) {
  kernel<double, kGenericDMr, kGenericDNr>(k, a, b, alpha, beta, c, rsc, csc, mr, nr);
}

}  // namespace gemm
}  // namespace tessera
