#include "interrupt.hpp"

#include <atomic>
#include <csignal>

namespace nn {
namespace {

// The one piece of process-wide state in the book: a signal handler can reach
// nothing else. A lock-free atomic is safe to write from a handler.
std::atomic<bool> stop_flag{false};
static_assert(std::atomic<bool>::is_always_lock_free);

struct sigaction previous_interrupt, previous_terminate;

extern "C" void request_stop(int signal) {
  stop_flag.store(true);
  // The next signal of this kind takes its default action: it kills.
  std::signal(signal, SIG_DFL);
}

}  // namespace

StopOnSignal::StopOnSignal() {
  stop_flag.store(false);
  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &previous_interrupt);
  sigaction(SIGTERM, &action, &previous_terminate);
}

StopOnSignal::~StopOnSignal() {
  sigaction(SIGINT, &previous_interrupt, nullptr);
  sigaction(SIGTERM, &previous_terminate, nullptr);
}

bool stop_requested() { return stop_flag.load(std::memory_order_relaxed); }

}  // namespace nn
