// Copy/assign, unary, binary and where on strided views: the plan (plan.h) reduces each call to
// rows; contiguous rows go straight to the ISA table's loops, strided ones through a small
// contiguous buffer. Large calls split over the thread pool.
#include "elementwise/elementwise.h"

#include <atomic>
#include <cstring>
#include <type_traits>

#include "cpu.h"
#include "elementwise/plan.h"
#include "elementwise/table.h"
#include "threadpool.h"

namespace tessera {

namespace {

const KernelTable* table_for(Isa isa) {
#if defined(TESSERA_X86)
  switch (isa) {
    case Isa::Avx512: return kernel_table_avx512();
    case Isa::Avx2: return kernel_table_avx2();
    default: break;
  }
#endif
  return kernel_table_generic();
}

std::atomic<const KernelTable*> g_table{nullptr};

}  // namespace

const KernelTable* select_table() {
  const KernelTable* t = g_table.load(std::memory_order_acquire);
  if (t == nullptr) {
    t = table_for(detected_isa());
    g_table.store(t, std::memory_order_release);
  }
  return t;
}

const char* kernel_table_name() { return select_table()->name; }

const char* use_kernel_table(const char* name) {
  Isa want = Isa::Generic;
  if (std::strcmp(name, "avx512") == 0) want = Isa::Avx512;
  else if (std::strcmp(name, "avx2") == 0) want = Isa::Avx2;
  // Never above what the CPU has.
  if (static_cast<int>(want) > static_cast<int>(detected_isa())) want = detected_isa();
  g_table.store(table_for(want), std::memory_order_release);
  return kernel_table_name();
}

namespace {

constexpr int64_t kChunk = 512;         // elements gathered at a time from strided rows
constexpr int64_t kCheapGrain = 1 << 16;  // elements per thread for memory-bound loops
constexpr int64_t kCostlyGrain = 1 << 12;  // for loops that call exp, log, pow...

template <typename T>
struct Tag {
  using type = T;
};

// Calls f(Tag<T>) for the C++ type of dtype t.
template <typename F>
void with_type(DType t, F&& f) {
  switch (t) {
    case DType::F32: f(Tag<float>{}); break;
    case DType::F64: f(Tag<double>{}); break;
    case DType::I32: f(Tag<int32_t>{}); break;
    default: f(Tag<uint8_t>{}); break;
  }
}

// castValue's rules (src/tensor/dtype.ts): bool is x != 0 (NaN too), int32 truncates toward zero,
// saturating, NaN to 0; float32 rounds to nearest.
template <typename S, typename D>
inline D cast_to(S v) {
  if constexpr (std::is_same<D, uint8_t>::value) {
    return v != 0 ? 1 : 0;
  } else if constexpr (std::is_same<D, int32_t>::value && std::is_floating_point<S>::value) {
    if (v >= -2147483648.0 && v <= 2147483647.0) return static_cast<int32_t>(v);
    if (v != v) return 0;
    return v > 0 ? 2147483647 : (-2147483647 - 1);
  } else {
    return static_cast<D>(v);
  }
}

Plan<2> plan2(const View& a, const View& b) {
  const View* views[2] = {&a, &b};
  return plan_of<2>(views);
}

bool is_costly_unary(int op) {
  return !(op == U_NEG || op == U_ABS || op == U_SQUARE || op == U_RELU || op == U_LEAKY_RELU || op == U_SIGN ||
           op == U_RECIPROCAL || op == U_SQRT || op == U_RSQRT || op == U_FLOOR || op == U_CEIL || op == U_ROUND ||
           op == U_TRUNC || op == U_ISNAN || op == U_ISFINITE || op == U_ISINF || op == U_LOGICAL_NOT);
}

bool is_predicate(int op) { return op >= U_ISNAN && op <= U_LOGICAL_NOT; }
bool is_comparison(int op) { return op >= B_EQ && op <= B_LOGICAL_XOR; }

// int32 results wrap around (two's complement), as the reference's Int32Array stores do.
inline int32_t wrap(uint32_t v) { return static_cast<int32_t>(v); }

int32_t unary_i32(int op, int32_t x) {
  const uint32_t u = static_cast<uint32_t>(x);
  switch (op) {
    case U_NEG: return wrap(0u - u);
    case U_ABS: return x < 0 ? wrap(0u - u) : x;
    case U_SIGN: return x > 0 ? 1 : x < 0 ? -1 : 0;
    default: return wrap(u * u);  // square
  }
}

// The reference's intPow: square-and-multiply with wrapping products; negative exponents give
// the truncated quotient 1 / a^|b|.
int32_t int_pow(int32_t a, int32_t b) {
  if (b < 0) {
    if (a == 1) return 1;
    if (a == -1) return (b % 2 == 0) ? 1 : -1;
    return 0;
  }
  uint32_t result = 1, base = static_cast<uint32_t>(a);
  for (uint32_t e = static_cast<uint32_t>(b); e > 0; e >>= 1) {
    if (e & 1) result *= base;
    base *= base;
  }
  return wrap(result);
}

int32_t binary_i32(int op, int32_t a, int32_t b) {
  const uint32_t ua = static_cast<uint32_t>(a), ub = static_cast<uint32_t>(b);
  switch (op) {
    case B_ADD: return wrap(ua + ub);
    case B_SUB: return wrap(ua - ub);
    case B_MUL: return wrap(ua * ub);
    case B_MAXIMUM: return a > b ? a : b;
    case B_MINIMUM: return a < b ? a : b;
    case B_POW: return int_pow(a, b);
    case B_FLOOR_DIVIDE: {
      if (b == 0) return 0;
      const int64_t q = static_cast<int64_t>(a) / b, r = static_cast<int64_t>(a) % b;
      return wrap(static_cast<uint32_t>(r != 0 && ((r < 0) != (b < 0)) ? q - 1 : q));
    }
    case B_REMAINDER: {
      if (b == 0) return 0;
      const int64_t r = static_cast<int64_t>(a) % b;
      return static_cast<int32_t>(r != 0 && ((r < 0) != (b < 0)) ? r + b : r);
    }
    default: return a;
  }
}

template <typename T>
bool compare_scalar(int op, T a, T b) {
  switch (op) {
    case B_EQ: return a == b;
    case B_NE: return a != b;
    case B_LT: return a < b;
    case B_LE: return a <= b;
    case B_GT: return a > b;
    case B_GE: return a >= b;
    case B_LOGICAL_AND: return a != 0 && b != 0;
    case B_LOGICAL_OR: return a != 0 || b != 0;
    default: return (a != 0) != (b != 0);
  }
}

// Copies n strided elements into a contiguous buffer.
template <typename T>
inline void gather(const T* src, int64_t stride, T* dst, int64_t n) {
  for (int64_t i = 0; i < n; i++) dst[i] = src[i * stride];
}

// A copy whose source is a transposed matrix (the last two dims of the plan: the destination's
// rows contiguous, the source's columns contiguous), e.g. a weight gradient computed as the
// transpose of a product. Walking the destination row by row would read the source with a stride
// of one row per element, touching a new cache line each time and re-reading every line once per
// row; square tiles keep both sides of a tile in L1.
template <typename T>
void transpose_copy(const Plan<2>& p) {
  constexpr int64_t kTile = 32;
  const int nd = p.ndim;
  const int64_t rows = p.shape[nd - 2], cols = p.shape[nd - 1];
  const int64_t drs = p.strides[0][nd - 2];  // destination: row stride (its column stride is 1)
  const int64_t scs = p.strides[1][nd - 1];  // source: column stride (its row stride is 1)
  const int64_t row_tiles = (rows + kTile - 1) / kTile;
  const int64_t outer = p.numel() / (rows * cols);
  T* const dbase = reinterpret_cast<T*>(p.base[0]);
  const T* const sbase = reinterpret_cast<const T*>(p.base[1]);
  parallel_for(outer * row_tiles, (kCheapGrain + kTile * cols - 1) / (kTile * cols), [&](int64_t b, int64_t e) {
    for (int64_t item = b; item < e; item++) {
      // The outer dims' offsets of matrix `o`.
      int64_t o = item / row_tiles, doff = 0, soff = 0;
      for (int d = nd - 3; d >= 0; d--) {
        const int64_t i = o % p.shape[d];
        o /= p.shape[d];
        doff += i * p.strides[0][d];
        soff += i * p.strides[1][d];
      }
      const int64_t r0 = (item % row_tiles) * kTile;
      const int64_t r1 = r0 + kTile < rows ? r0 + kTile : rows;
      T* dst = dbase + doff;
      const T* src = sbase + soff;
      // Each tile goes through a small buffer: reads sweep the source's contiguous columns, and
      // each destination row piece is then written whole. Writing the tile straight into the
      // destination keeps a line of every one of its rows half-written at once, and with row
      // strides that are multiples of 4 KiB those lines all fall in one L1 set and evict each
      // other (8 times slower than the buffered copy on a [128, 9216] destination).
      alignas(64) T tile[kTile][kTile];
      const int64_t h = r1 - r0;
      for (int64_t c0 = 0; c0 < cols; c0 += kTile) {
        const int64_t w = c0 + kTile < cols ? kTile : cols - c0;
        for (int64_t c = 0; c < w; c++) {
          const T* in = src + (c0 + c) * scs + r0;
          for (int64_t r = 0; r < h; r++) tile[r][c] = in[r];
        }
        for (int64_t r = 0; r < h; r++) std::memcpy(dst + (r0 + r) * drs + c0, tile[r], static_cast<size_t>(w) * sizeof(T));
      }
    }
  });
}

}  // namespace

bool ew_copy(const View& src, const View& dst) {
  const int64_t n = dst.numel();
  if (n == 0) return true;
  const Plan<2> p = plan2(dst, src);
  const int64_t ds = p.inner_stride(0), ss = p.inner_stride(1);
  if (src.dtype == dst.dtype && p.ndim >= 2 && ds == 1 && ss > 1 && p.strides[1][p.ndim - 2] == 1 && p.inner() >= 8 &&
      p.shape[p.ndim - 2] >= 8) {
    with_type(src.dtype, [&](auto tag) { transpose_copy<typename decltype(tag)::type>(p); });
    return true;
  }
  bool ok = true;
  with_type(src.dtype, [&](auto st) {
    using S = typename decltype(st)::type;
    with_type(dst.dtype, [&](auto dt) {
      using D = typename decltype(dt)::type;
      parallel_for(n, kCheapGrain, [&](int64_t begin, int64_t end) {
        for_rows(p, begin, end, [&](char* const* ptr, int64_t m) {
          D* d = reinterpret_cast<D*>(ptr[0]);
          const S* s = reinterpret_cast<const S*>(ptr[1]);
          if constexpr (std::is_same<S, D>::value) {
            if (ds == 1 && ss == 1) {
              std::memcpy(d, s, static_cast<size_t>(m) * sizeof(D));
              return;
            }
          }
          if (ds == 1 && ss == 1) {
            for (int64_t i = 0; i < m; i++) d[i] = cast_to<S, D>(s[i]);
          } else {
            for (int64_t i = 0; i < m; i++) d[i * ds] = cast_to<S, D>(s[i * ss]);
          }
        });
      });
    });
  });
  return ok;
}

bool ew_unary(int op, const View& x, const View& out, double param) {
  if (op < 0 || op >= U_COUNT) return false;
  const int64_t n = out.numel();
  const KernelTable* t = select_table();
  const bool pred = is_predicate(op);
  // Supported: float -> same float; float -> bool for predicates; int32 neg/abs/sign/square/pow.
  if (x.dtype == DType::I32) {
    if (out.dtype != DType::I32) return false;
    if (!(op == U_NEG || op == U_ABS || op == U_SIGN || op == U_SQUARE || op == U_POW_SCALAR)) return false;
  } else if (x.dtype == DType::F32 || x.dtype == DType::F64) {
    if (pred ? out.dtype != DType::U8 : out.dtype != x.dtype) return false;
  } else {
    return false;
  }
  if (n == 0) return true;
  const Plan<2> p = plan2(out, x);
  const int64_t xs = p.inner_stride(1);
  const int64_t grain = is_costly_unary(op) ? kCostlyGrain : kCheapGrain;
  parallel_for(n, grain, [&](int64_t begin, int64_t end) {
    for_rows(p, begin, end, [&](char* const* ptr, int64_t m) {
      if (x.dtype == DType::I32) {
        int32_t* y = reinterpret_cast<int32_t*>(ptr[0]);
        const int32_t* v = reinterpret_cast<const int32_t*>(ptr[1]);
        const int32_t e = static_cast<int32_t>(param);
        for (int64_t i = 0; i < m; i++)
          y[i] = op == U_POW_SCALAR ? int_pow(v[i * xs], e) : unary_i32(op, v[i * xs]);
        return;
      }
      with_type(x.dtype, [&](auto tag) {
        using T = typename decltype(tag)::type;
        if constexpr (std::is_floating_point<T>::value) {
          const T* v = reinterpret_cast<const T*>(ptr[1]);
          alignas(64) T tmp[kChunk];
          for (int64_t i = 0; i < m; i += kChunk) {
            const int64_t c = m - i < kChunk ? m - i : kChunk;
            const T* in = v + i * xs;
            if (xs != 1) {
              gather(in, xs, tmp, c);
              in = tmp;
            }
            if (pred) {
              uint8_t* y = reinterpret_cast<uint8_t*>(ptr[0]) + i;
              if constexpr (std::is_same<T, float>::value) t->pred_f32[op](in, y, c);
              else t->pred_f64[op](in, y, c);
            } else {
              T* y = reinterpret_cast<T*>(ptr[0]) + i;
              if constexpr (std::is_same<T, float>::value) t->unary_f32[op](in, y, c, param);
              else t->unary_f64[op](in, y, c, param);
            }
          }
        }
      });
    });
  });
  return true;
}

bool ew_binary(int op, const View& a, const View& b, const View& out) {
  if (op < 0 || op >= B_COUNT || a.dtype != b.dtype) return false;
  const bool cmp = is_comparison(op);
  const DType dt = a.dtype;
  if (cmp ? out.dtype != DType::U8 : out.dtype != dt) return false;
  if (dt == DType::U8 && !cmp) return false;
  if (dt == DType::I32 && (op == B_DIV || op == B_ATAN2)) return false;
  if (op == B_RELU_GRAD && dt != DType::F32 && dt != DType::F64) return false;
  const int64_t n = out.numel();
  if (n == 0) return true;
  const KernelTable* t = select_table();
  const View* views[3] = {&out, &a, &b};
  const Plan<3> p = plan_of<3>(views);
  const int64_t as = p.inner_stride(1), bs = p.inner_stride(2);
  const bool costly = op == B_POW || op == B_REMAINDER || op == B_FLOOR_DIVIDE || op == B_ATAN2;
  parallel_for(n, costly ? kCostlyGrain : kCheapGrain, [&](int64_t begin, int64_t end) {
    for_rows(p, begin, end, [&](char* const* ptr, int64_t m) {
      with_type(dt, [&](auto tag) {
        using T = typename decltype(tag)::type;
        const T* pa = reinterpret_cast<const T*>(ptr[1]);
        const T* pb = reinterpret_cast<const T*>(ptr[2]);
        if constexpr (std::is_floating_point<T>::value) {
          alignas(64) T ta[kChunk];
          alignas(64) T tb[kChunk];
          for (int64_t i = 0; i < m; i += kChunk) {
            const int64_t c = m - i < kChunk ? m - i : kChunk;
            const T* ia = pa + i * as;
            const T* ib = pb + i * bs;
            int mode = BM_VV;
            if (as == 0 && bs != 0) mode = BM_SV;
            else if (bs == 0 && as != 0) mode = BM_VS;
            if (mode != BM_SV && as != 1) {
              gather(ia, as, ta, c);
              ia = ta;
            }
            if (mode != BM_VS && bs != 1) {
              gather(ib, bs, tb, c);
              ib = tb;
            }
            if (cmp) {
              uint8_t* y = reinterpret_cast<uint8_t*>(ptr[0]) + i;
              if constexpr (std::is_same<T, float>::value) t->compare_f32[op](ia, ib, y, c, mode);
              else t->compare_f64[op](ia, ib, y, c, mode);
            } else {
              T* y = reinterpret_cast<T*>(ptr[0]) + i;
              if constexpr (std::is_same<T, float>::value) t->binary_f32[op](ia, ib, y, c, mode);
              else t->binary_f64[op](ia, ib, y, c, mode);
            }
          }
        } else if (cmp) {
          uint8_t* y = reinterpret_cast<uint8_t*>(ptr[0]);
          for (int64_t i = 0; i < m; i++) y[i] = compare_scalar<T>(op, pa[i * as], pb[i * bs]) ? 1 : 0;
        } else if constexpr (std::is_same<T, int32_t>::value) {
          int32_t* y = reinterpret_cast<int32_t*>(ptr[0]);
          if (op == B_ADD && as == 1 && bs == 1) {
            for (int64_t i = 0; i < m; i++) y[i] = wrap(static_cast<uint32_t>(pa[i]) + static_cast<uint32_t>(pb[i]));
          } else {
            for (int64_t i = 0; i < m; i++) y[i] = binary_i32(op, pa[i * as], pb[i * bs]);
          }
        }
      });
    });
  });
  return true;
}

bool ew_where(const View& cond, const View& a, const View& b, const View& out) {
  if (cond.dtype != DType::U8 || a.dtype != out.dtype || b.dtype != out.dtype) return false;
  const int64_t n = out.numel();
  if (n == 0) return true;
  const View* views[4] = {&out, &cond, &a, &b};
  const Plan<4> p = plan_of<4>(views);
  const int64_t cs = p.inner_stride(1), as = p.inner_stride(2), bs = p.inner_stride(3);
  with_type(out.dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    parallel_for(n, kCheapGrain, [&](int64_t begin, int64_t end) {
      for_rows(p, begin, end, [&](char* const* ptr, int64_t m) {
        T* y = reinterpret_cast<T*>(ptr[0]);
        const uint8_t* c = reinterpret_cast<const uint8_t*>(ptr[1]);
        const T* pa = reinterpret_cast<const T*>(ptr[2]);
        const T* pb = reinterpret_cast<const T*>(ptr[3]);
        if (cs == 1 && as == 1 && bs == 1) {
          for (int64_t i = 0; i < m; i++) y[i] = c[i] != 0 ? pa[i] : pb[i];
        } else {
          for (int64_t i = 0; i < m; i++) y[i] = c[i * cs] != 0 ? pa[i * as] : pb[i * bs];
        }
      });
    });
  });
  return true;
}

}  // namespace tessera
