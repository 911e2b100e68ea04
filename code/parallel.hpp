// Chapter 11: a small pool of threads for the kernels, created once.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace nn::parallel {

// [pool]
/// A fixed set of worker threads that run one job at a time. A job is cut into
/// a few pieces, which the threads take as they come free, the caller among
/// them: a worker that the operating system has put aside before it took a
/// piece delays nothing, and the caller waits only for pieces taken and not
/// yet finished. Between jobs a worker spins for a while (kSpin) before it
/// sleeps, so that a job that follows soon, as the products of one training
/// step do, finds it awake instead of waiting for the operating system to
/// wake it. One thread at a time may give the pool jobs.
class ThreadPool {
 public:
  explicit ThreadPool(std::size_t threads);
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  ~ThreadPool();

  /// Threads that share a job, the caller included.
  std::size_t size() const { return workers_.size() + 1; }

  /// Calls body(first, last) on disjoint ranges that cover [0, count) in
  /// order, each starting at a multiple of `align` (about four ranges per
  /// thread), and returns when every call has returned; if a call threw, it
  /// then throws the first such exception. Which thread gets which range does
  /// not change what any one call computes.
  template <typename Body>
  void for_ranges(std::size_t count, std::size_t align, Body&& body) {
    using Callable = std::remove_reference_t<Body>;  // a named body comes as a reference
    run(count, align, [](void* context, std::size_t first, std::size_t last) {
      (*static_cast<Callable*>(context))(first, last);
    }, const_cast<void*>(static_cast<const void*>(std::addressof(body))));
  }

  /// How long a worker waits for the next job before it sleeps: 2¹⁵ rounds
  /// of a pause instruction, about a millisecond on many current processors
  /// (how long one pause lasts differs between them).
  static constexpr std::uint32_t kSpin = std::uint32_t{1} << 15;

 private:
  using Task = void (*)(void* context, std::size_t first, std::size_t last);
  void run(std::size_t count, std::size_t align, Task task, void* context);
  void work();
  void take_pieces(std::uint64_t job);

  std::vector<std::thread> workers_;
  // The job: written by the caller before it publishes the job in next_.
  Task task_ = nullptr;
  void* context_ = nullptr;
  std::size_t count_ = 0, piece_ = 1, pieces_ = 0;
  // next_ packs the job's number (high 32 bits), its count of pieces (16
  // bits) and the next piece to take (low 16): a thread takes a piece by
  // raising the last, and only while the number is that of the job it was
  // woken for, so that a late worker cannot take a piece of a newer job.
  std::atomic<std::uint64_t> next_{0};
  std::atomic<std::size_t> finished_{0};  // pieces of this job done
  std::atomic<std::uint32_t> job_{0};     // the newest job; workers watch it
  std::atomic<std::uint32_t> sleeping_{0};
  std::atomic<bool> stopping_{false};
  std::mutex error_mutex_;
  std::exception_ptr error_;  // the first exception a piece of this job threw
};
// [pool]

/// The pool the kernels use: by default one thread per core, created on first
/// use. Like OMP_NUM_THREADS, this is a setting of the whole process.
ThreadPool& pool();
/// Replaces the kernels' pool with one of `threads` threads (1: the caller alone).
/// Call it between products, never during one.
void set_threads(std::size_t threads);

}  // namespace nn::parallel
