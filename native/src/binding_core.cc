// Core functions: the metadata buffer, memory, threads and diagnostics.
#include <napi.h>

#include <cstdint>

#include "alloc.h"
#include "common.h"
#include "cpu.h"
#include "elementwise/elementwise.h"
#include "threadpool.h"

namespace tessera {
namespace {

// Per thread: each Node worker thread has its own isolate, its own copy of the JS module, and so its
// own metadata buffer.
thread_local const double* g_meta = nullptr;
thread_local napi_ref g_meta_ref = nullptr;

// init(meta: Float64Array): registers the metadata buffer (kept alive by a reference).
Napi::Value Init(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  Array a;
  if (info.Length() < 1 || !get_array(env, info[0], &a) || a.dtype != DType::F64 || a.length < 64)
    return throw_error(info.Env(), "tessera.init: expected a Float64Array of at least 64 elements");
  if (g_meta_ref != nullptr) napi_delete_reference(env, g_meta_ref);
  napi_create_reference(env, info[0], 1, &g_meta_ref);
  g_meta = static_cast<const double*>(a.data);
  return info.Env().Undefined();
}

// alloc(dtype: 0..3, length, zero: boolean): a typed array on pooled, 64-byte aligned memory.
Napi::Value Alloc(const Napi::CallbackInfo& info) {
  const int dtype = info[0].As<Napi::Number>().Int32Value();
  const double length = info[1].As<Napi::Number>().DoubleValue();
  const bool zero = info[2].ToBoolean().Value();
  if (dtype < 0 || dtype > 3 || !(length >= 0) || length > 9007199254740991.0)
    return throw_error(info.Env(), "tessera.alloc: bad arguments");
  napi_value out = alloc_array(info.Env(), static_cast<DType>(dtype), static_cast<size_t>(length), zero);
  if (out == nullptr) return info.Env().Null();
  return Napi::Value(info.Env(), out);
}

// release(array): detaches an addon-allocated array and recycles its memory; returns whether it did.
Napi::Value Release(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), release_array(info.Env(), info[0]));
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("isa", isa_name(detected_isa()));
  o.Set("threads", num_threads());
  o.Set("buffers", buffer_kind(env));
  o.Set("kernels", kernel_table_name());
#if defined(__clang__)
  o.Set("compiler", "clang " __clang_version__);
#elif defined(__GNUC__)
  o.Set("compiler", "gcc " __VERSION__);
#elif defined(_MSC_VER)
  o.Set("compiler", "msvc");
#endif
  return o;
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  set_num_threads(info[0].As<Napi::Number>().Int32Value());
  return info.Env().Undefined();
}

Napi::Value PoolStatsJs(const Napi::CallbackInfo& info) {
  const PoolStats s = pool_stats();
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("liveBytes", static_cast<double>(s.live_bytes));
  o.Set("pooledBytes", static_cast<double>(s.pooled_bytes));
  o.Set("liveBlocks", static_cast<double>(s.live_blocks));
  o.Set("hits", static_cast<double>(s.hits));
  o.Set("misses", static_cast<double>(s.misses));
  return o;
}

// isAligned(array): whether the array's first element sits on a 64-byte boundary (tests).
Napi::Value IsAligned(const Napi::CallbackInfo& info) {
  Array a;
  if (info.Length() < 1 || !get_array(info.Env(), info[0], &a)) return throw_error(info.Env(), "tessera.isAligned: expected a typed array");
  return Napi::Boolean::New(info.Env(), reinterpret_cast<uintptr_t>(a.data) % 64 == 0);
}

Napi::Value PoolTrim(const Napi::CallbackInfo& info) {
  pool_trim();
  return info.Env().Undefined();
}

}  // namespace

const double* meta() { return g_meta; }

bool get_array(napi_env env, napi_value value, Array* out) {
  napi_typedarray_type type;
  size_t length;
  void* data;
  if (napi_get_typedarray_info(env, value, &type, &length, &data, nullptr, nullptr) != napi_ok) return false;
  switch (type) {
    case napi_float32_array: out->dtype = DType::F32; break;
    case napi_float64_array: out->dtype = DType::F64; break;
    case napi_int32_array: out->dtype = DType::I32; break;
    case napi_uint8_array: out->dtype = DType::U8; break;
    default: return false;
  }
  out->data = data;
  out->length = length;
  return true;
}

void RegisterCore(Napi::Env env, Napi::Object exports) {
  exports.Set("init", Napi::Function::New(env, Init, "init"));
  exports.Set("alloc", Napi::Function::New(env, Alloc, "alloc"));
  exports.Set("release", Napi::Function::New(env, Release, "release"));
  exports.Set("info", Napi::Function::New(env, Info, "info"));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads, "setNumThreads"));
  exports.Set("poolStats", Napi::Function::New(env, PoolStatsJs, "poolStats"));
  exports.Set("poolTrim", Napi::Function::New(env, PoolTrim, "poolTrim"));
  exports.Set("isAligned", Napi::Function::New(env, IsAligned, "isAligned"));
}

}  // namespace tessera
