// What every chapter program shares: its flags, and how it meets errors.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include <boost/program_options.hpp>

namespace nn {

namespace po = boost::program_options;

/// Exit statuses of every program in the book (the README lists them too).
enum ExitStatus : int {
  kExitSuccess = 0,
  kExitFailure = 1,  ///< bad data, a bad model file, training that diverged, a figure not drawn
  kExitUsage = 2,    ///< an unknown, malformed or out-of-range flag
};

/// Thrown for a flag with a value that parses but makes no sense (zero, negative, NaN).
class UsageError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Flags that the chapter programs share.
struct CommonFlags {
  std::filesystem::path data_dir;  ///< --data: the folder with the IDX files
  std::filesystem::path out_dir;   ///< --out: where figures and reported numbers go
};

/// Adds --data (default: where setup.sh put MNIST) to `options`.
void add_data_flag(po::options_description& options, CommonFlags& flags);
/// Adds --out (default: ./book-output) to `options`.
void add_out_flag(po::options_description& options, CommonFlags& flags);

/// Parses the command line against `options` (plus --help), then runs `body`.
/// Every exception becomes one line on stderr, "<program>: <message>", and the
/// exit status above; nothing escapes as a crash.
int run_program(int argc, char** argv, const std::string& summary, po::options_description& options,
                const std::function<void()>& body);

/// Throws UsageError unless value > 0 (NaN fails too): "--name must be positive; got value".
void require_positive(const std::string& flag, double value);

}  // namespace nn
