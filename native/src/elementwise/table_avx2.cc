// The kernel table compiled for the avx2 path (own flags in binding.gyp; chosen only on CPUs that have it).
#include "elementwise/table.h"

// One register: the width of the explicit-lane loops in kernels.inc.
#define TESSERA_VECTOR_BYTES 32

namespace tessera {

#include "elementwise/kernels.inc"

const KernelTable* kernel_table_avx2() {
  static const KernelTable table = make_table("avx2");
  return &table;
}

}  // namespace tessera
