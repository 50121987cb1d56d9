// gather and scatter along one dim (gather.cc). Portable code, free of N-API headers.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tessera {

constexpr int kGatherMaxDims = 16;

// A strided view of any rank: element (i0, i1, ...) at data[(offset + sum(i_d * strides[d])) * size].
struct StridedView {
  const char* data;
  int ndim;
  int64_t shape[kGatherMaxDims];
  int64_t strides[kGatherMaxDims];
  int64_t offset;
};

// How scatter combines a value with the element it lands on.
enum class ScatterMode { Write, AddF32, AddF64, AddI32, OrU8 };

// out (contiguous, the index's shape) = x gathered along dim. Elements are `size` bytes (1, 4, 8).
void gather(const StridedView& x, int dim, const StridedView& index, size_t size, char* out);

// out (contiguous, base's shape) = base with src written or combined at index along dim.
void scatter(const StridedView& base, int dim, const StridedView& index, const StridedView& src,
             ScatterMode mode, size_t size, char* out);

}  // namespace tessera
