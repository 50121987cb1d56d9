// The pool: workers sleep on a condition variable after a short spin, so that back-to-back
// parallel ops do not pay a futex wake-up each. Chunks are assigned statically (worker i runs chunk
// i + 1, the caller chunk 0): with the same thread count, a reduction splits the same way on every
// run, which keeps seeded runs reproducible bit for bit.
#include "threadpool.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sched.h>
#endif

namespace tessera {
namespace {

thread_local bool t_in_parallel = false;

// How long a thread spins for work (or for workers to finish) before sleeping: long enough to catch
// the next op of a busy loop without a futex round trip, short enough not to steal much CPU from
// other processes when the loop stops.
constexpr auto kSpin = std::chrono::microseconds(50);

// Between polls the spinning thread yields its core rather than pausing on it: on a loaded machine
// (more runnable threads than cores) the thread being waited for may be queued behind this one,
// and a pause loop would hold the core until the time slice ends. Measured in
// native/test/gemm_bench.cc with another process busy: SGEMM 256 went from 124 to about 205
// GFLOP/s, 512 from 210 to 220; on an idle machine sched_yield returns at once, so the spin stays
// as responsive as a pause loop.
inline void cpu_relax() { std::this_thread::yield(); }

int default_threads() {
  const char* env = std::getenv("TESSERA_NUM_THREADS");
  if (env != nullptr) {
    const int n = std::atoi(env);
    if (n >= 1) return n > 1024 ? 1024 : n;
  }
#if defined(__linux__)
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n >= 1) return n;
  }
#endif
  const unsigned n = std::thread::hardware_concurrency();
  return n >= 1 ? static_cast<int>(n) : 1;
}

// Spins (yielding) until done() or kSpin has passed.
template <typename F>
void spin_until(F&& done) {
  const auto deadline = std::chrono::steady_clock::now() + kSpin;
  for (int i = 0;; i++) {
    if (done()) return;
    cpu_relax();
    if ((i & 7) == 7 && std::chrono::steady_clock::now() >= deadline) return;
  }
}

struct Job {
  const std::function<void(int64_t, int64_t)>* fn = nullptr;
  int64_t n = 0;
  int chunks = 0;
};

inline int64_t chunk_begin(const Job& job, int i) {
  // n * i / chunks without overflow for any n below 2^62.
  return static_cast<int64_t>((static_cast<__int128>(job.n) * i) / job.chunks);
}

class Pool {
 public:
  ~Pool() { stop_workers(); }

  int threads() {
    std::lock_guard<std::mutex> g(run_mutex_);
    return threads_locked();
  }

  void set_threads(int n) {
    std::lock_guard<std::mutex> g(run_mutex_);
    stop_workers();
    want_ = n < 1 ? 1 : n;
  }

  void run(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
    if (grain < 1) grain = 1;
    // Another thread (a second Node isolate) already runs a job: this one runs inline.
    std::unique_lock<std::mutex> g(run_mutex_, std::try_to_lock);
    if (!g.owns_lock()) return fn(0, n);
    const int threads = threads_locked();
    const int64_t by_grain = (n + grain - 1) / grain;
    const int chunks = static_cast<int>(by_grain < threads ? by_grain : threads);
    if (chunks <= 1) {
      g.unlock();
      return fn(0, n);
    }
    if (static_cast<int>(workers_.size()) < threads - 1) start_workers(threads - 1);
    {
      std::lock_guard<std::mutex> lk(m_);
      job_.fn = &fn;
      job_.n = n;
      job_.chunks = chunks;
      remaining_.store(chunks - 1, std::memory_order_relaxed);
      generation_.fetch_add(1, std::memory_order_release);
    }
    cv_work_.notify_all();
    t_in_parallel = true;
    fn(0, chunk_begin(job_, 1));
    t_in_parallel = false;
    spin_until([&] { return remaining_.load(std::memory_order_acquire) == 0; });
    if (remaining_.load(std::memory_order_acquire) != 0) {
      std::unique_lock<std::mutex> lk(m_);
      cv_done_.wait(lk, [&] { return remaining_.load(std::memory_order_acquire) == 0; });
    }
  }

 private:
  int threads_locked() {
    if (want_ == 0) want_ = default_threads();
    return want_;
  }

  void start_workers(int count) {
    stop_workers();
    stop_ = false;
    // The generation is read here, not in the new thread: a thread that starts after the
    // caller has published its first job would otherwise take that job's generation as seen.
    const uint64_t start = generation_.load(std::memory_order_acquire);
    for (int i = 0; i < count; i++) workers_.emplace_back([this, i, start] { worker(i, start); });
  }

  void stop_workers() {
    if (workers_.empty()) return;
    {
      std::lock_guard<std::mutex> lk(m_);
      stop_ = true;
    }
    cv_work_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  void worker(int index, uint64_t seen) {
    t_in_parallel = true;
    for (;;) {
      spin_until([&] { return generation_.load(std::memory_order_acquire) != seen; });
      Job job;
      {
        std::unique_lock<std::mutex> lk(m_);
        cv_work_.wait(lk, [&] { return stop_ || generation_.load(std::memory_order_relaxed) != seen; });
        if (stop_) return;
        seen = generation_.load(std::memory_order_relaxed);
        job = job_;
      }
      const int chunk = index + 1;
      if (chunk >= job.chunks) continue;
      const int64_t end = chunk + 1 == job.chunks ? job.n : chunk_begin(job, chunk + 1);
      (*job.fn)(chunk_begin(job, chunk), end);
      if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard<std::mutex> lk(m_);
        cv_done_.notify_one();
      }
    }
  }

  std::mutex run_mutex_;  // one job at a time; guards want_ and workers_
  int want_ = 0;
  std::vector<std::thread> workers_;

  std::mutex m_;  // guards job_ and stop_
  std::condition_variable cv_work_, cv_done_;
  Job job_;
  bool stop_ = false;
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> remaining_{0};
};

Pool& pool() {
  // Never destroyed: joining threads during static destruction at process exit can deadlock.
  static Pool* p = new Pool();
  return *p;
}

}  // namespace

int num_threads() { return pool().threads(); }

void set_num_threads(int n) { pool().set_threads(n); }

void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  if (t_in_parallel || n <= grain) return fn(0, n);
  pool().run(n, grain, fn);
}

}  // namespace tessera
