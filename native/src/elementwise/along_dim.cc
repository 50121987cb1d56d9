// Along one dim: argmax/argmin, cumsum/cumprod and softmax. Each walks the lines along `dim` (a
// plan over every other dim, for x and the contiguous output) and handles a line at a time, the
// lines split over the threads.
#include <cstring>
#include <type_traits>
#include <vector>

#include "elementwise/elementwise.h"
#include "elementwise/plan.h"
#include "elementwise/table.h"
#include "threadpool.h"

namespace tessera {
namespace {

constexpr int64_t kWorkGrain = 1 << 15;  // elements read per thread at least

// The lines along `dim`: a plan over every other dim, for x and for the contiguous output.
struct Lines {
  Plan<2> plan;
  int64_t count;  // number of lines
  int64_t length;
  int64_t x_stride, out_stride;
};

Lines lines_of(const View& x, int dim, const View& out) {
  int others[kMaxDims] = {};
  int n = 0;
  for (int d = 0; d < x.ndim; d++)
    if (d != dim) others[n++] = d;
  const View* pair[2] = {&x, &out};
  const int64_t* strides[2] = {x.strides, out.strides};
  Lines l;
  l.plan = make_plan<2>(x.ndim, x.shape, strides, pair, others, n);
  l.count = 1;
  for (int i = 0; i < n; i++) l.count *= x.shape[others[i]];
  l.length = x.shape[dim];
  l.x_stride = x.strides[dim];
  l.out_stride = out.strides[dim];
  return l;
}

template <typename T, bool MAX>
void arg_lines(const View& x, int dim, const View& out) {
  const Lines l = lines_of(x, dim, out);
  if (l.count == 0) return;
  int32_t* y0 = reinterpret_cast<int32_t*>(out.base) + out.offset;
  if (l.length == 0) {  // nothing to compare: index 0, as the reference gives
    for (int64_t i = 0; i < l.count; i++) y0[i] = 0;
    return;
  }
  const T* xb = reinterpret_cast<const T*>(x.base) + x.offset;
  int32_t* yb = reinterpret_cast<int32_t*>(out.base) + out.offset;
  const int64_t xs = l.plan.inner_stride(0), ys = l.plan.inner_stride(1), s = l.x_stride;
  parallel_for(l.count, kWorkGrain / l.length + 1, [&](int64_t b, int64_t e) {
    for_offsets(l.plan, b, e, [&](const int64_t* off, int64_t n) {
      for (int64_t i = 0; i < n; i++) {
        const T* p = xb + off[0] + i * xs;
        T best = p[0];
        int64_t at = 0;
        for (int64_t j = 1; j < l.length; j++) {
          if constexpr (std::is_floating_point<T>::value) {
            if (best != best) break;  // the first NaN wins
          }
          const T v = p[j * s];
          bool take = MAX ? v > best : v < best;
          if constexpr (std::is_floating_point<T>::value) take = take || v != v;
          if (take) {
            best = v;
            at = j;
          }
        }
        yb[off[1] + i * ys] = static_cast<int32_t>(at);
      }
    });
  });
}

template <typename T, typename Acc, bool SUM>
void scan_lines(const View& x, int dim, const View& out) {
  const Lines l = lines_of(x, dim, out);
  if (l.count == 0 || l.length == 0) return;
  const T* xb = reinterpret_cast<const T*>(x.base) + x.offset;
  T* yb = reinterpret_cast<T*>(out.base) + out.offset;
  const int64_t xs = l.plan.inner_stride(0), ys = l.plan.inner_stride(1), s = l.x_stride, os = l.out_stride;
  parallel_for(l.count, kWorkGrain / l.length + 1, [&](int64_t b, int64_t e) {
    for_offsets(l.plan, b, e, [&](const int64_t* off, int64_t n) {
      for (int64_t i = 0; i < n; i++) {
        const T* p = xb + off[0] + i * xs;
        T* q = yb + off[1] + i * ys;
        Acc acc = SUM ? Acc(0) : Acc(1);
        for (int64_t j = 0; j < l.length; j++) {
          if constexpr (std::is_same<Acc, uint32_t>::value) acc += static_cast<uint32_t>(p[j * s]);
          else acc = SUM ? acc + static_cast<Acc>(p[j * s]) : acc * static_cast<Acc>(p[j * s]);
          q[j * os] = static_cast<T>(acc);
        }
      }
    });
  });
}

}  // namespace

bool arg_reduce(int op, const View& x, int dim, const View& out) {
  if (out.dtype != DType::I32) return false;
  const bool max = op == 0;
  switch (x.dtype) {
    case DType::F32: max ? arg_lines<float, true>(x, dim, out) : arg_lines<float, false>(x, dim, out); return true;
    case DType::F64: max ? arg_lines<double, true>(x, dim, out) : arg_lines<double, false>(x, dim, out); return true;
    case DType::I32: max ? arg_lines<int32_t, true>(x, dim, out) : arg_lines<int32_t, false>(x, dim, out); return true;
    default: return false;
  }
}

bool scan(int op, const View& x, int dim, const View& out) {
  if (x.dtype != out.dtype) return false;
  const bool sum = op == 0;
  switch (x.dtype) {
    // Accumulated in double, as the reference does (it rounds only what it stores).
    case DType::F32: sum ? scan_lines<float, double, true>(x, dim, out) : scan_lines<float, double, false>(x, dim, out); return true;
    case DType::F64: sum ? scan_lines<double, double, true>(x, dim, out) : scan_lines<double, double, false>(x, dim, out); return true;
    case DType::I32:
      if (!sum) return false;  // the reference's double products round past 2^53; not worth matching
      scan_lines<int32_t, uint32_t, true>(x, dim, out);
      return true;
    default: return false;
  }
}

bool softmax(const View& x, int dim, bool log, const View& out) {
  if (x.dtype != out.dtype || (x.dtype != DType::F32 && x.dtype != DType::F64)) return false;
  const Lines l = lines_of(x, dim, out);
  if (l.count == 0 || l.length == 0) return true;
  const KernelTable* t = select_table();
  const int64_t xs = l.plan.inner_stride(0), ys = l.plan.inner_stride(1);
  const int64_t len = l.length, s = l.x_stride, os = l.out_stride;
  const bool f32 = x.dtype == DType::F32;
  const size_t esize = dtype_size(x.dtype);
  parallel_for(l.count, (1 << 13) / len + 1, [&](int64_t b, int64_t e) {
    // Per thread: the exp values, and contiguous copies of strided lines.
    std::vector<double> work(static_cast<size_t>(len));
    std::vector<double> in_line, out_line;
    if (s != 1 || os != 1) {
      in_line.resize(static_cast<size_t>(len));
      out_line.resize(static_cast<size_t>(len));
    }
    for_offsets(l.plan, b, e, [&](const int64_t* off, int64_t n) {
      for (int64_t i = 0; i < n; i++) {
        const char* p = x.base + (x.offset + off[0] + i * xs) * static_cast<int64_t>(esize);
        char* q = out.base + (out.offset + off[1] + i * ys) * static_cast<int64_t>(esize);
        if (s == 1 && os == 1) {
          if (f32) t->softmax_f32(reinterpret_cast<const float*>(p), reinterpret_cast<float*>(q), len, log, work.data());
          else t->softmax_f64(reinterpret_cast<const double*>(p), reinterpret_cast<double*>(q), len, log, work.data());
          continue;
        }
        // Strided line: through a contiguous float64 copy (exact for both dtypes).
        for (int64_t j = 0; j < len; j++)
          in_line[j] = f32 ? reinterpret_cast<const float*>(p)[j * s] : reinterpret_cast<const double*>(p)[j * s];
        t->softmax_f64(in_line.data(), out_line.data(), len, log, work.data());
        for (int64_t j = 0; j < len; j++) {
          if (f32) reinterpret_cast<float*>(q)[j * os] = static_cast<float>(out_line[j]);
          else reinterpret_cast<double*>(q)[j * os] = out_line[j];
        }
      }
    });
  });
  return true;
}

}  // namespace tessera
