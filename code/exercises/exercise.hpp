// What an unanswered exercise does: it throws, saying where to work.
#pragma once

#include <stdexcept>
#include <string>

namespace exercises {

/// Thrown by every stub in the workspace until the reader answers it.
class NotImplemented : public std::logic_error {
 public:
  NotImplemented(int chapter, int exercise, const std::string& what)
      : std::logic_error("not implemented yet: see chapter " + std::to_string(chapter) + ", exercise " +
                         std::to_string(exercise) + " (" + what + ") in code/exercises/workspace/ch" +
                         (chapter < 10 ? "0" : "") + std::to_string(chapter) + ".cpp") {}
};

}  // namespace exercises
