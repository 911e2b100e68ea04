// Chapter 11: a small pool of threads for the kernels, created once.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>
#include <vector>

namespace nn::parallel {

//! [pool]
/// A fixed set of worker threads that run one job at a time: the caller splits
/// [0, count) into one contiguous range per thread, runs the first range itself
/// and waits for the others. The threads are started by the constructor and
/// live until the destructor, so a job costs a wake-up, not a thread creation.
class ThreadPool {
 public:
  explicit ThreadPool(std::size_t threads);
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  ~ThreadPool();

  /// Threads that share a job, the caller included.
  std::size_t size() const { return workers_.size() + 1; }

  /// Calls body(first, last) once per thread on disjoint ranges that cover
  /// [0, count) in order, each starting at a multiple of `align`, and returns
  /// when every call has returned. Which thread gets which range does not
  /// change what any one call computes.
  template <typename Body>
  void for_ranges(std::size_t count, std::size_t align, Body&& body) {
    run(count, align, [](void* context, std::size_t first, std::size_t last) {
      (*static_cast<Body*>(context))(first, last);
    }, &body);
  }

 private:
  using Task = void (*)(void* context, std::size_t first, std::size_t last);
  void run(std::size_t count, std::size_t align, Task task, void* context);
  void work(std::size_t index);
  std::pair<std::size_t, std::size_t> range(std::size_t part) const;

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  std::size_t generation_ = 0;  // counts jobs; a worker runs each new one once
  std::size_t pending_ = 0;     // workers still running the current job
  bool stopping_ = false;
  Task task_ = nullptr;
  void* context_ = nullptr;
  std::size_t count_ = 0, align_ = 1;
};
//! [pool]

/// The pool the kernels use: by default one thread per core, created on first
/// use. Like OMP_NUM_THREADS, this is a setting of the whole process.
ThreadPool& pool();
/// Replaces the kernels' pool with one of `threads` threads (1: the caller alone).
/// Call it between products, never during one.
void set_threads(std::size_t threads);

}  // namespace nn::parallel
