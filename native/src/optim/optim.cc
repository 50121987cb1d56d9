// Drivers of the fused optimizer loops (portable code): pick the ISA's table and split big
// parameters over the thread pool. Elementwise updates are independent, so any split gives the
// same bits.
#include "optim/optim.h"

#include <cstring>

#include "elementwise/elementwise.h"
#include "threadpool.h"

namespace tessera {

namespace {

// Elements per thread: the update streams 5 to 7 arrays, so below this the wake-up costs more
// than the second core saves.
constexpr int64_t kGrain = 1 << 15;

template <typename T>
T* at(T* base, int64_t i) {
  return base == nullptr ? nullptr : base + i;
}

}  // namespace

const OptimTable* select_optim_table() {
#if defined(TESSERA_X86)
  const char* name = kernel_table_name();
  if (std::strcmp(name, "avx512") == 0) return optim_table_avx512();
  if (std::strcmp(name, "avx2") == 0) return optim_table_avx2();
#endif
  return optim_table_generic();
}

void adam_step_f32(float* p, const float* g, float* m, float* v, float* vmax, int64_t n, const AdamCoeffs& c) {
  const OptimTable* t = select_optim_table();
  parallel_for(n, kGrain, [&](int64_t b, int64_t e) { t->adam_f32(p + b, g + b, m + b, v + b, at(vmax, b), e - b, &c); });
}

void adam_step_f64(double* p, const double* g, double* m, double* v, double* vmax, int64_t n, const AdamCoeffs& c) {
  const OptimTable* t = select_optim_table();
  parallel_for(n, kGrain, [&](int64_t b, int64_t e) { t->adam_f64(p + b, g + b, m + b, v + b, at(vmax, b), e - b, &c); });
}

void sgd_step_f32(float* p, const float* g, float* buf, int64_t n, const SgdCoeffs& c) {
  const OptimTable* t = select_optim_table();
  parallel_for(n, kGrain, [&](int64_t b, int64_t e) { t->sgd_f32(p + b, g + b, at(buf, b), e - b, &c); });
}

void sgd_step_f64(double* p, const double* g, double* buf, int64_t n, const SgdCoeffs& c) {
  const OptimTable* t = select_optim_table();
  parallel_for(n, kGrain, [&](int64_t b, int64_t e) { t->sgd_f64(p + b, g + b, at(buf, b), e - b, &c); });
}

}  // namespace tessera
