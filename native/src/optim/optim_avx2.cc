// The optimizer loops compiled for the avx2 path (own flags in binding.gyp; chosen only on CPUs that have it).
#include "optim/optim.h"

namespace tessera {

#include "optim/loops.inc"

const OptimTable* optim_table_avx2() {
  static const OptimTable table = make_optim_table();
  return &table;
}

}  // namespace tessera
