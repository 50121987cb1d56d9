// Strided drivers of the elementwise, reduction, scan and softmax kernels (portable code). Each
// returns false, doing nothing, when it has no native version for the dtypes it is given; the
// TypeScript wrapper then runs the reference kernel. Outputs are contiguous unless said otherwise.
#pragma once

#include <cstdint>

#include "common.h"

namespace tessera {

// dst[...] = cast(src[...]); dst may have any strides (assign) and any dtype.
bool ew_copy(const View& src, const View& dst);
bool ew_unary(int op, const View& x, const View& out, double param);
bool ew_binary(int op, const View& a, const View& b, const View& out);
bool ew_where(const View& cond, const View& a, const View& b, const View& out);

// reduce_op: 0 sum, 1 prod, 2 max, 3 min, 4 all, 5 any (ReduceOp's order). reduced[d] marks dims.
bool reduce(int reduce_op, const View& x, const bool* reduced, const View& out);
// 0 argmax, 1 argmin along dim; out int32 shaped like x with dim of size 1.
bool arg_reduce(int op, const View& x, int dim, const View& out);
// 0 cumsum, 1 cumprod along dim; out shaped like x.
bool scan(int op, const View& x, int dim, const View& out);
bool softmax(const View& x, int dim, bool log, const View& out);

// Name of the kernel table in use ("avx512", "avx2", "generic").
const char* kernel_table_name();
// Switches the elementwise kernels to another ISA's table (tests); never above the CPU's.
// Returns the name of the table now in use.
const char* use_kernel_table(const char* name);

}  // namespace tessera
