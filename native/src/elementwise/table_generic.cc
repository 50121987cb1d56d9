// The kernel table compiled for the generic path (portable: relies on auto-vectorization).
#include "elementwise/table.h"

// One register: the width of the explicit-lane loops in kernels.inc.
#define TESSERA_VECTOR_BYTES 16

namespace tessera {

#include "elementwise/kernels.inc"

const KernelTable* kernel_table_generic() {
  static const KernelTable table = make_table("generic");
  return &table;
}

}  // namespace tessera
