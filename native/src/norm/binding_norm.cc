// N-API entry points of the normalization kernels (norm.h). Inputs are contiguous runs of their
// typed arrays, each at an offset; outputs are whole arrays written from element 0.
//   normForward(out, mean, rstd, variance | null, x, weight | null, bias | null)
//     meta: kind (0 layer norm: weight per inner position; 1 batch norm: per channel), outer,
//     channels, inner, eps, offsets of x, weight, bias
//   normBackward(dx, dweight | null, dbias | null, g, x, mean, rstd, weight | null)
//     meta: kind, outer, channels, inner, offsets of g, x, mean, rstd, weight
// Each returns true when it ran, false (writing nothing) unless every array is float32, or every
// one float64; a size or offset that does not fit its array throws.
#include "common.h"
#include "norm/norm.h"

namespace tessera {
namespace {

struct Arg {
  Array a;
  bool present = false;
  int64_t offset = 0;
  int64_t need = 0;  // elements used from offset
};

bool read_args(const Napi::CallbackInfo& info, Arg* args, size_t count, const bool* optional) {
  if (info.Length() < count || meta() == nullptr) {
    throw_error(info.Env(), "tessera: bad native call (arguments or init)");
    return false;
  }
  for (size_t i = 0; i < count; i++) {
    args[i].present = !(optional[i] && (info[i].IsNull() || info[i].IsUndefined()));
    if (args[i].present && !get_array(info.Env(), info[i], &args[i].a)) {
      throw_error(info.Env(), "tessera: bad native call (expected typed arrays)");
      return false;
    }
  }
  return true;
}

// Every present argument holds [offset, offset + need) and shares the first one's float dtype.
// Returns 1 when fine, 0 for dtypes without a kernel, -1 (after throwing) when something does not fit.
int check_args(Napi::Env env, const Arg* args, size_t count) {
  for (size_t i = 0; i < count; i++) {
    if (!args[i].present) continue;
    if (args[i].need < 0 || args[i].offset < 0 || args[i].offset + args[i].need > static_cast<int64_t>(args[i].a.length)) {
      throw_error(env, "tessera: a normalization's arrays do not fit its shape");
      return -1;
    }
  }
  const DType t = args[0].a.dtype;
  if (t != DType::F32 && t != DType::F64) return 0;
  for (size_t i = 1; i < count; i++)
    if (args[i].present && args[i].a.dtype != t) return 0;
  return 1;
}

template <typename T>
T* p(const Arg& a) {
  return a.present ? static_cast<T*>(a.a.data) + a.offset : nullptr;
}

bool read_shape(Napi::Env env, MetaReader& r, NormShape* s) {
  const int64_t kind = r.next();
  s->outer = r.next();
  s->channels = r.next();
  s->inner = r.next();
  s->affine_per_channel = kind == 1;
  const bool ok = (kind == 0 || kind == 1) && s->outer >= 0 && s->channels >= 0 && s->inner >= 0 &&
                  (s->inner == 0 || s->channels == 0 || s->outer <= (int64_t{1} << 53) / s->channels / s->inner);
  if (!ok) throw_error(env, "tessera: bad normalization shape");
  return ok;
}

Napi::Value NormForward(const Napi::CallbackInfo& info) {
  Arg a[7];
  const bool optional[7] = {false, false, false, true, false, true, true};
  if (!read_args(info, a, 7, optional)) return info.Env().Undefined();
  MetaReader r;
  NormShape s;
  if (!read_shape(info.Env(), r, &s)) return info.Env().Undefined();
  const double eps = r.next_double();
  const int64_t total = s.outer * s.channels * s.inner, affine = s.affine_per_channel ? s.channels : s.inner;
  for (int i = 4; i < 7; i++) a[i].offset = r.next();
  a[0].need = total;
  a[1].need = a[2].need = a[3].need = s.channels;
  a[4].need = total;
  a[5].need = a[6].need = affine;
  const int ok = check_args(info.Env(), a, 7);
  if (ok < 0) return info.Env().Undefined();
  if (ok == 0) return Napi::Boolean::New(info.Env(), false);
  if (a[0].a.dtype == DType::F32)
    norm_forward<float>(p<float>(a[4]), p<float>(a[5]), p<float>(a[6]), eps, s, p<float>(a[0]), p<float>(a[1]), p<float>(a[2]), p<float>(a[3]));
  else
    norm_forward<double>(p<double>(a[4]), p<double>(a[5]), p<double>(a[6]), eps, s, p<double>(a[0]), p<double>(a[1]), p<double>(a[2]), p<double>(a[3]));
  return Napi::Boolean::New(info.Env(), true);
}

Napi::Value NormBackward(const Napi::CallbackInfo& info) {
  Arg a[8];
  const bool optional[8] = {false, true, true, false, false, false, false, true};
  if (!read_args(info, a, 8, optional)) return info.Env().Undefined();
  MetaReader r;
  NormShape s;
  if (!read_shape(info.Env(), r, &s)) return info.Env().Undefined();
  const int64_t total = s.outer * s.channels * s.inner, affine = s.affine_per_channel ? s.channels : s.inner;
  for (int i = 3; i < 8; i++) a[i].offset = r.next();
  a[0].need = total;
  a[1].need = a[2].need = affine;
  a[3].need = a[4].need = total;
  a[5].need = a[6].need = s.channels;
  a[7].need = affine;
  const int ok = check_args(info.Env(), a, 8);
  if (ok < 0) return info.Env().Undefined();
  if (ok == 0) return Napi::Boolean::New(info.Env(), false);
  if (a[0].a.dtype == DType::F32)
    norm_backward<float>(p<float>(a[3]), p<float>(a[4]), p<float>(a[5]), p<float>(a[6]), p<float>(a[7]), s, p<float>(a[0]), p<float>(a[1]), p<float>(a[2]));
  else
    norm_backward<double>(p<double>(a[3]), p<double>(a[4]), p<double>(a[5]), p<double>(a[6]), p<double>(a[7]), s, p<double>(a[0]), p<double>(a[1]), p<double>(a[2]));
  return Napi::Boolean::New(info.Env(), true);
}

}  // namespace

void RegisterNorm(Napi::Env env, Napi::Object exports) {
  exports.Set("normForward", Napi::Function::New(env, NormForward, "normForward"));
  exports.Set("normBackward", Napi::Function::New(env, NormBackward, "normBackward"));
}

}  // namespace tessera
