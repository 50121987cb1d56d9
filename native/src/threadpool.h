// A persistent pool of worker threads, sized to the cores (TESSERA_NUM_THREADS overrides).
#pragma once

#include <cstdint>
#include <functional>

namespace tessera {

int num_threads();
// n >= 1; takes effect for the next parallel_for. Must not be called from inside one.
void set_num_threads(int n);

// Splits [0, n) into contiguous chunks of at least `grain` items and runs fn(begin, end) on each,
// the calling thread taking the first chunk; returns when all are done. Runs fn(0, n) inline when
// n <= grain, when the pool has one thread, or when called from inside another parallel_for (so
// nested calls are safe and never oversubscribe). fn must not throw.
void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t begin, int64_t end)>& fn);

}  // namespace tessera
