// Chapter 11: a small pool of threads for the kernels.
#include "parallel.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace nn::parallel {

namespace {
// Tells the core that this thread is waiting in a loop: on x86 the pause
// instruction, which lets the core's other work run and saves power.
void relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#endif
}

// Whether this thread is running a piece of a job: a piece that asks for a
// job of its own (a product inside a part of chapter 11's shared gradient)
// runs it whole, on its own thread.
thread_local bool in_piece = false;

constexpr std::uint64_t kPieceBits = 16, kPieceMask = (std::uint64_t{1} << kPieceBits) - 1;
constexpr std::uint64_t pack(std::uint64_t job, std::uint64_t pieces, std::uint64_t next) {
  return job << (2 * kPieceBits) | pieces << kPieceBits | next;
}
}  // namespace

ThreadPool::ThreadPool(std::size_t threads) {
  if (threads == 0 || threads > 4096)  // a job's pieces are counted in 16 bits: 4 per thread
    throw std::invalid_argument("ThreadPool: between 1 and 4096 threads, not " + std::to_string(threads));
  for (std::size_t index = 1; index < threads; ++index) workers_.emplace_back([this] { work(); });
}

ThreadPool::~ThreadPool() {
  stopping_.store(true);
  job_.fetch_add(1);
  job_.notify_all();
  for (std::thread& worker : workers_) worker.join();
}

// [run]
// The caller publishes the job, takes pieces itself, and then waits only for
// pieces another thread has taken and not yet finished.
void ThreadPool::run(std::size_t count, std::size_t align, Task task, void* context) {
  if (in_piece) {
    if (count != 0) task(context, 0, count);
    return;
  }
  align = std::max<std::size_t>(align, 1);
  const std::size_t blocks = (count + align - 1) / align, wanted = 4 * size();
  piece_ = std::max<std::size_t>(1, (blocks + wanted - 1) / wanted) * align;
  pieces_ = (count + piece_ - 1) / piece_;
  task_ = task;
  context_ = context;
  count_ = count;
  finished_.store(0, std::memory_order_relaxed);
  const std::uint32_t job = job_.load(std::memory_order_relaxed) + 1;
  next_.store(pack(job, pieces_, 0), std::memory_order_release);  // the fields above go with it
  job_.store(job);  // sequentially consistent, paired with the sleeper's count: no wake-up is lost
  if (sleeping_.load() != 0) job_.notify_all();
  take_pieces(job);
  for (std::uint32_t round = 0; finished_.load(std::memory_order_acquire) < pieces_; ++round)
    round < kSpin ? relax() : std::this_thread::yield();  // a taker that was put aside must get the core back
  // A piece that threw: the job is over, no thread is still in it, so the
  // caller gets the exception and the pool is ready for the next job.
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

// Takes pieces of job `job` until none is left; returns at once if the pool
// has moved on to another job.
void ThreadPool::take_pieces(std::uint64_t job) {
  std::uint64_t next = next_.load(std::memory_order_acquire);
  for (;;) {
    const std::uint64_t piece = next & kPieceMask, pieces = next >> kPieceBits & kPieceMask;
    if (next >> (2 * kPieceBits) != job || piece >= pieces) return;
    if (!next_.compare_exchange_weak(next, next + 1, std::memory_order_acq_rel)) continue;
    const std::size_t first = piece * piece_, last = std::min(count_, first + piece_);
    in_piece = true;
    try {
      task_(context_, first, last);
    } catch (...) {  // kept for the caller, which throws it once every piece is done
      const std::lock_guard lock(error_mutex_);
      if (!error_) error_ = std::current_exception();
    }
    in_piece = false;
    finished_.fetch_add(1, std::memory_order_release);
    next = next_.load(std::memory_order_acquire);
  }
}

void ThreadPool::work() {
  std::uint32_t seen = 0;
  for (;;) {
    std::uint32_t job = job_.load(std::memory_order_acquire);
    for (std::uint32_t round = 0; job == seen && round < kSpin; ++round) {
      relax();
      job = job_.load(std::memory_order_acquire);
    }
    if (job == seen) {  // no job came: sleep until one does
      sleeping_.fetch_add(1);
      job_.wait(seen);
      sleeping_.fetch_sub(1);
      job = job_.load();
    }
    if (stopping_.load()) return;
    seen = job;
    take_pieces(job);
  }
}
// [run]

namespace {
std::unique_ptr<ThreadPool>& the_pool() {
  static std::unique_ptr<ThreadPool> instance;
  return instance;
}
}  // namespace

ThreadPool& pool() {
  auto& instance = the_pool();
  if (!instance) instance = std::make_unique<ThreadPool>(std::max(1u, std::thread::hardware_concurrency()));
  return *instance;
}

void set_threads(std::size_t threads) {
  auto& instance = the_pool();
  instance.reset();
  instance = std::make_unique<ThreadPool>(threads);
}

}  // namespace nn::parallel
