// What every program shares: stopping with Ctrl-C without losing work (chapter 7
// is the first to train, and so the first to need it).
#pragma once

#include <stdexcept>

namespace nn {

// [interrupt]
/// While one of these lives, Ctrl-C (SIGINT) and SIGTERM do not kill the
/// program: they raise a flag that the training loops look at between two
/// updates, so an update is never cut in half. The program then keeps what is
/// done (the model so far, saved whole; the figures of the epochs run) and
/// exits with status 130, as a shell expects after Ctrl-C. A second signal
/// kills at once, for a user who does not want to wait. The destructor puts
/// back the handlers that were there before.
class StopOnSignal {
 public:
  StopOnSignal();
  ~StopOnSignal();
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;
};

/// True once SIGINT or SIGTERM has arrived while a StopOnSignal lives.
bool stop_requested();

/// Thrown by a program after it has kept what a stopped run did; the message
/// says where that is. run_program turns it into one line and status 130.
class Interrupted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
// [interrupt]

}  // namespace nn
