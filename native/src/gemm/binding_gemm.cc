// N-API entry points of the GEMM (gemm.h).
//
//   matmul(out, a, b) -> boolean; meta: view a [B, M, K], view b [B, K, N].
//     Writes the contiguous [B, M, N] product into out (any strides in a and b, batch strides 0
//     included). Returns false when the dtypes have no native kernel (anything but float32 x
//     float32 -> float32 or float64 x float64 -> float64); the caller then uses the reference
//     kernel. Malformed arguments (views outside their arrays, mismatched shapes, a short output)
//     throw instead of reading or writing out of bounds.
//   gemmKernel() -> string: the micro-kernel path in use ("avx512", "avx2" or "generic").
#include "common.h"
#include "gemm/gemm.h"

namespace tessera {
namespace {

Napi::Value Matmul(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || meta() == nullptr) return throw_error(env, "tessera: bad native call (arguments or init)");
  Array out, a, b;
  if (!get_array(env, info[0], &out) || !get_array(env, info[1], &a) || !get_array(env, info[2], &b)) {
    return throw_error(env, "tessera: bad native call (expected typed arrays)");
  }
  MetaReader r;
  View va, vb;
  if (!r.view(a, &va) || !r.view(b, &vb)) return throw_error(env, "tessera: matmul: a view does not fit its array");
  if (va.ndim != 3 || vb.ndim != 3) return throw_error(env, "tessera: matmul: views must be 3-D");
  const int64_t batch = va.shape[0], m = va.shape[1], k = va.shape[2], n = vb.shape[2];
  if (vb.shape[0] != batch || vb.shape[1] != k) return throw_error(env, "tessera: matmul: shapes do not match");
  if (a.dtype != b.dtype || a.dtype != out.dtype || (a.dtype != DType::F32 && a.dtype != DType::F64)) {
    return Napi::Boolean::New(env, false);
  }
  if (static_cast<double>(batch) * static_cast<double>(m) * static_cast<double>(n) > static_cast<double>(out.length)) {
    return throw_error(env, "tessera: matmul: output array too small");
  }
  const int64_t sc = m * n;
  if (a.dtype == DType::F32) {
    sgemm_batched(batch, m, n, k, 1.0f, va.at<const float>(va.offset), va.strides[0], va.strides[1],
                  va.strides[2], vb.at<const float>(vb.offset), vb.strides[0], vb.strides[1],
                  vb.strides[2], 0.0f, static_cast<float*>(out.data), sc, n, 1);
  } else {
    dgemm_batched(batch, m, n, k, 1.0, va.at<const double>(va.offset), va.strides[0], va.strides[1],
                  va.strides[2], vb.at<const double>(vb.offset), vb.strides[0], vb.strides[1],
                  vb.strides[2], 0.0, static_cast<double*>(out.data), sc, n, 1);
  }
  return Napi::Boolean::New(env, true);
}

Napi::Value GemmKernel(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), gemm_kernel_name());
}

}  // namespace

void RegisterGemm(Napi::Env env, Napi::Object exports) {
  exports.Set("matmul", Napi::Function::New(env, Matmul, "matmul"));
  exports.Set("gemmKernel", Napi::Function::New(env, GemmKernel, "gemmKernel"));
}

}  // namespace tessera
