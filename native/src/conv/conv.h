// Convolution and pooling kernels on strided 4-D views (portable code; GEMM does the heavy lifting).
// The semantics are those of the TypeScript reference kernels (src/backend/js/conv.ts, pool.ts):
// every input position is bounds-checked, so the caller may ask for any output (or input) extent
// and positions outside the input read as zero (conv) or do not count (pooling).
#pragma once

#include <cstddef>
#include <cstdint>

namespace tessera {

// Scratch memory from the addon's pool (alloc.cc; declared again here so that the kernels stay
// free of N-API headers).
void* scratch_acquire(size_t bytes);
void scratch_release(void* p, size_t bytes);

// Element (a, b, c, d) at data[a*strides[0] + b*strides[1] + c*strides[2] + d*strides[3]];
// `data` already points at the view's offset. Strides may be zero or negative.
template <typename T>
struct View4 {
  const T* data;
  int64_t shape[4];
  int64_t strides[4];
};

struct ConvParams {
  int64_t stride[2];
  int64_t padding[2];
  int64_t dilation[2];
  int64_t groups;
};

struct PoolParams {
  int64_t kernel[2];
  int64_t stride[2];
  int64_t padding[2];
  int64_t dilation[2];
  bool count_include_pad;
  bool has_divisor_override;
  int64_t divisor_override;
  int64_t out[2];
};

// Outputs are contiguous (row-major) and fully written by the kernels (no need to zero them).

// x [N, C, H, W], w [O, C/groups, kh, kw] -> out [N, O, Ho, Wo] (out_shape).
template <typename T>
void conv2d_forward(const View4<T>& x, const View4<T>& w, const ConvParams& p, T* out,
                    const int64_t out_shape[4]);

// g [N, O, Ho, Wo], w -> dx [N, C, H, W] (in_shape): the transposed convolution.
template <typename T>
void conv2d_input_grad(const View4<T>& g, const View4<T>& w, const ConvParams& p, T* dx,
                       const int64_t in_shape[4]);

// x [N, C, H, W], g [N, O, Ho, Wo] -> dw [O, C/groups, kh, kw] (w_shape).
template <typename T>
void conv2d_weight_grad(const View4<T>& x, const View4<T>& g, const ConvParams& p, T* dw,
                        const int64_t w_shape[4]);

// x [N, C, H, W] -> values and flat (h*W + w) argmax indices, [N, C, out[0], out[1]].
template <typename T>
void max_pool2d(const View4<T>& x, const PoolParams& p, T* values, int32_t* indices);

template <typename T>
void avg_pool2d(const View4<T>& x, const PoolParams& p, T* out);

// Max pooling's backward: g [N, C, Ho, Wo] and max_pool2d's flat argmax indices (same shape) ->
// dx [N, C, H, W] (in_shape), each gradient added at its argmax. One pass per plane: the plane is
// zeroed and filled while it sits in cache, instead of a zeroed buffer, a copy and a scatter-add.
template <typename T>
void max_pool2d_grad(const View4<T>& g, const View4<int32_t>& indices, T* dx, const int64_t in_shape[4]);

// g [N, C, out[0], out[1]] -> dx [N, C, H, W] (in_shape).
template <typename T>
void avg_pool2d_grad(const View4<T>& g, const PoolParams& p, T* dx, const int64_t in_shape[4]);

}  // namespace tessera
