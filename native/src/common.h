// Shared by the binding files (not by the ISA-specific translation units, which must stay free of
// inline code the portable build could also instantiate): reading typed arrays and strided views
// from N-API arguments.
//
// Views travel in a metadata buffer, a Float64Array that JavaScript registers once (init()) and
// refills before each call (src/backend/native/meta.ts), so that a call costs one N-API argument
// per array instead of one per shape entry. A view is written as
//   ndim, shape[0..ndim), strides[0..ndim), offset
// with strides and offset in elements (strides may be 0 or negative).
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>

namespace tessera {

enum class DType : int { F32 = 0, F64 = 1, I32 = 2, U8 = 3 };

constexpr int kMaxDims = 16;

inline size_t dtype_size(DType t) { return t == DType::F64 ? 8 : t == DType::U8 ? 1 : 4; }

// A typed array's memory: data points at its first element (byteOffset applied).
struct Array {
  void* data = nullptr;
  size_t length = 0;
  DType dtype = DType::F32;
};

// Reads a Float32Array/Float64Array/Int32Array/Uint8Array; false for anything else.
bool get_array(napi_env env, napi_value value, Array* out);

struct View {
  char* base = nullptr;  // element 0 of the typed array
  DType dtype = DType::F32;
  int ndim = 0;
  int64_t shape[kMaxDims] = {};
  int64_t strides[kMaxDims] = {};
  int64_t offset = 0;
  int64_t numel() const {
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) n *= shape[i];
    return n;
  }
  template <typename T>
  T* at(int64_t element_offset) const {
    return reinterpret_cast<T*>(base) + element_offset;
  }
};

// The registered metadata buffer (nullptr before init()).
const double* meta();

// Reads values and views from the metadata buffer in order.
class MetaReader {
 public:
  MetaReader() : p_(meta()) {}
  int64_t next() { return static_cast<int64_t>(*p_++); }
  double next_double() { return *p_++; }
  // Reads one view's description and binds it to `array`. False when the description does not
  // fit the array (more than kMaxDims dims, or elements outside it): a bug upstream, which the
  // caller reports instead of reading out of bounds.
  bool view(const Array& array, View* v) {
    v->base = static_cast<char*>(array.data);
    v->dtype = array.dtype;
    const int64_t nd = next();
    if (nd < 0 || nd > kMaxDims) return false;
    v->ndim = static_cast<int>(nd);
    for (int i = 0; i < v->ndim; i++) v->shape[i] = next();
    for (int i = 0; i < v->ndim; i++) v->strides[i] = next();
    v->offset = next();
    return in_bounds(*v, array.length);
  }

  static bool in_bounds(const View& v, size_t length) {
    int64_t lo = v.offset, hi = v.offset;
    for (int i = 0; i < v.ndim; i++) {
      if (v.shape[i] < 0) return false;
      if (v.shape[i] == 0) return true;  // no elements: nothing is read
      const int64_t span = (v.shape[i] - 1) * v.strides[i];
      (span < 0 ? lo : hi) += span;
    }
    return lo >= 0 && hi < static_cast<int64_t>(length);
  }

 private:
  const double* p_;
};

// Throws a JavaScript Error (with NAPI_DISABLE_CPP_EXCEPTIONS this sets a pending exception).
inline Napi::Value throw_error(Napi::Env env, const char* message) {
  Napi::Error::New(env, message).ThrowAsJavaScriptException();
  return env.Undefined();
}

// Registration entry points, one per binding file; addon.cc calls them all.
void RegisterCore(Napi::Env env, Napi::Object exports);
void RegisterElementwise(Napi::Env env, Napi::Object exports);
void RegisterGemm(Napi::Env env, Napi::Object exports);
void RegisterConv(Napi::Env env, Napi::Object exports);
void RegisterOptim(Napi::Env env, Napi::Object exports);
void RegisterNorm(Napi::Env env, Napi::Object exports);

}  // namespace tessera
