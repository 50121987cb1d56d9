// Standalone GEMM test: compares sgemm/dgemm (and their _st and batched forms) with a naive
// triple loop in long double on many shapes, layouts and alpha/beta values. Build and run
// (from native/; the ISA files get their own flags, as in binding.gyp):
//   g++ -O3 -std=c++17 -mavx512f -mavx512dq -mavx512bw -mavx512vl -mfma -c src/gemm/kernel_avx512.cc -o /tmp/k512.o
//   g++ -O3 -std=c++17 -mavx2 -mfma -c src/gemm/kernel_avx2.cc -o /tmp/k2.o
//   g++ -O3 -std=c++17 -DTESSERA_X86 -Isrc -Isrc/gemm test/gemm_test.cc src/gemm/gemm.cc src/gemm/gemv.cc
//       src/gemm/kernel_generic.cc src/cpu.cc src/threadpool.cc /tmp/k512.o /tmp/k2.o
//       -lpthread -o /tmp/gemm_test
//   for isa in avx512 avx2 generic; do TESSERA_ISA=$isa /tmp/gemm_test; done
// (add -fsanitize=address,undefined to every line to run it under AddressSanitizer).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <vector>

#include "cpu.h"
#include "gemm.h"
#include "threadpool.h"

namespace {

uint64_t rng_state = 0x9e3779b97f4a7c15ull;
double uniform() {  // in [-1, 1)
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return double(rng_state >> 11) / double(1ull << 52) - 1.0;
}
int64_t pick(const std::vector<int64_t>& v) { return v[size_t((uniform() + 1) * 0.5 * double(v.size())) % v.size()]; }

int failures = 0, checks = 0;

// Layout of one operand: a rows x cols matrix inside a buffer, with strides and a base offset.
struct Layout {
  int64_t rs, cs, offset, size;
};

// kind 0 row-major, 1 column-major, 2 padded row-major, 3 negative row stride,
// 4 broadcast rows (row stride 0), 5 general (both strides > 1)
Layout make_layout(int kind, int64_t rows, int64_t cols) {
  const int64_t r = std::max<int64_t>(rows, 1), c = std::max<int64_t>(cols, 1);
  switch (kind) {
    case 0: return {c, 1, 0, r * c};
    case 1: return {1, r, 0, r * c};
    case 2: return {c + 3, 1, 0, r * (c + 3)};
    case 3: return {-c, 1, (r - 1) * c, r * c};
    case 4: return {0, 1, 0, c};
    default: return {2 * c + 1, 2, 0, r * (2 * c + 1)};
  }
}

template <typename T>
void check(const char* what, int64_t batch, int64_t m, int64_t n, int64_t k, T alpha, T beta,
           int ka, int kb, int kcl, int mode) {
  const Layout la = make_layout(ka, m, k), lb = make_layout(kb, k, n);
  // C never broadcasts (kind 4) and never has a negative stride in this test.
  const Layout lc = make_layout(kcl == 4 || kcl == 3 ? 0 : kcl, m, n);
  const bool bcast_a = mode == 2 && (batch & 1);  // batch stride 0 for A on odd batches
  const int64_t sa = bcast_a ? 0 : la.size, sb = lb.size, sc = lc.size;
  std::vector<T> a(size_t(sa * (batch - 1) + la.size)), b(size_t(sb * (batch - 1) + lb.size));
  std::vector<T> c(size_t(sc * batch)), c0;
  for (auto& x : a) x = T(uniform());
  for (auto& x : b) x = T(uniform());
  for (auto& x : c) x = beta == T(0) ? std::numeric_limits<T>::quiet_NaN() : T(uniform());
  c0 = c;
  const T* pa = a.data() + la.offset;
  const T* pb = b.data() + lb.offset;
  T* pc = c.data() + lc.offset;
  const bool f32 = sizeof(T) == 4;
  if (mode == 2) {
    if (f32) {
      tessera::sgemm_batched(batch, m, n, k, float(alpha), (const float*)pa, sa, la.rs, la.cs,
                             (const float*)pb, sb, lb.rs, lb.cs, float(beta), (float*)pc, sc,
                             lc.rs, lc.cs);
    } else {
      tessera::dgemm_batched(batch, m, n, k, double(alpha), (const double*)pa, sa, la.rs, la.cs,
                             (const double*)pb, sb, lb.rs, lb.cs, double(beta), (double*)pc, sc,
                             lc.rs, lc.cs);
    }
  } else {
    for (int64_t t = 0; t < batch; ++t) {
      auto fs = mode == 0 ? tessera::sgemm : tessera::sgemm_st;
      auto fd = mode == 0 ? tessera::dgemm : tessera::dgemm_st;
      if (f32) {
        fs(m, n, k, float(alpha), (const float*)pa + t * sa, la.rs, la.cs, (const float*)pb + t * sb,
           lb.rs, lb.cs, float(beta), (float*)pc + t * sc, lc.rs, lc.cs);
      } else {
        fd(m, n, k, double(alpha), (const double*)pa + t * sa, la.rs, la.cs,
           (const double*)pb + t * sb, lb.rs, lb.cs, double(beta), (double*)pc + t * sc, lc.rs,
           lc.cs);
      }
    }
  }
  // Error bound of a k-term dot product: |err| <= k * eps * sum |a_ip * b_pj| (+ rounding of
  // the alpha/beta update), so the tolerance scales with k and with the magnitudes involved.
  const double eps = f32 ? 1.2e-7 : 2.3e-16;
  int64_t bad = 0;
  double worst = 0;
  for (int64_t t = 0; t < batch; ++t) {
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < n; ++j) {
        long double acc = 0, mag = 0;
        for (int64_t p = 0; p < k; ++p) {
          const long double x = (long double)pa[t * sa + i * la.rs + p * la.cs] *
                                pb[t * sb + p * lb.rs + j * lb.cs];
          acc += x;
          mag += std::fabs((double)x);
        }
        const int64_t ci = t * sc + lc.offset + i * lc.rs + j * lc.cs;
        const long double old = beta == T(0) ? 0 : (long double)c0[size_t(ci)];
        const long double want = (long double)alpha * acc + (long double)beta * old;
        const double got = double(c[size_t(ci)]);
        const double tol = (double(k) + 4) * eps *
                           (std::fabs(double(alpha)) * double(mag) + std::fabs(double(beta * old)) + 1e-30);
        const double err = std::fabs(got - double(want));
        if (!(err <= tol)) {
          if (bad < 3) {
            std::printf("  %s mismatch at [%lld,%lld,%lld]: got %g want %g (tol %g)\n", what,
                        (long long)t, (long long)i, (long long)j, got, double(want), tol);
          }
          ++bad;
        }
        if (err > worst) worst = err;
      }
    }
  }
  ++checks;
  if (bad > 0) {
    ++failures;
    std::printf("FAIL %s %s batch=%lld m=%lld n=%lld k=%lld alpha=%g beta=%g layouts a%d b%d c%d mode %d: %lld bad\n",
                f32 ? "f32" : "f64", what, (long long)batch, (long long)m, (long long)n,
                (long long)k, double(alpha), double(beta), ka, kb, kcl, mode, (long long)bad);
  }
}

template <typename T>
void run_all(const char* name) {
  const std::vector<int64_t> small = {0, 1, 2, 3, 5, 7, 11, 13, 16, 17, 31, 32, 33};
  const std::vector<int64_t> mid = {1, 6, 12, 15, 16, 31, 32, 33, 47, 48, 49, 64, 97, 127};
  const std::vector<int64_t> big = {1, 3, 100, 129, 200, 257, 301, 411, 530};
  const T alphas[] = {T(1), T(2.5), T(-0.75), T(0)};
  const T betas[] = {T(0), T(1), T(-1.5), T(0.5)};
  // Exhaustive over small shapes with the common layouts.
  for (int64_t m : small)
    for (int64_t n : small)
      for (int64_t k : {int64_t(0), int64_t(1), int64_t(4), int64_t(13)})
        for (int lay = 0; lay < 4; ++lay)
          check<T>(name, 1, m, n, k, T(1), T(0), lay == 1 ? 1 : 0, lay == 2 ? 1 : 0, lay == 3 ? 1 : 0, 1);
  // Random mid/large shapes, random layouts, alpha/beta, modes.
  for (int it = 0; it < 400; ++it) {
    const std::vector<int64_t>& pool = it % 4 == 0 ? big : mid;
    const int64_t m = pick(pool), n = pick(pool), k = pick(it % 3 == 0 ? big : mid);
    const T alpha = alphas[it % 4], beta = betas[(it / 4) % 4];
    const int mode = it % 3;
    const int64_t batch = mode == 2 ? 1 + it % 5 : 1;
    check<T>(name, batch, m, n, k, alpha, beta, it % 6, (it / 6) % 6, (it / 36) % 6, mode);
  }
  // Sizes that cross every block boundary (MC, KC, NC) with threads.
  check<T>(name, 1, 1100, 700, 900, T(1), T(0), 0, 0, 0, 0);
  check<T>(name, 1, 700, 4200, 130, T(1), T(1), 1, 0, 0, 0);
  check<T>(name, 1, 4200, 40, 800, T(0.5), T(-1), 0, 1, 1, 0);
  check<T>(name, 3, 128, 130, 520, T(1), T(0), 0, 1, 0, 2);
  check<T>(name, 16, 9, 10, 11, T(1), T(0), 2, 5, 5, 2);
  // Matrix-vector products (no packing), threaded above 2M multiply-adds, both layouts of A,
  // x strided or reversed, row vectors (m == 1) turned into columns.
  check<T>(name, 1, 4100, 1, 600, T(1), T(0), 0, 0, 0, 0);
  check<T>(name, 1, 4100, 1, 600, T(2), T(0.5), 1, 0, 0, 0);
  check<T>(name, 1, 3001, 1, 701, T(1), T(0), 2, 3, 2, 0);
  check<T>(name, 1, 3001, 1, 701, T(1), T(1), 1, 5, 5, 0);
  check<T>(name, 1, 1, 4100, 600, T(1), T(0), 0, 1, 0, 0);
  check<T>(name, 1, 1, 4100, 600, T(-1), T(0), 3, 0, 2, 1);
  check<T>(name, 5, 1, 1, 3000, T(1), T(0), 0, 1, 0, 2);
}

}  // namespace

int main() {
  std::printf("isa %s, kernel %s, %d threads\n", tessera::isa_name(tessera::detected_isa()),
              tessera::gemm_kernel_name(), tessera::num_threads());
  run_all<float>("sgemm");
  run_all<double>("dgemm");
  std::printf("%d checks, %d failures\n", checks, failures);
  return failures == 0 ? 0 : 1;
}
