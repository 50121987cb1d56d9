// Standalone SGEMM/DGEMM benchmark for tuning (row-major C = A * B, as matmul calls it):
//   gemm_bench [threads] [mc kc nc]    block sizes override the float32 defaults
// Environment: TESSERA_BENCH_SIZES="256 512" (square sizes; default 256..2048 plus the MLP's
// products), SHAPE="m n k" (one product), PAD=16 (pad every leading dimension),
// TESSERA_BENCH_F64=1 (dgemm), TESSERA_BENCH_CPU=1 (process CPU time instead of wall-clock time:
// single-thread tuning on a shared machine, where time spent descheduled would otherwise count).
// Build like gemm_test.cc (see its header), with this file in place of gemm_test.cc.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <vector>

#include "gemm.h"
#include "kernels.h"
#include "threadpool.h"

namespace {

double now() {
  if (std::getenv("TESSERA_BENCH_CPU")) {
    timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Median GFLOP/s over `runs` timings of enough repetitions for ~0.1 s each.
template <typename T>
double bench(int64_t m, int64_t n, int64_t k, int runs, bool ta = false, bool tb = false) {
  const int64_t pad = std::getenv("PAD") ? std::atoll(std::getenv("PAD")) : 0;
  std::vector<T> a(size_t(m * (k + pad))), b(size_t(k * (n + pad))), c(size_t(m * (n + pad)));
  for (size_t i = 0; i < a.size(); ++i) a[i] = T(i % 7) * T(0.25) - T(0.5);
  for (size_t i = 0; i < b.size(); ++i) b[i] = T(i % 5) * T(0.25) - T(0.5);
  const double flops = 2.0 * double(m) * double(n) * double(k);
  // ta / tb: the operand is the transpose of a stored row-major array (as nn.Linear's W^T).
  const int64_t rsa = ta ? 1 : k + pad, csa = ta ? m : 1, rsb = tb ? 1 : n + pad, csb = tb ? k : 1;
  auto once = [&] {
    if constexpr (sizeof(T) == 4) {
      tessera::sgemm(m, n, k, 1.0f, a.data(), rsa, csa, b.data(), rsb, csb, 0.0f, c.data(), n + pad, 1);
    } else {
      tessera::dgemm(m, n, k, 1.0, a.data(), rsa, csa, b.data(), rsb, csb, 0.0, c.data(), n, 1);
    }
  };
  once();
  const int reps = std::max(1, int(2e10 / flops));  // about 0.1 s at 200 GFLOP/s
  std::vector<double> g;
  for (int r = 0; r < runs; ++r) {
    const double t0 = now();
    for (int i = 0; i < reps; ++i) once();
    g.push_back(flops * reps / (now() - t0) / 1e9);
  }
  std::sort(g.begin(), g.end());
  return g[g.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) tessera::set_num_threads(std::atoi(argv[1]));
  if (argc > 4) tessera::gemm::set_blocking_for_tuning(std::atoll(argv[2]), std::atoll(argv[3]), std::atoll(argv[4]));
  std::vector<int64_t> sizes = {256, 512, 1024, 2048};
  if (const char* s = std::getenv("TESSERA_BENCH_SIZES")) {
    sizes.clear();
    for (char* p = const_cast<char*>(s); *p;) {
      char* end;
      const long v = std::strtol(p, &end, 10);
      if (end == p) break;
      sizes.push_back(v);
      p = end;
    }
  }
  std::printf("kernel %s, %d threads\n", tessera::gemm_kernel_name(), tessera::num_threads());
  if (const char* sh = std::getenv("SHAPE")) {
    long long m, n, k;
    if (std::sscanf(sh, "%lld %lld %lld", &m, &n, &k) == 3) {
      std::printf("%lldx%lld@%lldx%lld\t%.1f GFLOP/s\n", m, k, k, n, bench<float>(m, n, k, 5));
      return 0;
    }
  }
  const bool f64 = std::getenv("TESSERA_BENCH_F64") != nullptr;
  for (int64_t n : sizes) {
    std::printf("%lld\t%.1f GFLOP/s\n", (long long)n, f64 ? bench<double>(n, n, n, 5) : bench<float>(n, n, n, 5));
  }
  if (!std::getenv("TESSERA_BENCH_SIZES")) {
    // The MLP's products as nn.Linear makes them: x @ W^T, g @ W, x^T @ g.
    const struct { const char* label; int64_t m, k, n; bool ta, tb; } mlp[] = {
        {"fwd1 x[128,784] @ W1^T", 128, 784, 512, false, true},
        {"fwd2 h[128,512] @ W2^T", 128, 512, 512, false, true},
        {"fwd3 h[128,512] @ W3^T", 128, 512, 10, false, true},
        {"dX3 g[128,10] @ W3", 128, 10, 512, false, false},
        {"dX2 g[128,512] @ W2", 128, 512, 512, false, false},
        {"dX1 g[128,512] @ W1", 128, 512, 784, false, false},
        {"dW3 h^T @ g[128,10]", 512, 128, 10, true, false},
        {"dW2 h^T @ g[128,512]", 512, 128, 512, true, false},
        {"dW1 x^T @ g[128,512]", 784, 128, 512, true, false},
    };
    for (auto& s : mlp) {
      std::printf("%s\t%.1f GFLOP/s\n", s.label, bench<float>(s.m, s.n, s.k, 5, s.ta, s.tb));
    }
  }
  return 0;
}
