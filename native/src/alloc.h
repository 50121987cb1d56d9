// Tensor storage from the addon: 64-byte aligned blocks from a size-bucketed pool, handed to
// JavaScript as external ArrayBuffers whose size V8 counts as external memory (so that the garbage
// collector feels the pressure of memory it cannot see). A block returns to the pool when its
// ArrayBuffer is collected, or at once when JavaScript disposes of it (release_array detaches the
// buffer, so no view can reach the memory afterwards). alloc.cc explains the two ways buffers are
// made (V8 backing stores, else N-API external buffers).
#pragma once

#include <node_api.h>

#include <cstddef>

#include "common.h"

namespace tessera {

// A typed array of `dtype` and `length` elements on pooled memory, zero-filled if `zero`.
// nullptr (with a pending exception) on failure.
napi_value alloc_array(napi_env env, DType dtype, size_t length, bool zero);

// Detaches `typed_array`'s buffer and recycles its block; false (and nothing done) when the
// array was not made by alloc_array or was already released.
bool release_array(napi_env env, napi_value typed_array);

// Scratch memory for kernels (packing buffers, im2col): 64-byte aligned, thread-safe.
// Give back exactly the pointer and the byte count asked for.
void* scratch_acquire(size_t bytes);
void scratch_release(void* p, size_t bytes);

struct PoolStats {
  size_t live_bytes;    // handed out and not yet returned
  size_t pooled_bytes;  // held in free lists for reuse
  size_t live_blocks;
  size_t hits;          // allocations served from the pool
  size_t misses;        // allocations that went to the system allocator
};
PoolStats pool_stats();
// Frees every pooled block (live ones are untouched).
void pool_trim();

// Which way buffers are made (diagnostics): "v8-backing-store" (recycled as soon as collected) or
// "napi-external" (recycled when Node runs finalizers, on a later turn of the event loop).
const char* buffer_kind(napi_env env);

}  // namespace tessera
