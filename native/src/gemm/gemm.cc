// GEMM driver (BLIS design): blocking, packing, threading and run-time kernel choice.
//
// Loop nest for one thread (C += A*B on an m x n block):
//   jc over n in NC columns:   B block  (KC x NC) packed into NR-column panels  -> lives in L3
//     pc over k in KC:
//       ic over m in MC rows:  A block  (MC x KC) packed into MR-row panels     -> lives in L2
//         jr over NR, ir over MR: micro-kernel on an A panel (streamed from L2) and a B panel
//                                  (KC x NR, stays in L1 across the ir loop)
// The micro-kernels keep MR along their vector lanes, so they want C with unit row stride
// (column-major); a row-major C (the usual case) is handled by computing C^T = B^T A^T, which
// is the same call with the operands swapped and their strides exchanged.
//
// Threads: C is cut into equal column (or row) strips, one per thread, each run by the loop
// nest above with its own packing buffers; no barrier inside. Each thread packs the whole of
// the shared operand, which costs k*m (or k*n) copies against m*n*k/threads flops.
//
// Packing is in pack.h (with ISA routines for the transposing cases, kernel_*.cc); products
// with a single column skip it (gemv.cc).
#include "gemm.h"

#include <algorithm>
#include <cstdlib>
#include <cstdint>

#include "../cpu.h"
#include "../threadpool.h"
#include "gemv.h"
#include "kernels.h"
#include "pack.h"

namespace tessera {
namespace {

using gemm::kParallelMinWork;
using gemm::pack_a;
using gemm::pack_b;
using gemm::PanelFn;

template <typename T>
struct Config {
  void (*kernel)(int64_t, const T*, const T*, T, T, T*, int64_t, int64_t, int64_t, int64_t);
  int mr, nr;
  int64_t mc, kc, nc;
  void (*pack_a)(int64_t, int64_t, const T*, int64_t, int64_t, T*);
  void (*pack_b)(int64_t, int64_t, const T*, int64_t, int64_t, T*);
  const char* name;
};

// ---- configuration -------------------------------------------------------------------------

// Block sizes: KC*NR*sizeof(T) (one B panel) stays well inside L1 (32-48 KB); MC*KC*sizeof(T)
// (the A block) inside half of a 1 MB L2; KC*NC*sizeof(T) (the B block) in L3. Measured on a
// Zen 5 EPYC (see BENCHMARKS.md); the AVX2 and generic sizes follow the same budget.
template <typename T, int MR, int NR, PanelFn<T> Rows = nullptr, PanelFn<T> Cols = nullptr>
Config<T> make_config(decltype(Config<T>::kernel) kernel, int64_t mc, int64_t kc, int64_t nc,
                      const char* name) {
  return Config<T>{kernel, MR, NR, mc / MR * MR, kc, nc / NR * NR, &pack_a<T, MR, Rows>,
                   &pack_b<T, NR, Cols>, name};
}

// The x86 kernels exist only in x86-64 builds (binding.gyp compiles their files there only).
#if defined(TESSERA_X86) || defined(__x86_64__) || defined(_M_X64)
#define TESSERA_GEMM_X86 1
#endif

Config<float> select_sconfig() {
  using namespace gemm;
  switch (detected_isa()) {
#ifdef TESSERA_GEMM_X86
    case Isa::Avx512:
      return make_config<float, kAvx512SMr, kAvx512SNr, &spack_a_rows_avx512,
                         &spack_b_cols_avx512>(&skernel_avx512, 256, 384, 4092, "avx512");
    case Isa::Avx2:
      return make_config<float, kAvx2SMr, kAvx2SNr, &spack_a_rows_avx2, &spack_b_cols_avx2>(
          &skernel_avx2, 192, 256, 4092, "avx2");
#endif
    default:
      return make_config<float, kGenericSMr, kGenericSNr>(&skernel_generic, 128, 256, 4092,
                                                           "generic");
  }
}

Config<double> select_dconfig() {
  using namespace gemm;
  switch (detected_isa()) {
#ifdef TESSERA_GEMM_X86
    case Isa::Avx512:
      return make_config<double, kAvx512DMr, kAvx512DNr, &dpack_a_rows_avx512,
                         &dpack_b_cols_avx512>(&dkernel_avx512, 256, 192, 2046,
                                                         "avx512");
    case Isa::Avx2:
      return make_config<double, kAvx2DMr, kAvx2DNr>(&dkernel_avx2, 96, 256, 2046, "avx2");
#endif
    default:
      return make_config<double, kGenericDMr, kGenericDNr>(&dkernel_generic, 64, 256, 2046,
                                                            "generic");
  }
}

Config<float>& sconfig() {
  static Config<float> cfg = select_sconfig();
  return cfg;
}
Config<double>& dconfig() {
  static Config<double> cfg = select_dconfig();
  return cfg;
}
template <typename T>
Config<T>& config();
template <>
Config<float>& config<float>() { return sconfig(); }
template <>
Config<double>& config<double>() { return dconfig(); }

// ---- buffers -------------------------------------------------------------------------------

// Per-thread packing buffer, 64-byte aligned, grown on demand and kept for the next call (at
// most MC*KC + KC*NC elements: about 7 MB per thread for float32). Aligned by hand: MSVC has no
// std::aligned_alloc.
struct Buffer {
  void* raw = nullptr;
  void* p = nullptr;
  size_t bytes = 0;
  ~Buffer() { std::free(raw); }
  void* get(size_t want) {
    if (want > bytes) {
      std::free(raw);
      raw = std::malloc(want + 64);
      p = raw == nullptr ? nullptr
                         : reinterpret_cast<void*>((reinterpret_cast<uintptr_t>(raw) + 63) & ~uintptr_t(63));
      bytes = raw == nullptr ? 0 : want;
    }
    return p;
  }
};
thread_local Buffer tl_abuf, tl_bbuf;

// ---- drivers -------------------------------------------------------------------------------

// C = beta*C on an m x n block (the k == 0 / alpha == 0 case). beta == 0 writes zeros.
template <typename T>
void scale_c(int64_t m, int64_t n, T beta, T* c, int64_t rsc, int64_t csc) {
  if (beta == T(1)) return;
  for (int64_t j = 0; j < n; ++j) {
    for (int64_t i = 0; i < m; ++i) {
      T* p = c + i * rsc + j * csc;
      *p = beta == T(0) ? T(0) : beta * *p;
    }
  }
}

// One thread, whole loop nest. m, n, k >= 1.
template <typename T>
void gemm_block(const Config<T>& cfg, int64_t m, int64_t n, int64_t k, T alpha, const T* a,
                int64_t rsa, int64_t csa, const T* b, int64_t rsb, int64_t csb, T beta, T* c,
                int64_t rsc, int64_t csc) {
  const int64_t mr = cfg.mr, nr = cfg.nr;
  // Equal K blocks (784 = 392 + 392, not 384 + 384 + 16): a short last block would pay the
  // C update and the kernel's start-up for little work.
  const int64_t kblocks = (k + cfg.kc - 1) / cfg.kc;
  const int64_t kc_max = (k + kblocks - 1) / kblocks;
  const int64_t mc_max = std::min(cfg.mc, (m + mr - 1) / mr * mr);
  const int64_t nc_max = std::min(cfg.nc, (n + nr - 1) / nr * nr);
  T* abuf = static_cast<T*>(tl_abuf.get(sizeof(T) * size_t(mc_max * kc_max)));
  T* bbuf = static_cast<T*>(tl_bbuf.get(sizeof(T) * size_t(nc_max * kc_max)));
  if (abuf == nullptr || bbuf == nullptr) std::abort();  // out of memory: nothing sane to do
  for (int64_t jc = 0; jc < n; jc += cfg.nc) {
    const int64_t nc = std::min(cfg.nc, n - jc);
    for (int64_t pc = 0; pc < k; pc += kc_max) {
      const int64_t kc = std::min(kc_max, k - pc);
      const T beta_pc = pc == 0 ? beta : T(1);
      cfg.pack_b(kc, nc, b + pc * rsb + jc * csb, rsb, csb, bbuf);
      for (int64_t ic = 0; ic < m; ic += cfg.mc) {
        const int64_t mc = std::min(cfg.mc, m - ic);
        cfg.pack_a(mc, kc, a + ic * rsa + pc * csa, rsa, csa, abuf);
        for (int64_t jr = 0; jr < nc; jr += nr) {
          const T* bp = bbuf + jr * kc;
          T* cj = c + ic * rsc + (jc + jr) * csc;
          const int64_t nrr = std::min(nr, nc - jr);
          for (int64_t ir = 0; ir < mc; ir += mr) {
            cfg.kernel(kc, abuf + ir * kc, bp, alpha, beta_pc, cj + ir * rsc, rsc, csc,
                       std::min(mr, mc - ir), nrr);
          }
        }
      }
    }
  }
}

// Whether to compute C^T = B^T A^T instead of C = A B. The kernels store straight from their
// registers when C has unit row stride (rsc == 1), and through a scratch tile otherwise, which
// costs little; what costs more is padding: a tile covers MR rows and NR columns of C, so a thin
// C (128 x 10, say) should put its short side along NR. Pick the orientation that wastes fewer
// tile slots, and on a tie the one with unit row stride.
template <typename T>
bool choose_transpose(const Config<T>& cfg, int64_t m, int64_t n, int64_t rsc, int64_t csc) {
  auto slots = [&](int64_t rows, int64_t cols) {
    return double((rows + cfg.mr - 1) / cfg.mr * cfg.mr) * double((cols + cfg.nr - 1) / cfg.nr * cfg.nr);
  };
  const double keep = slots(m, n), swap = slots(n, m);
  const bool keep_direct = rsc == 1 || m == 1, swap_direct = csc == 1 || n == 1;
  if (keep < swap * 0.9) return false;
  if (swap < keep * 0.9) return true;
  return !keep_direct && swap_direct;
}


// Orientation and threading; `parallel` false keeps everything on the calling thread.
template <typename T>
void gemm_any(bool parallel, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t rsa,
              int64_t csa, const T* b, int64_t rsb, int64_t csb, T beta, T* c, int64_t rsc,
              int64_t csc) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0 || alpha == T(0)) {
    scale_c(m, n, beta, c, rsc, csc);
    return;
  }
  const Config<T>& cfg = config<T>();
  if (choose_transpose(cfg, m, n, rsc, csc)) {
    std::swap(m, n);
    std::swap(a, b);
    std::swap(rsa, csb);
    std::swap(csa, rsb);
    std::swap(rsc, csc);
  }
  if (m == 1) rsc = 1;
  if (n == 1 && gemm::gemv(parallel, m, k, alpha, a, rsa, csa, b, rsb, beta, c, rsc)) return;
  const int threads = parallel ? num_threads() : 1;
  if (threads <= 1 || m * n * k < kParallelMinWork) {
    gemm_block(cfg, m, n, k, alpha, a, rsa, csa, b, rsb, csb, beta, c, rsc, csc);
    return;
  }
  // Cut the longer side of C into strips of whole tiles, one per thread.
  const bool by_cols = n >= m;
  const int64_t unit = by_cols ? cfg.nr : cfg.mr;
  const int64_t len = by_cols ? n : m;
  const int64_t tiles = (len + unit - 1) / unit;
  const int64_t parts = std::min<int64_t>(threads, tiles);
  parallel_for(parts, 1, [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) {
      const int64_t lo = tiles * t / parts * unit;
      const int64_t hi = std::min(len, tiles * (t + 1) / parts * unit);
      if (hi <= lo) continue;
      if (by_cols) {
        gemm_block(cfg, m, hi - lo, k, alpha, a, rsa, csa, b + lo * csb, rsb, csb, beta,
                   c + lo * csc, rsc, csc);
      } else {
        gemm_block(cfg, hi - lo, n, k, alpha, a + lo * rsa, rsa, csa, b, rsb, csb, beta,
                   c + lo * rsc, rsc, csc);
      }
    }
  });
}

template <typename T>
void gemm_batched_any(int64_t batch, int64_t m, int64_t n, int64_t k, T alpha, const T* a,
                      int64_t sa, int64_t rsa, int64_t csa, const T* b, int64_t sb, int64_t rsb,
                      int64_t csb, T beta, T* c, int64_t sc, int64_t rsc, int64_t csc) {
  if (batch <= 0 || m <= 0 || n <= 0) return;
  const int threads = num_threads();
  const int64_t work = m * n * std::max<int64_t>(k, 1);
  // Over the batch when each product is too small to split well, or when the batch divides
  // evenly among the threads; otherwise one product after another, each split inside.
  const bool over_batch =
      batch > 1 && threads > 1 && (work < 16 * kParallelMinWork || batch % threads == 0 ||
                                   batch >= 8 * threads);
  if (!over_batch) {
    for (int64_t t = 0; t < batch; ++t) {
      gemm_any<T>(true, m, n, k, alpha, a + t * sa, rsa, csa, b + t * sb, rsb, csb, beta,
                  c + t * sc, rsc, csc);
    }
    return;
  }
  const int64_t grain = std::max<int64_t>(1, kParallelMinWork / work);
  parallel_for(batch, grain, [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) {
      gemm_any<T>(false, m, n, k, alpha, a + t * sa, rsa, csa, b + t * sb, rsb, csb, beta,
                  c + t * sc, rsc, csc);
    }
  });
}

}  // namespace

void sgemm(int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t rsa,
           int64_t csa, const float* b, int64_t rsb, int64_t csb, float beta, float* c,
           int64_t rsc, int64_t csc) {
  gemm_any<float>(true, m, n, k, alpha, a, rsa, csa, b, rsb, csb, beta, c, rsc, csc);
}

void dgemm(int64_t m, int64_t n, int64_t k, double alpha, const double* a, int64_t rsa,
           int64_t csa, const double* b, int64_t rsb, int64_t csb, double beta, double* c,
           int64_t rsc, int64_t csc) {
  gemm_any<double>(true, m, n, k, alpha, a, rsa, csa, b, rsb, csb, beta, c, rsc, csc);
}

void sgemm_st(int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t rsa,
              int64_t csa, const float* b, int64_t rsb, int64_t csb, float beta, float* c,
              int64_t rsc, int64_t csc) {
  gemm_any<float>(false, m, n, k, alpha, a, rsa, csa, b, rsb, csb, beta, c, rsc, csc);
}

void dgemm_st(int64_t m, int64_t n, int64_t k, double alpha, const double* a, int64_t rsa,
              int64_t csa, const double* b, int64_t rsb, int64_t csb, double beta, double* c,
              int64_t rsc, int64_t csc) {
  gemm_any<double>(false, m, n, k, alpha, a, rsa, csa, b, rsb, csb, beta, c, rsc, csc);
}

void sgemm_batched(int64_t batch, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                   int64_t sa, int64_t rsa, int64_t csa, const float* b, int64_t sb, int64_t rsb,
                   int64_t csb, float beta, float* c, int64_t sc, int64_t rsc, int64_t csc) {
  gemm_batched_any<float>(batch, m, n, k, alpha, a, sa, rsa, csa, b, sb, rsb, csb, beta, c, sc,
                          rsc, csc);
}

void dgemm_batched(int64_t batch, int64_t m, int64_t n, int64_t k, double alpha,
                   const double* a, int64_t sa, int64_t rsa, int64_t csa, const double* b,
                   int64_t sb, int64_t rsb, int64_t csb, double beta, double* c, int64_t sc,
                   int64_t rsc, int64_t csc) {
  gemm_batched_any<double>(batch, m, n, k, alpha, a, sa, rsa, csa, b, sb, rsb, csb, beta, c, sc,
                           rsc, csc);
}

const char* gemm_kernel_name() { return sconfig().name; }

namespace gemm {
void set_blocking_for_tuning(int64_t mc, int64_t kc, int64_t nc) {
  Config<float>& s = sconfig();
  const Config<float> def = select_sconfig();
  s.mc = mc > 0 ? std::max<int64_t>(mc / s.mr * s.mr, s.mr) : def.mc;
  s.kc = kc > 0 ? kc : def.kc;
  s.nc = nc > 0 ? std::max<int64_t>(nc / s.nr * s.nr, s.nr) : def.nc;
}
}  // namespace gemm

}  // namespace tessera
