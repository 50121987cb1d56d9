// The optimizer loops compiled for the generic path (portable flags).
#include "optim/optim.h"

namespace tessera {

#include "optim/loops.inc"

const OptimTable* optim_table_generic() {
  static const OptimTable table = make_optim_table();
  return &table;
}

}  // namespace tessera
