// Fused in-place optimizer updates (Adam/AdamW and SGD): one pass over the parameter, its gradient
// and its state instead of a dozen elementwise ops. loops.inc defines the contiguous loops once; it
// is compiled per ISA (optim_generic.cc, optim_avx2.cc, optim_avx512.cc) like the elementwise table.
// Declarations only here (see elementwise/table.h for why).
#pragma once

#include <stdint.h>

namespace tessera {

// Scalars of one Adam step, computed by the caller exactly as the op path computes them (in
// double), so that the loops round them to the parameter's dtype the same way the ops do.
struct AdamCoeffs {
  double beta1, one_minus_beta1;  // m = beta1 m + (1 - beta1) g
  double beta2, one_minus_beta2;  // v = beta2 v + (1 - beta2) g^2
  double eps;
  double weight_decay;       // L2: g += weight_decay p (when l2)
  double decay_factor;       // decoupled: p *= 1 - lr weight_decay (when decoupled)
  double step_size;          // lr / (1 - beta1^t)
  double bias2_sqrt;         // sqrt(1 - beta2^t)
  int maximize, l2, decoupled;
};

struct SgdCoeffs {
  double lr_neg;             // -lr: p += -lr d
  double momentum;
  double one_minus_dampening;
  double weight_decay;       // applied when nonzero
  int maximize, nesterov;
  int momentum_mode;         // 0: no buffer, 1: first step (buf = d), 2: buf = momentum buf + (1 - dampening) d
};

// vmax is null unless amsgrad; buf is null unless momentum_mode != 0.
typedef void (*AdamF32)(float* p, const float* g, float* m, float* v, float* vmax, int64_t n, const AdamCoeffs* c);
typedef void (*AdamF64)(double* p, const double* g, double* m, double* v, double* vmax, int64_t n, const AdamCoeffs* c);
typedef void (*SgdF32)(float* p, const float* g, float* buf, int64_t n, const SgdCoeffs* c);
typedef void (*SgdF64)(double* p, const double* g, double* buf, int64_t n, const SgdCoeffs* c);

struct OptimTable {
  AdamF32 adam_f32;
  AdamF64 adam_f64;
  SgdF32 sgd_f32;
  SgdF64 sgd_f64;
};

const OptimTable* optim_table_generic();
#if defined(TESSERA_X86)
const OptimTable* optim_table_avx2();
const OptimTable* optim_table_avx512();
#endif

// The table of the ISA the elementwise kernels use (so that tests switching kernel tables cover
// these loops on every path too).
const OptimTable* select_optim_table();

// Run the update, split over the pool's threads above a size threshold.
void adam_step_f32(float* p, const float* g, float* m, float* v, float* vmax, int64_t n, const AdamCoeffs& c);
void adam_step_f64(double* p, const double* g, double* m, double* v, double* vmax, int64_t n, const AdamCoeffs& c);
void sgd_step_f32(float* p, const float* g, float* buf, int64_t n, const SgdCoeffs& c);
void sgd_step_f64(double* p, const double* g, double* buf, int64_t n, const SgdCoeffs& c);

}  // namespace tessera
