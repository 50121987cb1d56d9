// N-API entry points of the fused optimizer updates.
//   adamStep(param, grad, expAvg, expAvgSq, maxExpAvgSq | null)
//     meta: n, offsets of the five arrays (the null one's ignored), then AdamCoeffs in its order
//     (beta1, 1 - beta1, beta2, 1 - beta2, eps, weightDecay, 1 - lr weightDecay, stepSize,
//     sqrt(1 - beta2^t), maximize, l2, decoupled)
//   sgdStep(param, grad, momentumBuffer | null)
//     meta: n, offsets of the three arrays, then SgdCoeffs in its order (-lr, momentum,
//     1 - dampening, weightDecay, maximize, nesterov, momentum mode)
// Each returns true when it ran, false (touching nothing) when the arrays are not all float32 or
// all float64; the caller then runs its reference loop. A range outside its array throws.
#include "common.h"
#include "optim/optim.h"

namespace tessera {
namespace {

// Reads `count` arrays, of which those at index >= `required` may be null or undefined.
bool read_optional_arrays(const Napi::CallbackInfo& info, Array* arrays, bool* present, size_t count, size_t required) {
  if (info.Length() < count || meta() == nullptr) {
    throw_error(info.Env(), "tessera: bad native call (arguments or init)");
    return false;
  }
  for (size_t i = 0; i < count; i++) {
    present[i] = !(i >= required && (info[i].IsNull() || info[i].IsUndefined()));
    if (present[i] && !get_array(info.Env(), info[i], &arrays[i])) {
      throw_error(info.Env(), "tessera: bad native call (expected typed arrays)");
      return false;
    }
  }
  return true;
}

// Reads n and one offset per array; checks every present array holds [offset, offset + n).
bool read_ranges(Napi::Env env, MetaReader& r, const Array* arrays, const bool* present, size_t count, int64_t* n,
                 int64_t* offsets) {
  *n = r.next();
  bool ok = *n >= 0;
  for (size_t i = 0; i < count; i++) {
    offsets[i] = r.next();
    if (present[i]) ok = ok && offsets[i] >= 0 && offsets[i] + *n <= static_cast<int64_t>(arrays[i].length);
  }
  if (!ok) throw_error(env, "tessera: an optimizer update does not fit its arrays");
  return ok;
}

// All present arrays have dtype F32 or all F64; sets it.
bool same_float_dtype(const Array* arrays, const bool* present, size_t count, DType* dtype) {
  *dtype = arrays[0].dtype;
  if (*dtype != DType::F32 && *dtype != DType::F64) return false;
  for (size_t i = 1; i < count; i++)
    if (present[i] && arrays[i].dtype != *dtype) return false;
  return true;
}

template <typename T>
T* ptr(const Array& a, bool present, int64_t offset) {
  return present ? static_cast<T*>(a.data) + offset : nullptr;
}

Napi::Value AdamStep(const Napi::CallbackInfo& info) {
  Array a[5];
  bool present[5];
  if (!read_optional_arrays(info, a, present, 5, 4)) return info.Env().Undefined();
  MetaReader r;
  int64_t n, off[5];
  if (!read_ranges(info.Env(), r, a, present, 5, &n, off)) return info.Env().Undefined();
  AdamCoeffs c;
  c.beta1 = r.next_double();
  c.one_minus_beta1 = r.next_double();
  c.beta2 = r.next_double();
  c.one_minus_beta2 = r.next_double();
  c.eps = r.next_double();
  c.weight_decay = r.next_double();
  c.decay_factor = r.next_double();
  c.step_size = r.next_double();
  c.bias2_sqrt = r.next_double();
  c.maximize = r.next() != 0;
  c.l2 = r.next() != 0;
  c.decoupled = r.next() != 0;
  DType dt;
  if (!same_float_dtype(a, present, 5, &dt)) return Napi::Boolean::New(info.Env(), false);
  if (dt == DType::F32) {
    adam_step_f32(ptr<float>(a[0], true, off[0]), ptr<float>(a[1], true, off[1]), ptr<float>(a[2], true, off[2]),
                  ptr<float>(a[3], true, off[3]), ptr<float>(a[4], present[4], off[4]), n, c);
  } else {
    adam_step_f64(ptr<double>(a[0], true, off[0]), ptr<double>(a[1], true, off[1]), ptr<double>(a[2], true, off[2]),
                  ptr<double>(a[3], true, off[3]), ptr<double>(a[4], present[4], off[4]), n, c);
  }
  return Napi::Boolean::New(info.Env(), true);
}

Napi::Value SgdStep(const Napi::CallbackInfo& info) {
  Array a[3];
  bool present[3];
  if (!read_optional_arrays(info, a, present, 3, 2)) return info.Env().Undefined();
  MetaReader r;
  int64_t n, off[3];
  if (!read_ranges(info.Env(), r, a, present, 3, &n, off)) return info.Env().Undefined();
  SgdCoeffs c;
  c.lr_neg = r.next_double();
  c.momentum = r.next_double();
  c.one_minus_dampening = r.next_double();
  c.weight_decay = r.next_double();
  c.maximize = r.next() != 0;
  c.nesterov = r.next() != 0;
  c.momentum_mode = static_cast<int>(r.next());
  if (c.momentum_mode < 0 || c.momentum_mode > 2) return throw_error(info.Env(), "tessera.sgdStep: bad momentum mode");
  DType dt;
  if (!same_float_dtype(a, present, 3, &dt)) return Napi::Boolean::New(info.Env(), false);
  if (dt == DType::F32) {
    sgd_step_f32(ptr<float>(a[0], true, off[0]), ptr<float>(a[1], true, off[1]), ptr<float>(a[2], present[2], off[2]), n, c);
  } else {
    sgd_step_f64(ptr<double>(a[0], true, off[0]), ptr<double>(a[1], true, off[1]), ptr<double>(a[2], present[2], off[2]), n, c);
  }
  return Napi::Boolean::New(info.Env(), true);
}

}  // namespace

void RegisterOptim(Napi::Env env, Napi::Object exports) {
  exports.Set("adamStep", Napi::Function::New(env, AdamStep, "adamStep"));
  exports.Set("sgdStep", Napi::Function::New(env, SgdStep, "sgdStep"));
}

}  // namespace tessera
