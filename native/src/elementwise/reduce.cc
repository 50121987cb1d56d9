// Reductions over any set of dims.
//
// reduce(): the kept dims form the outer plan (x and out walk it together), the reduced dims the
// inner plan (x only). Each output folds its inner block; contiguous pieces go to the ISA table.
// When the kept innermost dim is the contiguous one (a sum over rows of a matrix), whole rows are
// accumulated at once instead (the table's acc_* loops). A single output (a full reduction) splits
// its block over the threads and combines the partial results in a fixed order.
#include <cstring>
#include <type_traits>
#include <vector>

#include "elementwise/elementwise.h"
#include "elementwise/plan.h"
#include "elementwise/table.h"
#include "threadpool.h"

namespace tessera {
namespace {

enum { R_SUM, R_PROD, R_MAX, R_MIN, R_ALL, R_ANY };

constexpr int64_t kWorkGrain = 1 << 15;  // elements read per thread at least

// A folder: how one reduction accumulates. Acc is the running value, Out the stored type.
// A compensated running sum (Neumaier), so that runs and partial results combine without losing
// the accuracy each run's compensated sum has.
struct Compensated {
  double s, c;
};

inline void add_compensated(Compensated& a, double v) {
  const double t = a.s + v;
  a.c += __builtin_fabs(a.s) >= __builtin_fabs(v) ? (a.s - t) + v : (v - t) + a.s;
  a.s = t;
}

inline double total(const Compensated& a) { return a.s - a.s == 0.0 ? a.s + a.c : a.s; }

template <typename S, typename Out>
struct SumFloat {  // float32/float64 sums, compensated, in double
  using Acc = Compensated;
  const KernelTable* t;
  Acc init() const { return {0.0, 0.0}; }
  Acc fold(Acc acc, const S* x, int64_t stride, int64_t n) const {
    if (stride == 1) {
      if constexpr (std::is_same<S, float>::value) add_compensated(acc, t->sum_f32(x, n));
      else add_compensated(acc, t->sum_f64(x, n));
      return acc;
    }
    for (int64_t i = 0; i < n; i++) add_compensated(acc, static_cast<double>(x[i * stride]));
    return acc;
  }
  Acc combine(Acc a, Acc b) const {
    add_compensated(a, b.s);
    a.c += b.c;
    return a;
  }
  Out store(Acc a) const { return static_cast<Out>(total(a)); }
  static constexpr bool kColumns = true;
  void acc_row(const S* x, Acc* acc, int64_t n) const {
    static_assert(sizeof(Compensated) == 2 * sizeof(double), "Compensated must be two packed doubles");
    double* sc = reinterpret_cast<double*>(acc);
    if constexpr (std::is_same<S, float>::value) t->acc_sum_f32(x, sc, n);
    else t->acc_sum_f64(x, sc, n);
  }
};

template <typename S, typename Out>
struct SumInt {  // int32 (or bool counted as int32) sums wrap around
  using Acc = uint32_t;
  Acc init() const { return 0; }
  Acc fold(Acc acc, const S* x, int64_t stride, int64_t n) const {
    for (int64_t i = 0; i < n; i++) acc += static_cast<uint32_t>(static_cast<int32_t>(x[i * stride]));
    return acc;
  }
  Acc combine(Acc a, Acc b) const { return a + b; }
  Out store(Acc a) const { return static_cast<Out>(static_cast<int32_t>(a)); }
  static constexpr bool kColumns = false;
  void acc_row(const S*, Acc*, int64_t) const {}
};

template <typename S, typename Out>
struct Prod {
  using Acc = double;
  Acc init() const { return 1.0; }
  Acc fold(Acc acc, const S* x, int64_t stride, int64_t n) const {
    for (int64_t i = 0; i < n; i++) acc *= static_cast<double>(x[i * stride]);
    return acc;
  }
  Acc combine(Acc a, Acc b) const { return a * b; }
  Out store(Acc a) const { return static_cast<Out>(a); }
  static constexpr bool kColumns = false;
  void acc_row(const S*, Acc*, int64_t) const {}
};

template <typename T, bool MAX>
inline T pick(T acc, T v) {
  if constexpr (std::is_floating_point<T>::value) {
    if (acc != acc) return acc;
    if (v != v) return v;
  }
  return (MAX ? v > acc : v < acc) ? v : acc;
}

template <typename S, typename Out, bool MAX>
struct Extreme {  // NaN propagates, as in the reference
  using Acc = S;
  const KernelTable* t;
  Acc init() const {
    if constexpr (std::is_floating_point<S>::value) return MAX ? -__builtin_inf() : __builtin_inf();
    else return MAX ? (-2147483647 - 1) : 2147483647;
  }
  Acc fold(Acc acc, const S* x, int64_t stride, int64_t n) const {
    if constexpr (std::is_same<S, float>::value) {
      if (stride == 1) return MAX ? t->max_f32(x, n, acc) : t->min_f32(x, n, acc);
    } else if constexpr (std::is_same<S, double>::value) {
      if (stride == 1) return MAX ? t->max_f64(x, n, acc) : t->min_f64(x, n, acc);
    }
    for (int64_t i = 0; i < n; i++) acc = pick<S, MAX>(acc, x[i * stride]);
    return acc;
  }
  Acc combine(Acc a, Acc b) const { return pick<S, MAX>(a, b); }
  Out store(Acc a) const { return static_cast<Out>(a); }
  static constexpr bool kColumns = std::is_floating_point<S>::value;
  void acc_row(const S* x, Acc* acc, int64_t n) const {
    if constexpr (std::is_same<S, float>::value) MAX ? t->acc_max_f32(x, acc, n) : t->acc_min_f32(x, acc, n);
    else if constexpr (std::is_same<S, double>::value) MAX ? t->acc_max_f64(x, acc, n) : t->acc_min_f64(x, acc, n);
  }
};

template <typename S, bool ALL>
struct Logical {
  using Acc = uint8_t;
  Acc init() const { return ALL ? 1 : 0; }
  Acc fold(Acc acc, const S* x, int64_t stride, int64_t n) const {
    for (int64_t i = 0; i < n && (ALL ? acc != 0 : acc == 0); i++) {
      acc = x[i * stride] != 0 ? 1 : 0;
    }
    return acc;
  }
  Acc combine(Acc a, Acc b) const { return ALL ? (a && b) : (a || b); }
  uint8_t store(Acc a) const { return a; }
  static constexpr bool kColumns = false;
  void acc_row(const S*, Acc*, int64_t) const {}
};

template <typename S, typename Out, typename F>
void run_reduce(const F& f, const View& x, const bool* reduced, const View& out) {
  using Acc = typename F::Acc;
  int kept[kMaxDims] = {}, red[kMaxDims] = {};
  int nk = 0, nr = 0;
  for (int d = 0; d < x.ndim; d++) (reduced[d] ? red[nr++] : kept[nk++]) = d;
  const View* pair[2] = {&out, &x};
  const int64_t* strides2[2] = {out.strides, x.strides};
  const Plan<2> outer = make_plan<2>(x.ndim, x.shape, strides2, pair, kept, nk);
  const View* single[1] = {&x};
  const int64_t* strides1[1] = {x.strides};
  const Plan<1> inner = make_plan<1>(x.ndim, x.shape, strides1, single, red, nr);
  int64_t outputs = 1, count = 1;
  for (int i = 0; i < nk; i++) outputs *= x.shape[kept[i]];
  for (int i = 0; i < nr; i++) count *= x.shape[red[i]];
  if (outputs == 0) return;
  Out* y = reinterpret_cast<Out*>(out.base) + out.offset;
  const S* xb = reinterpret_cast<const S*>(x.base) + x.offset;
  const int64_t is = inner.inner_stride(0);

  auto fold_block = [&](const S* origin, int64_t begin, int64_t end) {
    Acc acc = f.init();
    for_offsets(inner, begin, end, [&](const int64_t* off, int64_t n) { acc = f.fold(acc, origin + off[0], is, n); });
    return acc;
  };

  if (count == 0) {
    // As the reference stores its initial value (an int32 array turns -Infinity into 0).
    Out empty = f.store(f.init());
    if constexpr (!std::is_floating_point<Out>::value && !std::is_same<Out, uint8_t>::value) {
      if (std::is_same<F, Extreme<S, Out, true>>::value || std::is_same<F, Extreme<S, Out, false>>::value) empty = 0;
    }
    for_offsets(outer, 0, outputs, [&](const int64_t* off, int64_t n) {
      for (int64_t i = 0; i < n; i++) y[off[0] + i * outer.inner_stride(0)] = empty;
    });
    return;
  }

  if (outputs == 1) {
    // One output: split its block, combine partials in chunk order (same split for the same
    // thread count, so the result is reproducible).
    const int threads = num_threads();
    std::vector<Acc> partial(static_cast<size_t>(threads), f.init());
    const int64_t per = (count + threads - 1) / threads;
    const int64_t chunks = (count + per - 1) / per;
    parallel_for(chunks, count >= 2 * kWorkGrain ? 1 : chunks, [&](int64_t b, int64_t e) {
      for (int64_t c = b; c < e; c++) {
        const int64_t lo = c * per, hi = lo + per < count ? lo + per : count;
        partial[static_cast<size_t>(c)] = fold_block(xb, lo, hi);
      }
    });
    Acc acc = partial[0];
    for (int64_t c = 1; c < chunks; c++) acc = f.combine(acc, partial[static_cast<size_t>(c)]);
    y[0] = f.store(acc);
    return;
  }

  const int64_t cols = outer.inner();
  if constexpr (F::kColumns) {
    if (outer.inner_stride(1) == 1 && is != 1 && cols >= 16) {
      // Accumulate whole rows: for each block of columns, walk the reduced positions.
      constexpr int64_t kBlock = 512;
      const int64_t rows = outputs / cols, blocks = (cols + kBlock - 1) / kBlock;
      const int64_t grain = kWorkGrain / (kBlock * count) + 1;
      parallel_for(rows * blocks, grain, [&](int64_t b, int64_t e) {
        Acc acc[kBlock];
        for (int64_t item = b; item < e; item++) {
          const int64_t row = item / blocks, c0 = (item % blocks) * kBlock;
          const int64_t width = cols - c0 < kBlock ? cols - c0 : kBlock;
          for_offsets(outer, row * cols + c0, row * cols + c0 + width, [&](const int64_t* off, int64_t) {
            for (int64_t j = 0; j < width; j++) acc[j] = f.init();
            const S* origin = xb + off[1];
            for_offsets(inner, 0, count, [&](const int64_t* ioff, int64_t n) {
              for (int64_t i = 0; i < n; i++) f.acc_row(origin + ioff[0] + i * is, acc, width);
            });
            Out* dst = y + off[0];
            for (int64_t j = 0; j < width; j++) dst[j] = f.store(acc[j]);
          });
        }
      });
      return;
    }
  }

  const int64_t grain = kWorkGrain / count + 1;
  const int64_t os = outer.inner_stride(0), xs = outer.inner_stride(1);
  parallel_for(outputs, grain, [&](int64_t b, int64_t e) {
    for_offsets(outer, b, e, [&](const int64_t* off, int64_t n) {
      for (int64_t i = 0; i < n; i++) y[off[0] + i * os] = f.store(fold_block(xb + off[1] + i * xs, 0, count));
    });
  });
}

template <typename S>
bool reduce_float(int op, const View& x, const bool* reduced, const View& out, const KernelTable* t) {
  switch (op) {
    case R_SUM: run_reduce<S, S>(SumFloat<S, S>{t}, x, reduced, out); return true;
    case R_PROD: run_reduce<S, S>(Prod<S, S>{}, x, reduced, out); return true;
    case R_MAX: run_reduce<S, S>(Extreme<S, S, true>{t}, x, reduced, out); return true;
    case R_MIN: run_reduce<S, S>(Extreme<S, S, false>{t}, x, reduced, out); return true;
    default: return false;
  }
}

template <typename S>
void reduce_logical(int op, const View& x, const bool* reduced, const View& out) {
  if (op == R_ALL) run_reduce<S, uint8_t>(Logical<S, true>{}, x, reduced, out);
  else run_reduce<S, uint8_t>(Logical<S, false>{}, x, reduced, out);
}

}  // namespace

bool reduce(int op, const View& x, const bool* reduced, const View& out) {
  const KernelTable* t = select_table();
  if (op == R_ALL || op == R_ANY) {
    if (out.dtype != DType::U8) return false;
    switch (x.dtype) {
      case DType::F32: reduce_logical<float>(op, x, reduced, out); break;
      case DType::F64: reduce_logical<double>(op, x, reduced, out); break;
      case DType::I32: reduce_logical<int32_t>(op, x, reduced, out); break;
      default: reduce_logical<uint8_t>(op, x, reduced, out); break;
    }
    return true;
  }
  if (x.dtype == DType::F32 && out.dtype == DType::F32) return reduce_float<float>(op, x, reduced, out, t);
  if (x.dtype == DType::F64 && out.dtype == DType::F64) return reduce_float<double>(op, x, reduced, out, t);
  if (out.dtype == DType::I32 && op == R_SUM) {
    if (x.dtype == DType::I32) run_reduce<int32_t, int32_t>(SumInt<int32_t, int32_t>{}, x, reduced, out);
    else if (x.dtype == DType::U8) run_reduce<uint8_t, int32_t>(SumInt<uint8_t, int32_t>{}, x, reduced, out);
    else return false;
    return true;
  }
  if (x.dtype == DType::I32 && out.dtype == DType::I32 && (op == R_MAX || op == R_MIN)) {
    if (op == R_MAX) run_reduce<int32_t, int32_t>(Extreme<int32_t, int32_t, true>{t}, x, reduced, out);
    else run_reduce<int32_t, int32_t>(Extreme<int32_t, int32_t, false>{t}, x, reduced, out);
    return true;
  }
  return false;
}

}  // namespace tessera
