// Internal to the GEMM: micro-kernel entry points, one per ISA translation unit.
//
// A micro-kernel computes an MR x NR tile from packed panels: `a` holds k columns of MR values
// (a[p*MR + i]), `b` holds k rows of NR values (b[p*NR + j]); zero padding fills the panels
// beyond the real mr x nr tile. It then stores C[i*rsc + j*csc] = alpha*acc + beta*C for
// i < mr, j < nr (beta == 0: C is not read). The fast path is rsc == 1 with a full tile;
// anything else goes through a scratch tile.
//
// This header holds declarations and constants only: ISA translation units include it, and
// they must not share any inline code with generic code (see binding.gyp).
#pragma once

#include <cstdint>

namespace tessera {
namespace gemm {

typedef void (*SKernel)(int64_t k, const float* a, const float* b, float alpha, float beta,
                        float* c, int64_t rsc, int64_t csc, int64_t mr, int64_t nr);
typedef void (*DKernel)(int64_t k, const double* a, const double* b, double alpha, double beta,
                        double* c, int64_t rsc, int64_t csc, int64_t mr, int64_t nr);

// Tile sizes (rows x columns of C per micro-kernel call). The generic tiles keep their
// accumulators within SSE2's 16 registers (8 x 4 floats: 38 GFLOP/s on a Zen 5 core against 30
// for 8 x 6, which spills); arm64 has 32 registers and was not measured.
constexpr int kAvx512SMr = 32, kAvx512SNr = 12;
constexpr int kAvx512DMr = 16, kAvx512DNr = 12;
constexpr int kAvx2SMr = 16, kAvx2SNr = 6;
constexpr int kAvx2DMr = 8, kAvx2DNr = 6;
constexpr int kGenericSMr = 8, kGenericSNr = 4;
constexpr int kGenericDMr = 4, kGenericDNr = 4;

void skernel_avx512(int64_t k, const float* a, const float* b, float alpha, float beta,
                    float* c, int64_t rsc, int64_t csc, int64_t mr, int64_t nr);
void dkernel_avx512(int64_t k, const double* a, const double* b, double alpha, double beta,
                    double* c, int64_t rsc, int64_t csc, int64_t mr, int64_t nr);
// Packing of full float panels from operands contiguous along k (the transposing cases), with
// in-register 16 x 16 transposes: an A panel of kAvx512SMr rows, a B panel of kAvx512SNr columns.
void spack_a_rows_avx512(int64_t kc, const float* a, int64_t rsa, float* dst);
void spack_b_cols_avx512(int64_t kc, const float* b, int64_t csb, float* dst);
void dpack_a_rows_avx512(int64_t kc, const double* a, int64_t rsa, double* dst);
void dpack_b_cols_avx512(int64_t kc, const double* b, int64_t csb, double* dst);
void spack_a_rows_avx2(int64_t kc, const float* a, int64_t rsa, float* dst);
void spack_b_cols_avx2(int64_t kc, const float* b, int64_t csb, float* dst);
void skernel_avx2(int64_t k, const float* a, const float* b, float alpha, float beta,
                  float* c, int64_t rsc, int64_t csc, int64_t mr, int64_t nr);
void dkernel_avx2(int64_t k, const double* a, const double* b, double alpha, double beta,
                  double* c, int64_t rsc, int64_t csc, int64_t mr, int64_t nr);
void skernel_generic(int64_t k, const float* a, const float* b, float alpha, float beta,
                     float* c, int64_t rsc, int64_t csc, int64_t mr, int64_t nr);
void dkernel_generic(int64_t k, const double* a, const double* b, double alpha, double beta,
                     double* c, int64_t rsc, int64_t csc, int64_t mr, int64_t nr);

}  // namespace gemm
}  // namespace tessera

namespace tessera {
namespace gemm {
// Overrides the float32 block sizes (0 restores the default); for the tuning benchmark only,
// not thread-safe against running products.
void set_blocking_for_tuning(int64_t mc, int64_t kc, int64_t nc);
}  // namespace gemm
}  // namespace tessera
