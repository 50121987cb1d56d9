// N-API entry points of the elementwise, reduction, scan and softmax kernels. Arguments are the
// output array then the input arrays; op codes, dims, scalars and the inputs' layouts come from
// the metadata buffer (common.h), in the order each function documents. Each returns true when it
// ran, false when the dtypes have no native version (the caller then uses the reference kernel).
#include <string>

#include "common.h"
#include "elementwise/elementwise.h"
#include "elementwise/plan.h"

namespace tessera {
namespace {

// Reads `count` arrays from the arguments; throws and returns false on anything else.
bool read_arrays(const Napi::CallbackInfo& info, Array* arrays, size_t count) {
  if (info.Length() < count || meta() == nullptr) {
    throw_error(info.Env(), "tessera: bad native call (arguments or init)");
    return false;
  }
  for (size_t i = 0; i < count; i++) {
    if (!get_array(info.Env(), info[i], &arrays[i])) {
      throw_error(info.Env(), "tessera: bad native call (expected typed arrays)");
      return false;
    }
  }
  return true;
}

bool read_view(Napi::Env env, MetaReader& r, const Array& a, View* v) {
  if (r.view(a, v)) return true;
  throw_error(env, "tessera: a view does not fit its array");
  return false;
}

// A contiguous output of `shape` over `a`, checked against its length.
bool output_view(Napi::Env env, const Array& a, const View& shape_of, View* out) {
  *out = contiguous_like(shape_of, a.data, a.dtype);
  if (static_cast<size_t>(out->numel()) <= a.length) return true;
  throw_error(env, "tessera: output array too small");
  return false;
}

Napi::Value result(Napi::Env env, bool ran) { return Napi::Boolean::New(env, ran); }

// copy(dst, src); meta: dst view, src view. dst may be strided; dtypes may differ.
Napi::Value Copy(const Napi::CallbackInfo& info) {
  Array a[2];
  if (!read_arrays(info, a, 2)) return info.Env().Undefined();
  MetaReader r;
  View dst, src;
  if (!read_view(info.Env(), r, a[0], &dst) || !read_view(info.Env(), r, a[1], &src)) return info.Env().Undefined();
  return result(info.Env(), ew_copy(src, dst));
}

// unary(out, x); meta: op, param, x view.
Napi::Value Unary(const Napi::CallbackInfo& info) {
  Array a[2];
  if (!read_arrays(info, a, 2)) return info.Env().Undefined();
  MetaReader r;
  const int op = static_cast<int>(r.next());
  const double param = r.next_double();
  View x, out;
  if (!read_view(info.Env(), r, a[1], &x) || !output_view(info.Env(), a[0], x, &out)) return info.Env().Undefined();
  return result(info.Env(), ew_unary(op, x, out, param));
}

// binary(out, a, b); meta: op, a view, b view (both already broadcast to the output's shape).
Napi::Value Binary(const Napi::CallbackInfo& info) {
  Array a[3];
  if (!read_arrays(info, a, 3)) return info.Env().Undefined();
  MetaReader r;
  const int op = static_cast<int>(r.next());
  View x, y, out;
  if (!read_view(info.Env(), r, a[1], &x) || !read_view(info.Env(), r, a[2], &y) ||
      !output_view(info.Env(), a[0], x, &out))
    return info.Env().Undefined();
  return result(info.Env(), ew_binary(op, x, y, out));
}

// where(out, cond, a, b); meta: cond view, a view, b view.
Napi::Value Where(const Napi::CallbackInfo& info) {
  Array a[4];
  if (!read_arrays(info, a, 4)) return info.Env().Undefined();
  MetaReader r;
  View c, x, y, out;
  if (!read_view(info.Env(), r, a[1], &c) || !read_view(info.Env(), r, a[2], &x) ||
      !read_view(info.Env(), r, a[3], &y) || !output_view(info.Env(), a[0], c, &out))
    return info.Env().Undefined();
  return result(info.Env(), ew_where(c, x, y, out));
}

// reduce(out, x); meta: op, x view, then one 0/1 flag per dim of x (1: reduced).
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  Array a[2];
  if (!read_arrays(info, a, 2)) return info.Env().Undefined();
  MetaReader r;
  const int op = static_cast<int>(r.next());
  View x, out;
  if (!read_view(info.Env(), r, a[1], &x)) return info.Env().Undefined();
  bool reduced[kMaxDims];
  View kept = x;
  for (int d = 0; d < x.ndim; d++) {
    reduced[d] = r.next() != 0;
    if (reduced[d]) kept.shape[d] = 1;
  }
  if (!output_view(info.Env(), a[0], kept, &out)) return info.Env().Undefined();
  return result(info.Env(), reduce(op, x, reduced, out));
}

// argReduce / scan / softmax share: meta: op (or log flag), dim, x view.
template <int KIND>
Napi::Value AlongDim(const Napi::CallbackInfo& info) {
  Array a[2];
  if (!read_arrays(info, a, 2)) return info.Env().Undefined();
  MetaReader r;
  const int op = static_cast<int>(r.next());
  const int dim = static_cast<int>(r.next());
  View x, out;
  if (!read_view(info.Env(), r, a[1], &x)) return info.Env().Undefined();
  if (dim < 0 || dim >= x.ndim) return throw_error(info.Env(), "tessera: bad dim");
  View shape = x;
  if (KIND == 0) shape.shape[dim] = 1;
  if (!output_view(info.Env(), a[0], shape, &out)) return info.Env().Undefined();
  if (KIND == 0) return result(info.Env(), arg_reduce(op, x, dim, out));
  if (KIND == 1) return result(info.Env(), scan(op, x, dim, out));
  return result(info.Env(), softmax(x, dim, op != 0, out));
}

// useKernelTable(name): tests run the elementwise kernels of each ISA path the CPU has.
Napi::Value UseKernelTable(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsString()) return throw_error(info.Env(), "tessera.useKernelTable: expected a name");
  const std::string name = info[0].As<Napi::String>().Utf8Value();
  return Napi::String::New(info.Env(), use_kernel_table(name.c_str()));
}

}  // namespace

void RegisterElementwise(Napi::Env env, Napi::Object exports) {
  exports.Set("copy", Napi::Function::New(env, Copy, "copy"));
  exports.Set("unary", Napi::Function::New(env, Unary, "unary"));
  exports.Set("binary", Napi::Function::New(env, Binary, "binary"));
  exports.Set("where", Napi::Function::New(env, Where, "where"));
  exports.Set("reduce", Napi::Function::New(env, Reduce, "reduce"));
  exports.Set("argReduce", Napi::Function::New(env, AlongDim<0>, "argReduce"));
  exports.Set("scan", Napi::Function::New(env, AlongDim<1>, "scan"));
  exports.Set("softmax", Napi::Function::New(env, AlongDim<2>, "softmax"));
  exports.Set("useKernelTable", Napi::Function::New(env, UseKernelTable, "useKernelTable"));
}

}  // namespace tessera
