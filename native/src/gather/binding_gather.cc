// Bindings of gather and scatter (gather.cc), in the layout src/backend/native/gather.ts writes:
//   gather(out, x, index):          view x, view index, dim
//   scatter(out, base, index, src): view base, view index, view src, dim, accumulate
// The ops have validated shapes, dims and index values; the checks here only keep a wrong call
// from touching memory outside its arrays.
#include "common.h"
#include "gather/gather.h"

namespace tessera {
namespace {

// Whether every element of a view lies inside its array.
bool in_bounds(const View& v, const Array& a) {
  int64_t lo = v.offset, hi = v.offset;
  for (int d = 0; d < v.ndim; ++d) {
    if (v.shape[d] < 0) return false;
    if (v.shape[d] == 0) return true;
    const int64_t span = (v.shape[d] - 1) * v.strides[d];
    (span < 0 ? lo : hi) += span;
  }
  return lo >= 0 && hi < static_cast<int64_t>(a.length);
}

StridedView strided(const View& v) {
  StridedView s;
  s.data = v.base;
  s.ndim = v.ndim;
  for (int d = 0; d < v.ndim; ++d) {
    s.shape[d] = v.shape[d];
    s.strides[d] = v.strides[d];
  }
  s.offset = v.offset;
  return s;
}

bool read_view(MetaReader& r, const Array& a, View* v) {
  r.view(a, v);
  return v->ndim >= 0 && v->ndim <= kGatherMaxDims && in_bounds(*v, a);
}

// The index may be smaller than the data view in any dim but `dim`, never larger.
bool index_fits(const View& index, const View& data, int dim) {
  if (index.ndim == 0) return data.ndim == 0 || (data.ndim == 1 && data.shape[0] >= 1);
  if (index.ndim != data.ndim || dim < 0 || dim >= index.ndim) return false;
  for (int d = 0; d < index.ndim; ++d) {
    if (d != dim && index.shape[d] > data.shape[d]) return false;
  }
  return true;
}

// src holds at least the index's extent in every dim, `dim` included (or is 0-d).
bool covers(const View& src, const View& index) {
  if (src.ndim == 0) return true;
  if (index.ndim == 0) return src.ndim == 1 && src.shape[0] >= 1;
  if (src.ndim != index.ndim) return false;
  for (int d = 0; d < index.ndim; ++d) {
    if (index.shape[d] > src.shape[d]) return false;
  }
  return true;
}

Napi::Value Gather(const Napi::CallbackInfo& info) {
  Array out, x, index;
  if (info.Length() < 3 || !get_array(info.Env(), info[0], &out) || !get_array(info.Env(), info[1], &x) ||
      !get_array(info.Env(), info[2], &index)) {
    return throw_error(info.Env(), "gather: bad arguments");
  }
  MetaReader r;
  View xv, iv;
  const bool views = read_view(r, x, &xv) && read_view(r, index, &iv);
  const int dim = static_cast<int>(r.next());
  if (!views || out.dtype != x.dtype || index.dtype != DType::I32 || !index_fits(iv, xv, dim) ||
      static_cast<int64_t>(out.length) < iv.numel()) {
    return throw_error(info.Env(), "gather: bad arguments");
  }
  gather(strided(xv), dim, strided(iv), dtype_size(x.dtype), static_cast<char*>(out.data));
  return info.Env().Undefined();
}

Napi::Value Scatter(const Napi::CallbackInfo& info) {
  Array out, base, index, src;
  if (info.Length() < 4 || !get_array(info.Env(), info[0], &out) || !get_array(info.Env(), info[1], &base) ||
      !get_array(info.Env(), info[2], &index) || !get_array(info.Env(), info[3], &src)) {
    return throw_error(info.Env(), "scatter: bad arguments");
  }
  MetaReader r;
  View bv, iv, sv;
  const bool views = read_view(r, base, &bv) && read_view(r, index, &iv) && read_view(r, src, &sv);
  const int dim = static_cast<int>(r.next());
  const bool accumulate = r.next() != 0;
  if (!views || out.dtype != base.dtype || src.dtype != base.dtype || index.dtype != DType::I32 ||
      !index_fits(iv, bv, dim) || !covers(sv, iv) || static_cast<int64_t>(out.length) < bv.numel()) {
    return throw_error(info.Env(), "scatter: bad arguments");
  }
  ScatterMode mode = ScatterMode::Write;
  if (accumulate) {
    mode = base.dtype == DType::F32   ? ScatterMode::AddF32
           : base.dtype == DType::F64 ? ScatterMode::AddF64
           : base.dtype == DType::I32 ? ScatterMode::AddI32
                                      : ScatterMode::OrU8;
  }
  scatter(strided(bv), dim, strided(iv), strided(sv), mode, dtype_size(base.dtype), static_cast<char*>(out.data));
  return info.Env().Undefined();
}

}  // namespace

void RegisterGather(Napi::Env env, Napi::Object exports) {
  exports.Set("gather", Napi::Function::New(env, Gather, "gather"));
  exports.Set("scatter", Napi::Function::New(env, Scatter, "scatter"));
}

}  // namespace tessera
