#include "alloc.h"

#include <v8.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace tessera {
namespace {

constexpr size_t kAlign = 64;

// Size classes: multiples of 64 up to 256 bytes, then four classes per power of two, so a block
// wastes at most a quarter of its size and a freed block fits many later requests.
size_t size_class(size_t bytes) {
  if (bytes <= 256) return bytes == 0 ? kAlign : (bytes + kAlign - 1) & ~(kAlign - 1);
  const int p = 63 - __builtin_clzll(static_cast<unsigned long long>(bytes - 1));
  const size_t step = size_t{1} << (p - 2);
  return (bytes + step - 1) & ~(step - 1);
}

void* system_alloc(size_t bytes) {
#if defined(_WIN32)
  return _aligned_malloc(bytes, kAlign);
#else
  void* p = nullptr;
  return posix_memalign(&p, kAlign, bytes) == 0 ? p : nullptr;
#endif
}

void system_free(void* p) {
#if defined(_WIN32)
  _aligned_free(p);
#else
  std::free(p);
#endif
}

size_t pool_limit() {
  const char* env = std::getenv("TESSERA_POOL_MB");
  if (env != nullptr) return static_cast<size_t>(std::atoll(env)) << 20;
  return size_t{256} << 20;
}

class Pool {
 public:
  void* acquire(size_t cap) {
    std::lock_guard<std::mutex> g(m_);
    auto it = free_.find(cap);
    if (it != free_.end() && !it->second.empty()) {
      void* p = it->second.back();
      it->second.pop_back();
      pooled_ -= cap;
      live_ += cap;
      live_blocks_++;
      hits_++;
      return p;
    }
    void* p = system_alloc(cap);
    if (p == nullptr) {
      // Give the pool's memory back and try once more before failing.
      trim_locked();
      p = system_alloc(cap);
      if (p == nullptr) return nullptr;
    }
    live_ += cap;
    live_blocks_++;
    misses_++;
    return p;
  }

  void release(void* p, size_t cap) {
    std::lock_guard<std::mutex> g(m_);
    live_ -= cap;
    live_blocks_--;
    if (pooled_ + cap > limit_) {
      system_free(p);
      return;
    }
    free_[cap].push_back(p);
    pooled_ += cap;
  }

  // Blocks backing live ArrayBuffers, by address: release_array touches only those.
  void track(void* mem) {
    std::lock_guard<std::mutex> g(m_);
    buffers_.insert(mem);
  }
  void untrack_and_release(void* mem, size_t cap) {
    {
      std::lock_guard<std::mutex> g(m_);
      buffers_.erase(mem);
    }
    release(mem, cap);
  }
  bool tracked(void* mem) {
    std::lock_guard<std::mutex> g(m_);
    return buffers_.count(mem) != 0;
  }

  PoolStats stats() {
    std::lock_guard<std::mutex> g(m_);
    return PoolStats{live_, pooled_, live_blocks_, hits_, misses_};
  }

  void trim() {
    std::lock_guard<std::mutex> g(m_);
    trim_locked();
  }

 private:
  void trim_locked() {
    for (auto& entry : free_)
      for (void* p : entry.second) system_free(p);
    free_.clear();
    pooled_ = 0;
  }

  std::mutex m_;
  std::unordered_map<size_t, std::vector<void*>> free_;
  std::unordered_set<void*> buffers_;
  size_t limit_ = pool_limit();
  size_t live_ = 0, pooled_ = 0, live_blocks_ = 0, hits_ = 0, misses_ = 0;
};

Pool& pool() {
  static Pool* p = new Pool();  // never destroyed: finalizers may run during teardown
  return *p;
}

// Two ways to hand a block to JavaScript.
//
// Preferred: a V8 backing store with our deleter. V8 calls it as soon as the buffer is collected
// (during GC, possibly on a GC thread: the pool is locked) or detached, and counts the bytes as
// external memory itself. N-API's external ArrayBuffers defer their finalizer to a later turn of
// the event loop, so a synchronous training loop would never get its memory back.
//
// Fallback (a V8 build with the sandbox, where external backing stores are forbidden, or a Node
// whose napi_value is not a V8 handle): napi_create_external_arraybuffer plus
// napi_adjust_external_memory, freed when the finalizer eventually runs.

#if !defined(V8_ENABLE_SANDBOX)
#define TESSERA_V8_BUFFERS 1

// Node-API values are V8 handles (node's js_native_api_v8.h converts them this way); verified at
// run time by v8_handles_match() before this path is used.
inline napi_value to_napi(v8::Local<v8::Value> local) { return reinterpret_cast<napi_value>(*local); }
inline v8::Local<v8::Value> to_v8(napi_value v) {
  v8::Local<v8::Value> local;
  static_assert(sizeof(local) == sizeof(v), "napi_value and v8::Local differ in size");
  std::memcpy(static_cast<void*>(&local), &v, sizeof(v));
  return local;
}

bool v8_handles_match(napi_env env) {
  v8::Isolate* isolate = v8::Isolate::GetCurrent();
  if (isolate == nullptr) return false;
  napi_value n;
  if (napi_create_double(env, 1234.5, &n) != napi_ok) return false;
  v8::Local<v8::Value> local = to_v8(n);
  if (!local->IsNumber() || local.As<v8::Number>()->Value() != 1234.5) return false;
  double back = 0;
  return napi_get_value_double(env, to_napi(v8::Number::New(isolate, 42.25)), &back) == napi_ok && back == 42.25;
}

void v8_deleter(void* data, size_t length, void* deleter_data) {
  pool().untrack_and_release(data, reinterpret_cast<size_t>(deleter_data));
}

napi_value v8_buffer(napi_env env, void* mem, size_t bytes, size_t cap) {
  v8::Isolate* isolate = v8::Isolate::GetCurrent();
  std::shared_ptr<v8::BackingStore> store =
      v8::ArrayBuffer::NewBackingStore(mem, bytes, v8_deleter, reinterpret_cast<void*>(cap));
  return to_napi(v8::ArrayBuffer::New(isolate, std::move(store)));
}
#endif

void napi_finalize_block(napi_env env, void* data, void* hint) {
  const size_t cap = reinterpret_cast<size_t>(hint);
  pool().untrack_and_release(data, cap);
  int64_t ignored;
  napi_adjust_external_memory(env, -static_cast<int64_t>(cap), &ignored);
}

napi_value napi_buffer(napi_env env, void* mem, size_t bytes, size_t cap) {
  napi_value buffer;
  if (napi_create_external_arraybuffer(env, mem, bytes, napi_finalize_block, reinterpret_cast<void*>(cap), &buffer) != napi_ok)
    return nullptr;
  int64_t ignored;
  napi_adjust_external_memory(env, static_cast<int64_t>(cap), &ignored);
  return buffer;
}

bool use_v8(napi_env env) {
#ifdef TESSERA_V8_BUFFERS
  static const bool ok = v8_handles_match(env);
  return ok;
#else
  return false;
#endif
}

napi_typedarray_type typed_array_type(DType t) {
  switch (t) {
    case DType::F64: return napi_float64_array;
    case DType::I32: return napi_int32_array;
    case DType::U8: return napi_uint8_array;
    default: return napi_float32_array;
  }
}

}  // namespace

napi_value alloc_array(napi_env env, DType dtype, size_t length, bool zero) {
  const size_t bytes = length * dtype_size(dtype);
  napi_value buffer = nullptr, result;
  if (bytes == 0) {
    void* ignored;
    if (napi_create_arraybuffer(env, 0, &ignored, &buffer) != napi_ok) return nullptr;
  } else {
    const size_t cap = size_class(bytes);
    void* mem = pool().acquire(cap);
    if (mem == nullptr) {
      napi_throw_range_error(env, nullptr, "tessera: out of memory");
      return nullptr;
    }
    if (zero) std::memset(mem, 0, bytes);
    pool().track(mem);
#ifdef TESSERA_V8_BUFFERS
    if (use_v8(env)) buffer = v8_buffer(env, mem, bytes, cap);
#endif
    if (buffer == nullptr) buffer = napi_buffer(env, mem, bytes, cap);
    if (buffer == nullptr) {
      pool().untrack_and_release(mem, cap);
      return nullptr;  // JavaScript falls back to its own arrays
    }
  }
  if (napi_create_typedarray(env, typed_array_type(dtype), length, buffer, 0, &result) != napi_ok) return nullptr;
  return result;
}

bool release_array(napi_env env, napi_value typed_array) {
  napi_value buffer;
  if (napi_get_typedarray_info(env, typed_array, nullptr, nullptr, nullptr, &buffer, nullptr) != napi_ok) return false;
  void* mem;
  size_t byte_length;
  if (napi_get_arraybuffer_info(env, buffer, &mem, &byte_length) != napi_ok || mem == nullptr) return false;
  if (!pool().tracked(mem)) return false;
  // Detaching drops V8's reference to the backing store, whose deleter then recycles the block
  // (at once on the V8 path, at the next finalizer pass on the N-API one).
  return napi_detach_arraybuffer(env, buffer) == napi_ok;
}

void* scratch_acquire(size_t bytes) { return pool().acquire(size_class(bytes)); }

void scratch_release(void* p, size_t bytes) {
  if (p != nullptr) pool().release(p, size_class(bytes));
}

PoolStats pool_stats() { return pool().stats(); }

void pool_trim() { pool().trim(); }

const char* buffer_kind(napi_env env) { return use_v8(env) ? "v8-backing-store" : "napi-external"; }

}  // namespace tessera
