// Chapter 11: a small pool of threads for the kernels.
#include "parallel.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>

namespace nn::parallel {

ThreadPool::ThreadPool(std::size_t threads) {
  if (threads == 0) throw std::invalid_argument("ThreadPool: at least one thread is needed");
  for (std::size_t index = 1; index < threads; ++index) workers_.emplace_back([this, index] { work(index); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& worker : workers_) worker.join();
}

//! [ranges]
// Part p of count_ items: contiguous, in order, the boundaries rounded to
// multiples of align_ so that blocks of rows are never cut in two.
std::pair<std::size_t, std::size_t> ThreadPool::range(std::size_t part) const {
  const std::size_t blocks = (count_ + align_ - 1) / align_, parts = size();
  const std::size_t first = std::min(count_, part * blocks / parts * align_);
  const std::size_t last = std::min(count_, (part + 1) * blocks / parts * align_);
  return {first, last};
}
//! [ranges]

//! [run]
namespace {
// Waits until ready() holds: first by watching it for kSpin, offering the
// core to any other thread that wants it between two looks (yield), then
// asleep on `signal`, which the other side notifies (under the mutex, so that
// no notification falls between a look at ready() and going to sleep).
template <typename Ready>
void wait_for(Ready ready, std::mutex& mutex, std::condition_variable& signal) {
  const auto until = std::chrono::steady_clock::now() + ThreadPool::kSpin;
  while (!ready()) {
    if (std::chrono::steady_clock::now() > until) {
      std::unique_lock lock(mutex);
      signal.wait(lock, ready);
      return;
    }
    std::this_thread::yield();
  }
}
void notify(std::mutex& mutex, std::condition_variable& signal) {
  { std::lock_guard lock(mutex); }
  signal.notify_all();
}
}  // namespace

void ThreadPool::run(std::size_t count, std::size_t align, Task task, void* context) {
  task_ = task;
  context_ = context;
  count_ = count;
  align_ = std::max<std::size_t>(align, 1);
  pending_.store(workers_.size());
  generation_.fetch_add(1);  // publishes the job: the workers look for this change
  notify(mutex_, wake_);     // and those asleep are woken
  const auto [first, last] = range(0);
  if (first < last) task(context, first, last);  // the caller's own share
  wait_for([this] { return pending_.load() == 0; }, mutex_, done_);
}

void ThreadPool::work(std::size_t index) {
  std::size_t seen = 0;
  for (;;) {
    wait_for([&] { return stopping_.load() || generation_.load() != seen; }, mutex_, wake_);
    if (stopping_) return;
    seen = generation_.load();
    const auto [first, last] = range(index);
    if (first < last) task_(context_, first, last);
    if (pending_.fetch_sub(1) == 1) notify(mutex_, done_);
  }
}
//! [run]

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
