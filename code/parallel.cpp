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
void ThreadPool::run(std::size_t count, std::size_t align, Task task, void* context) {
  {
    std::lock_guard lock(mutex_);
    task_ = task;
    context_ = context;
    count_ = count;
    align_ = std::max<std::size_t>(align, 1);
    pending_ = workers_.size();
    ++generation_;
  }
  wake_.notify_all();
  const auto [first, last] = range(0);
  if (first < last) task(context, first, last);  // the caller's own share
  std::unique_lock lock(mutex_);
  done_.wait(lock, [this] { return pending_ == 0; });
}

void ThreadPool::work(std::size_t index) {
  std::size_t seen = 0;
  for (;;) {
    std::unique_lock lock(mutex_);
    wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
    if (stopping_) return;
    seen = generation_;
    lock.unlock();
    const auto [first, last] = range(index);
    if (first < last) task_(context_, first, last);
    lock.lock();
    if (--pending_ == 0) done_.notify_one();
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
