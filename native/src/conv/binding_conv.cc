// Bindings of the convolution and pooling kernels (native/src/conv/). Each call passes typed arrays
// (the output first, allocated by JavaScript) and reads views and parameters from the metadata
// buffer, in the order src/backend/native/conv.ts writes them:
//   conv2d(out, x, w):            view x, view w, conv params, out shape[4]
//   conv2dInputGrad(out, g, w):   view g, view w, conv params, input shape[4]
//   conv2dWeightGrad(out, x, g):  view x, view g, conv params, weight shape[4]
//   maxPool2d(values, indices, x): view x, pool params
//   avgPool2d(out, x):            view x, pool params
//   avgPool2dGrad(out, g):        view g, pool params, input shape[4]
//   maxPool2dGrad(out, g, idx):   view g, view idx, input shape[4]
// conv params: stride[2], padding[2], dilation[2], groups
// pool params: kernel[2], stride[2], padding[2], dilation[2], countIncludePad, hasDivisorOverride,
//              divisorOverride, out[2]
// The ops have validated everything; the checks here only keep a wrong call from touching memory
// outside its arrays.
#include "common.h"
#include "conv/conv.h"

namespace tessera {
namespace {

bool float_dtype(DType t) { return t == DType::F32 || t == DType::F64; }

// Whether every element of a 4-D view lies inside its array.
bool in_bounds(const View& v, const Array& a) {
  if (v.ndim != 4) return false;
  int64_t lo = v.offset, hi = v.offset;
  for (int d = 0; d < 4; ++d) {
    if (v.shape[d] < 0) return false;
    if (v.shape[d] == 0) return true;
    const int64_t span = (v.shape[d] - 1) * v.strides[d];
    (span < 0 ? lo : hi) += span;
  }
  return lo >= 0 && hi < static_cast<int64_t>(a.length);
}

template <typename T>
View4<T> view4(const View& v) {
  View4<T> out;
  out.data = v.at<T>(v.offset);
  for (int d = 0; d < 4; ++d) {
    out.shape[d] = v.shape[d];
    out.strides[d] = v.strides[d];
  }
  return out;
}

void read_shape(MetaReader& r, int64_t* shape) {
  for (int d = 0; d < 4; ++d) shape[d] = r.next();
}

int64_t numel(const int64_t* shape) { return shape[0] * shape[1] * shape[2] * shape[3]; }

ConvParams read_conv(MetaReader& r) {
  ConvParams p;
  p.stride[0] = r.next();
  p.stride[1] = r.next();
  p.padding[0] = r.next();
  p.padding[1] = r.next();
  p.dilation[0] = r.next();
  p.dilation[1] = r.next();
  p.groups = r.next();
  return p;
}

bool conv_ok(const ConvParams& p) {
  return p.stride[0] >= 1 && p.stride[1] >= 1 && p.padding[0] >= 0 && p.padding[1] >= 0 &&
         p.dilation[0] >= 1 && p.dilation[1] >= 1 && p.groups >= 1;
}

PoolParams read_pool(MetaReader& r) {
  PoolParams p;
  for (int d = 0; d < 2; ++d) p.kernel[d] = r.next();
  for (int d = 0; d < 2; ++d) p.stride[d] = r.next();
  for (int d = 0; d < 2; ++d) p.padding[d] = r.next();
  for (int d = 0; d < 2; ++d) p.dilation[d] = r.next();
  p.count_include_pad = r.next() != 0;
  p.has_divisor_override = r.next() != 0;
  p.divisor_override = r.next();
  for (int d = 0; d < 2; ++d) p.out[d] = r.next();
  return p;
}

bool pool_ok(const PoolParams& p) {
  for (int d = 0; d < 2; ++d) {
    if (p.kernel[d] < 1 || p.stride[d] < 1 || p.padding[d] < 0 || p.dilation[d] < 1 || p.out[d] < 0)
      return false;
  }
  return true;
}

// Reads arrays info[0..n) into a[], false unless all are typed arrays.
bool arrays(const Napi::CallbackInfo& info, size_t n, Array* a) {
  if (info.Length() < n) return false;
  for (size_t i = 0; i < n; ++i) {
    if (!get_array(info.Env(), info[i], &a[i])) return false;
  }
  return true;
}

// The three conv kernels share their argument layout: (out, a, b) with views a, b, params, shape.
enum class ConvKind { Forward, InputGrad, WeightGrad };

template <ConvKind kind>
Napi::Value Conv(const Napi::CallbackInfo& info) {
  static const char* const kNames[] = {"conv2d", "conv2dInputGrad", "conv2dWeightGrad"};
  const char* name = kNames[static_cast<int>(kind)];
  Array arr[3];
  if (!arrays(info, 3, arr)) return throw_error(info.Env(), name);
  MetaReader r;
  View a, b;
  r.view(arr[1], &a);
  r.view(arr[2], &b);
  const ConvParams p = read_conv(r);
  int64_t shape[4];
  read_shape(r, shape);
  const DType t = arr[0].dtype;
  if (!float_dtype(t) || arr[1].dtype != t || arr[2].dtype != t || !in_bounds(a, arr[1]) ||
      !in_bounds(b, arr[2]) || !conv_ok(p) || shape[0] < 0 || shape[1] < 0 || shape[2] < 0 ||
      shape[3] < 0 || static_cast<int64_t>(arr[0].length) < numel(shape)) {
    return throw_error(info.Env(), name);
  }
  // Batch, channel and group sizes must agree, or the kernel would index past a view.
  const int64_t* x = kind == ConvKind::InputGrad ? shape : a.shape;           // [N, C, H, W]
  const int64_t* w = kind == ConvKind::WeightGrad ? shape : b.shape;          // [O, C/g, kh, kw]
  const int64_t* y = kind == ConvKind::Forward ? shape : kind == ConvKind::InputGrad ? a.shape : b.shape;
  if (x[0] != y[0] || y[1] != w[0] || w[0] % p.groups != 0 || x[1] != w[1] * p.groups) {
    return throw_error(info.Env(), name);
  }
  auto run = [&](auto zero) {
    using T = decltype(zero);
    T* out = static_cast<T*>(arr[0].data);
    if constexpr (kind == ConvKind::Forward) {
      conv2d_forward<T>(view4<T>(a), view4<T>(b), p, out, shape);
    } else if constexpr (kind == ConvKind::InputGrad) {
      conv2d_input_grad<T>(view4<T>(a), view4<T>(b), p, out, shape);
    } else {
      conv2d_weight_grad<T>(view4<T>(a), view4<T>(b), p, out, shape);
    }
  };
  if (t == DType::F32) {
    run(0.0f);
  } else {
    run(0.0);
  }
  return info.Env().Undefined();
}

Napi::Value MaxPool(const Napi::CallbackInfo& info) {
  Array arr[3];
  if (!arrays(info, 3, arr)) return throw_error(info.Env(), "maxPool2d");
  MetaReader r;
  View x;
  r.view(arr[2], &x);
  const PoolParams p = read_pool(r);
  const DType t = arr[2].dtype;
  if (!float_dtype(t) || arr[0].dtype != t || arr[1].dtype != DType::I32 || !in_bounds(x, arr[2]) ||
      !pool_ok(p)) {
    return throw_error(info.Env(), "maxPool2d");
  }
  const int64_t n = x.shape[0] * x.shape[1] * p.out[0] * p.out[1];
  if (static_cast<int64_t>(arr[0].length) < n || static_cast<int64_t>(arr[1].length) < n)
    return throw_error(info.Env(), "maxPool2d");
  int32_t* idx = static_cast<int32_t*>(arr[1].data);
  if (t == DType::F32) {
    max_pool2d<float>(view4<float>(x), p, static_cast<float*>(arr[0].data), idx);
  } else {
    max_pool2d<double>(view4<double>(x), p, static_cast<double*>(arr[0].data), idx);
  }
  return info.Env().Undefined();
}

Napi::Value AvgPool(const Napi::CallbackInfo& info) {
  Array arr[2];
  if (!arrays(info, 2, arr)) return throw_error(info.Env(), "avgPool2d");
  MetaReader r;
  View x;
  r.view(arr[1], &x);
  const PoolParams p = read_pool(r);
  const DType t = arr[1].dtype;
  if (!float_dtype(t) || arr[0].dtype != t || !in_bounds(x, arr[1]) || !pool_ok(p) ||
      static_cast<int64_t>(arr[0].length) < x.shape[0] * x.shape[1] * p.out[0] * p.out[1]) {
    return throw_error(info.Env(), "avgPool2d");
  }
  if (t == DType::F32) {
    avg_pool2d<float>(view4<float>(x), p, static_cast<float*>(arr[0].data));
  } else {
    avg_pool2d<double>(view4<double>(x), p, static_cast<double*>(arr[0].data));
  }
  return info.Env().Undefined();
}

Napi::Value AvgPoolGrad(const Napi::CallbackInfo& info) {
  Array arr[2];
  if (!arrays(info, 2, arr)) return throw_error(info.Env(), "avgPool2dGrad");
  MetaReader r;
  View g;
  r.view(arr[1], &g);
  const PoolParams p = read_pool(r);
  int64_t shape[4];
  read_shape(r, shape);
  const DType t = arr[1].dtype;
  // The kernel reads g over the whole output extent p.out; the view must cover it.
  if (!float_dtype(t) || arr[0].dtype != t || !in_bounds(g, arr[1]) || !pool_ok(p) ||
      g.shape[0] != shape[0] || g.shape[1] != shape[1] || g.shape[2] != p.out[0] ||
      g.shape[3] != p.out[1] || shape[2] < 0 || shape[3] < 0 ||
      static_cast<int64_t>(arr[0].length) < numel(shape)) {
    return throw_error(info.Env(), "avgPool2dGrad");
  }
  if (t == DType::F32) {
    avg_pool2d_grad<float>(view4<float>(g), p, static_cast<float*>(arr[0].data), shape);
  } else {
    avg_pool2d_grad<double>(view4<double>(g), p, static_cast<double*>(arr[0].data), shape);
  }
  return info.Env().Undefined();
}

Napi::Value MaxPoolGrad(const Napi::CallbackInfo& info) {
  Array arr[3];
  if (!arrays(info, 3, arr)) return throw_error(info.Env(), "maxPool2dGrad");
  MetaReader r;
  View g, idx;
  r.view(arr[1], &g);
  r.view(arr[2], &idx);
  int64_t shape[4];
  read_shape(r, shape);
  const DType t = arr[1].dtype;
  if (!float_dtype(t) || arr[0].dtype != t || arr[2].dtype != DType::I32 || !in_bounds(g, arr[1]) ||
      !in_bounds(idx, arr[2]) || g.shape[0] != shape[0] || g.shape[1] != shape[1] ||
      shape[2] < 0 || shape[3] < 0 || static_cast<int64_t>(arr[0].length) < numel(shape)) {
    return throw_error(info.Env(), "maxPool2dGrad");
  }
  for (int d = 0; d < 4; ++d) {
    if (idx.shape[d] != g.shape[d]) return throw_error(info.Env(), "maxPool2dGrad");
  }
  if (t == DType::F32) {
    max_pool2d_grad<float>(view4<float>(g), view4<int32_t>(idx), static_cast<float*>(arr[0].data), shape);
  } else {
    max_pool2d_grad<double>(view4<double>(g), view4<int32_t>(idx), static_cast<double*>(arr[0].data), shape);
  }
  return info.Env().Undefined();
}

}  // namespace

// gather/binding_gather.cc: gather and scatter (max-pool backward's scatter-add). Registered from
// here so that addon.cc needs no edit.
void RegisterGather(Napi::Env env, Napi::Object exports);

void RegisterConv(Napi::Env env, Napi::Object exports) {
  RegisterGather(env, exports);
  exports.Set("conv2d", Napi::Function::New(env, Conv<ConvKind::Forward>, "conv2d"));
  exports.Set("conv2dInputGrad", Napi::Function::New(env, Conv<ConvKind::InputGrad>, "conv2dInputGrad"));
  exports.Set("conv2dWeightGrad", Napi::Function::New(env, Conv<ConvKind::WeightGrad>, "conv2dWeightGrad"));
  exports.Set("maxPool2d", Napi::Function::New(env, MaxPool, "maxPool2d"));
  exports.Set("avgPool2d", Napi::Function::New(env, AvgPool, "avgPool2d"));
  exports.Set("avgPool2dGrad", Napi::Function::New(env, AvgPoolGrad, "avgPool2dGrad"));
  exports.Set("maxPool2dGrad", Napi::Function::New(env, MaxPoolGrad, "maxPool2dGrad"));
}

}  // namespace tessera
