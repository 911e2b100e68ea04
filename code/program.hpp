// What every chapter program shares: its flags, and how it meets errors.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>
#include <cstdint>

#include <boost/program_options.hpp>

namespace nn {

namespace po = boost::program_options;

/// Exit statuses of every program in the book (the README lists them too).
enum ExitStatus : int {
  kExitSuccess = 0,
  kExitFailure = 1,  ///< bad data, a bad model file, training that diverged, a figure not drawn
  kExitUsage = 2,    ///< an unknown, malformed or out-of-range flag
  kExitInterrupted = 130,  ///< stopped by Ctrl-C or SIGTERM, after keeping what was done (128 + SIGINT)
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
  bool check_claims = false;       ///< --check-claims: a claim of the text that fails stops the run
};

// [flags]
/// Declares a program's flags, each once, with its limits. --help shows the
/// limits in place of "arg" (`--hidden 1..65536 (=128)`), and every value is
/// read as text and checked by one rule before any work: a value that does not
/// parse, lies outside the limits, or is NaN or infinite is refused with status
/// 2 and the same words for every flag, "--hidden must be a whole number from 1
/// to 65536; got 100000000". Defaults print as a person writes them (0.1, not
/// 0.100000001), and a path takes any name the file system allows.
class Flags {
 public:
  explicit Flags(po::options_description& options) : options_(options) {}

  /// A whole number in [least, most]; the variable's value is the default.
  Flags& count(const char* name, std::uint64_t& variable, std::uint64_t least, std::uint64_t most, const char* help);
  /// Whole numbers in [least, most], given as several values after the flag.
  Flags& counts(const char* name, std::vector<std::uint64_t>& variable, std::uint64_t least, std::uint64_t most,
                const char* help);
  /// A finite number in [least, most], or in (0, most] when least is 0 and
  /// `zero_allowed` is false; the variable's value is the default.
  Flags& real(const char* name, float& variable, double least, double most, const char* help, bool zero_allowed = false);
  Flags& real(const char* name, double& variable, double least, double most, const char* help, bool zero_allowed = false);
  /// Numbers in (0, most], given as several values after the flag.
  Flags& positive_reals(const char* name, std::vector<float>& variable, double most, const char* help);
  /// One of `choices`; the variable's value is the default.
  Flags& choice(const char* name, std::string& variable, std::vector<std::string> choices, const char* help);
  /// A path, any the file system allows; the default is the variable's value unless empty.
  Flags& path(const char* name, std::filesystem::path& variable, const char* help);

  /// --data, a folder with the IDX files (default: where setup.sh put MNIST).
  Flags& data(CommonFlags& flags);
  /// --validation, the training images held out for validation: a whole number
  /// of at least 1, checked against the training set's size by
  /// require_validation_fits once the data is loaded.
  Flags& validation(std::uint64_t& variable);
  /// --out, the folder for figures and numbers (default: inside the build folder).
  /// It is created and tried with a file at parse time, so a folder that cannot
  /// be written is found before any work, not after it. Adds --check-claims too.
  Flags& out(CommonFlags& flags);

 private:
  po::options_description& options_;
};
// [flags]

/// Adds --data (default: where setup.sh put MNIST) to `options`.
void add_data_flag(po::options_description& options, CommonFlags& flags);
/// Adds --out (default: book-output inside the build folder) to `options`.
void add_out_flag(po::options_description& options, CommonFlags& flags);

/// The one rule for --validation, once the training set's size is known: at
/// least 1 image (there is nothing to measure on otherwise) and at most all but
/// one. Throws UsageError (status 2) in the words of every other flag.
void require_validation_fits(std::uint64_t validation, std::size_t training_images);

/// A number as a person writes it: the shortest text that reads back as the
/// same value (0.1f gives "0.1", 1e30 gives "1e+30").
std::string human(double value);
std::string human(float value);

/// Creates `folder` if needed and writes and removes a file in it; throws
/// std::runtime_error naming `flag` if that fails.
void require_writable_folder(const std::filesystem::path& folder, const std::string& flag);

/// Parses the command line against `options` (plus --help), then runs `body`
/// with Ctrl-C and SIGTERM turned into a request to stop (interrupt.hpp).
/// Every exception becomes one line on stderr, "<program>: <message>", and the
/// exit status above; nothing escapes as a crash. In a build with chapter 11
/// (BOOK_CHAPTER_11), the products run its fastest kernels from the start.
int run_program(int argc, char** argv, const std::string& summary, po::options_description& options,
                const std::function<void()>& body);

/// Throws UsageError unless value > 0 (NaN fails too): "--name must be positive; got value".
void require_positive(const std::string& flag, double value);

}  // namespace nn
