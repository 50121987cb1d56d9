// The contiguous inner loops of the elementwise, reduction and softmax kernels, as a table of plain
// function pointers. kernels.inc defines them once; it is compiled three times (table_generic.cc,
// table_avx2.cc, table_avx512.cc, each with its ISA's flags) and the driver code picks a table by
// CPU at run time (select_table()). This header holds declarations only: no inline code that a
// portable and an AVX translation unit could both instantiate.
#pragma once

#include <stdint.h>

namespace tessera {

// Op codes: the order of UNARY_OPS / BINARY_OPS in src/backend/native/codes.ts.
enum UnaryCode {
  U_NEG, U_ABS, U_SIGN, U_EXP, U_EXPM1, U_LOG, U_LOG1P, U_LOG2, U_SQRT, U_RSQRT,
  U_SQUARE, U_RECIPROCAL, U_SIN, U_COS, U_TAN, U_TANH, U_SIGMOID, U_RELU, U_LEAKY_RELU,
  U_ELU, U_SELU, U_GELU, U_GELU_TANH, U_SILU, U_SOFTPLUS, U_MISH, U_ERF, U_FLOOR, U_CEIL,
  U_ROUND, U_TRUNC, U_ISNAN, U_ISFINITE, U_ISINF, U_LOGICAL_NOT, U_POW_SCALAR, U_ATAN, U_ASIN,
  U_ACOS, U_SINH, U_COSH, U_ASINH, U_ATANH, U_ACOSH,
  U_COUNT
};

enum BinaryCode {
  B_ADD, B_SUB, B_MUL, B_DIV, B_POW, B_MAXIMUM, B_MINIMUM, B_REMAINDER, B_FLOOR_DIVIDE,
  B_ATAN2, B_EQ, B_NE, B_LT, B_LE, B_GT, B_GE, B_LOGICAL_AND, B_LOGICAL_OR, B_LOGICAL_XOR,
  // Internal (not a BinaryOp; RELU_BACKWARD_CODE in codes.ts): relu's gradient g * (out > 0), one
  // pass instead of the chain's three (compare, cast, multiply). Floating operands only.
  B_RELU_GRAD,
  B_COUNT
};

// Broadcast modes of a binary row: both operands advance, or one of them is a single value.
enum BinaryMode { BM_VV = 0, BM_SV = 1, BM_VS = 2 };

typedef void (*UnaryF32)(const float* x, float* y, int64_t n, double param);
typedef void (*UnaryF64)(const double* x, double* y, int64_t n, double param);
typedef void (*PredF32)(const float* x, uint8_t* y, int64_t n);
typedef void (*PredF64)(const double* x, uint8_t* y, int64_t n);
typedef void (*BinaryF32)(const float* a, const float* b, float* y, int64_t n, int mode);
typedef void (*BinaryF64)(const double* a, const double* b, double* y, int64_t n, int mode);
typedef void (*CompareF32)(const float* a, const float* b, uint8_t* y, int64_t n, int mode);
typedef void (*CompareF64)(const double* a, const double* b, uint8_t* y, int64_t n, int mode);

struct KernelTable {
  const char* name;
  UnaryF32 unary_f32[U_COUNT];  // predicates (isnan ... logicalNot) are null here
  UnaryF64 unary_f64[U_COUNT];
  PredF32 pred_f32[U_COUNT];    // only the predicates
  PredF64 pred_f64[U_COUNT];
  BinaryF32 binary_f32[B_COUNT];  // comparisons are null here
  BinaryF64 binary_f64[B_COUNT];
  CompareF32 compare_f32[B_COUNT];  // only the comparisons
  CompareF64 compare_f64[B_COUNT];

  // Compensated sums of a contiguous run, in double.
  double (*sum_f32)(const float* x, int64_t n);
  double (*sum_f64)(const double* x, int64_t n);
  // (sc[2j], sc[2j+1]) += x[j] for j < n, a compensated sum and its correction: reducing over an
  // outer dim a whole row at a time.
  void (*acc_sum_f32)(const float* x, double* sc, int64_t n);
  void (*acc_sum_f64)(const double* x, double* sc, int64_t n);
  // Max/min with NaN propagation (init is the running value).
  float (*max_f32)(const float* x, int64_t n, float init);
  double (*max_f64)(const double* x, int64_t n, double init);
  float (*min_f32)(const float* x, int64_t n, float init);
  double (*min_f64)(const double* x, int64_t n, double init);
  void (*acc_max_f32)(const float* x, float* acc, int64_t n);
  void (*acc_max_f64)(const double* x, double* acc, int64_t n);
  void (*acc_min_f32)(const float* x, float* acc, int64_t n);
  void (*acc_min_f64)(const double* x, double* acc, int64_t n);

  // Softmax / log-softmax of one contiguous row (work: n doubles of scratch).
  void (*softmax_f32)(const float* x, float* y, int64_t n, int log, double* work);
  void (*softmax_f64)(const double* x, double* y, int64_t n, int log, double* work);
};

const KernelTable* kernel_table_generic();
#if defined(TESSERA_X86)
const KernelTable* kernel_table_avx2();
const KernelTable* kernel_table_avx512();
#endif

// The table for this CPU (cpu.h's detected_isa()).
const KernelTable* select_table();

}  // namespace tessera
