// Standalone benchmark of the conv and pooling kernels on the ANCHORS.md CNN's shapes (batch 128:
// conv1 1->32 on 28x28, conv2 32->64 on 26x26, both 3x3; max/avg pooling 2x2 of [128,64,24,24]),
// next to the bare GEMMs one image of conv2 needs (times 128), so that im2col/col2im's share shows.
//   conv_bench [threads]
// Reports process CPU time (time spent descheduled on a shared machine does not count) and wall
// time, best of 7 groups of 3 calls. Build (from native/; the ISA files get their own flags):
//   g++ -O3 -std=c++17 -mavx512f -mavx512dq -mavx512bw -mavx512vl -mfma -c src/gemm/kernel_avx512.cc -o /tmp/k512.o
//   g++ -O3 -std=c++17 -mavx2 -mfma -c src/gemm/kernel_avx2.cc -o /tmp/k2.o
//   g++ -O3 -std=c++17 -DTESSERA_X86 -Isrc -Isrc/gemm test/conv_bench.cc src/conv/conv.cc src/conv/pool.cc
//       src/gemm/gemm.cc src/gemm/gemv.cc src/gemm/kernel_generic.cc src/cpu.cc src/threadpool.cc
//       /tmp/k512.o /tmp/k2.o -lpthread -o /tmp/conv_bench
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

#include "conv/conv.h"
#include "gemm/gemm.h"
#include "threadpool.h"

namespace tessera {
// The addon's pool (alloc.cc) is N-API code; plain aligned memory stands in for it here.
void* scratch_acquire(size_t bytes) { return std::aligned_alloc(64, (bytes + 63) / 64 * 64); }
void scratch_release(void* p, size_t) { std::free(p); }
}  // namespace tessera

namespace {

using namespace tessera;

double cpu_ms() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

double wall_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

template <class F>
void bench(const char* name, F f, double flops) {
  f();
  double cpu = 1e30, wall = 1e30;
  for (int rep = 0; rep < 7; rep++) {
    const int n = 3;
    const double c0 = cpu_ms(), w0 = wall_ms();
    for (int i = 0; i < n; i++) f();
    cpu = std::min(cpu, (cpu_ms() - c0) / n);
    wall = std::min(wall, (wall_ms() - w0) / n);
  }
  std::printf("%-28s cpu %7.2f ms  wall %7.2f ms", name, cpu, wall);
  if (flops > 0) std::printf("  %6.1f GFLOP/s of CPU time", flops / cpu / 1e6);
  std::printf("\n");
}

View4<float> view(std::vector<float>& d, int64_t a, int64_t b, int64_t c, int64_t e) {
  return View4<float>{d.data(), {a, b, c, e}, {b * c * e, c * e, e, 1}};
}

std::vector<float> random(size_t n) {
  std::vector<float> v(n);
  for (auto& x : v) x = static_cast<float>(std::rand()) / RAND_MAX - 0.5f;
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  set_num_threads(argc > 1 ? std::atoi(argv[1]) : 1);
  std::printf("%d thread(s)\n", num_threads());
  auto x1 = random(128 * 28 * 28), w1 = random(32 * 9), y1 = random(128 * 32 * 26 * 26);
  auto w2 = random(64 * 32 * 9), y2 = random(128 * 64 * 576), cols = random(288 * 576);
  std::vector<float> o1(128 * 32 * 676), o2(128 * 64 * 576), dw1(32 * 9), dw2(64 * 288), dx2(128 * 32 * 676);
  std::vector<float> pooled(128 * 64 * 144);
  std::vector<int32_t> indices(128 * 64 * 144);
  const ConvParams p{{1, 1}, {0, 0}, {1, 1}, 1};
  const int64_t s1[4] = {128, 32, 26, 26}, s2[4] = {128, 64, 24, 24};
  const int64_t sw1[4] = {32, 1, 3, 3}, sw2[4] = {64, 32, 3, 3};
  const double f1 = 2.0 * 128 * 32 * 9 * 676, f2 = 2.0 * 128 * 64 * 288 * 576;
  const auto X1 = view(x1, 128, 1, 28, 28), W1 = view(w1, 32, 1, 3, 3), Y1 = view(y1, 128, 32, 26, 26);
  const auto W2 = view(w2, 64, 32, 3, 3), Y2 = view(y2, 128, 64, 24, 24);
  bench("conv1 forward", [&] { conv2d_forward(X1, W1, p, o1.data(), s1); }, f1);
  bench("conv1 weight grad", [&] { conv2d_weight_grad(X1, Y1, p, dw1.data(), sw1); }, f1);
  bench("conv2 forward", [&] { conv2d_forward(Y1, W2, p, o2.data(), s2); }, f2);
  bench("conv2 weight grad", [&] { conv2d_weight_grad(Y1, Y2, p, dw2.data(), sw2); }, f2);
  bench("conv2 input grad", [&] { conv2d_input_grad(Y2, W2, p, dx2.data(), s1); }, f2);
  // The GEMMs alone, as conv2 calls them for each image (single-threaded; the weight gradient summed
  // transposed, see conv.cc), 128 times.
  bench("  its forward GEMMs", [&] {
    for (int n = 0; n < 128; n++) sgemm_st(64, 576, 288, 1, w2.data(), 288, 1, cols.data(), 576, 1, 0, o2.data() + n * 64 * 576, 576, 1);
  }, f2);
  bench("  its weight-grad GEMMs", [&] {
    for (int n = 0; n < 128; n++) sgemm_st(64, 288, 576, 1, y2.data() + n * 64 * 576, 576, 1, cols.data(), 1, 576, 1, dw2.data(), 1, 64);
  }, f2);
  bench("  its input-grad GEMMs", [&] {
    for (int n = 0; n < 128; n++) sgemm_st(288, 576, 64, 1, w2.data(), 1, 288, y2.data() + n * 64 * 576, 576, 1, 0, cols.data(), 576, 1);
  }, f2);
  const PoolParams pp{{2, 2}, {2, 2}, {0, 0}, {1, 1}, true, false, 0, {12, 12}};
  bench("maxPool2d 2x2", [&] { max_pool2d(Y2, pp, pooled.data(), indices.data()); }, 0);
  bench("avgPool2d 2x2", [&] { avg_pool2d(Y2, pp, pooled.data()); }, 0);
  bench("avgPool2dGrad 2x2", [&] {
    avg_pool2d_grad(View4<float>{pooled.data(), {128, 64, 12, 12}, {64 * 144, 144, 12, 1}}, pp, o2.data(), s2);
  }, 0);
  return 0;
}
