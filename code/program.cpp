#include "program.hpp"

#include "interrupt.hpp"
#ifdef BOOK_CHAPTER_11
#include "kernels.hpp"
#endif

#include <algorithm>
#include <charconv>
#include <cmath>
#include <exception>
#include <fstream>
#include <iostream>
#include <new>
#include <sstream>
#include <system_error>

#ifndef BOOK_DEFAULT_DATA_DIR
#define BOOK_DEFAULT_DATA_DIR "data/mnist"
#endif
#ifndef BOOK_DEFAULT_OUT_DIR
#define BOOK_DEFAULT_OUT_DIR "book-output"
#endif

namespace nn {

namespace {

template <typename Number>
std::string shortest(Number value) {
  char text[64];
  const auto [end, error] = std::to_chars(text, text + sizeof text, value);
  return error == std::errc{} ? std::string(text, end) : std::to_string(value);
}

// Reads all of `text` as a number of type Number, or returns false.
template <typename Number>
bool parse_whole(const std::string& text, Number& value) {
  const char* const end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  return error == std::errc{} && stop == end && !text.empty();
}

}  // namespace

std::string human(double value) { return shortest(value); }
std::string human(float value) { return shortest(value); }

void require_writable_folder(const std::filesystem::path& folder, const std::string& flag) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::create_directories(folder, error);
  if (error || !fs::is_directory(folder))
    throw std::runtime_error("--" + flag + " " + folder.string() + ": cannot be created as a folder (" +
                             (error ? error.message() : "a file of that name exists") + ")");
  const fs::path probe = folder / ".book-write-test";
  const bool writable = std::ofstream(probe, std::ios::binary | std::ios::trunc).is_open();
  fs::remove(probe, error);
  if (!writable)
    throw std::runtime_error("--" + flag + " " + folder.string() + ": a file cannot be written in this folder");
}

Flags& Flags::count(const char* name, std::uint64_t& variable, std::uint64_t least, std::uint64_t most,
                    const char* help) {
  const std::string flag = name;
  const std::string limits = std::to_string(least) + ".." + std::to_string(most);
  options_.add_options()(
      name,
      po::value<std::string>()->value_name(limits)->default_value(std::to_string(variable))->notifier(
          [flag, least, most, &variable](const std::string& text) {
            std::uint64_t value = 0;
            if (!parse_whole(text, value) || value < least || value > most)
              throw UsageError("--" + flag + " must be a whole number from " + std::to_string(least) + " to " +
                               std::to_string(most) + "; got " + text);
            variable = value;
          }),
      help);
  return *this;
}

Flags& Flags::counts(const char* name, std::vector<std::uint64_t>& variable, std::uint64_t least,
                     std::uint64_t most, const char* help) {
  const std::string flag = name;
  const std::string limits = std::to_string(least) + ".." + std::to_string(most);
  options_.add_options()(
      name,
      po::value<std::vector<std::string>>()->value_name(limits + " ...")->multitoken()->notifier(
          [flag, least, most, &variable](const std::vector<std::string>& texts) {
            variable.clear();
            for (const std::string& text : texts) {
              std::uint64_t value = 0;
              if (!parse_whole(text, value) || value < least || value > most)
                throw UsageError("--" + flag + " must be whole numbers from " + std::to_string(least) + " to " +
                                 std::to_string(most) + "; got " + text);
              variable.push_back(value);
            }
          }),
      help);
  return *this;
}

namespace {
template <typename Real>
void add_real(po::options_description& options, const char* name, Real& variable, double least, double most,
              const char* help, bool zero_allowed) {
  const std::string flag = name;
  const bool open_below = least == 0 && !zero_allowed;
  // Interval notation: "(0,10]" for a number above 0, "[0,1]" otherwise.
  std::string limits = open_below ? std::string("(0") : std::string("[").append(human(least));
  limits.append(",").append(human(most)).append("]");
  const std::string wanted = open_below ? "a number above 0 and at most " + human(most)
                                        : "a number from " + human(least) + " to " + human(most);
  options.add_options()(
      name,
      po::value<std::string>()->value_name(limits)->default_value(human(variable))->notifier(
          [flag, least, most, open_below, wanted, &variable](const std::string& text) {
            double value = 0;
            if (!parse_whole(text, value) || !std::isfinite(value) || value < least || value > most ||
                (open_below && value == 0))
              throw UsageError("--" + flag + " must be " + wanted + "; got " + text);
            variable = static_cast<Real>(value);
          }),
      help);
}
}  // namespace

Flags& Flags::real(const char* name, float& variable, double least, double most, const char* help,
                   bool zero_allowed) {
  add_real(options_, name, variable, least, most, help, zero_allowed);
  return *this;
}

Flags& Flags::real(const char* name, double& variable, double least, double most, const char* help,
                   bool zero_allowed) {
  add_real(options_, name, variable, least, most, help, zero_allowed);
  return *this;
}

Flags& Flags::positive_reals(const char* name, std::vector<float>& variable, double most, const char* help) {
  const std::string flag = name;
  options_.add_options()(
      name,
      po::value<std::vector<std::string>>()->value_name("(0," + human(most) + "] ...")->multitoken()->notifier(
          [flag, most, &variable](const std::vector<std::string>& texts) {
            variable.clear();
            for (const std::string& text : texts) {
              double value = 0;
              if (!parse_whole(text, value) || !std::isfinite(value) || !(value > 0) || value > most)
                throw UsageError("--" + flag + " must be numbers above 0 and at most " + human(most) + "; got " + text);
              variable.push_back(static_cast<float>(value));
            }
          }),
      help);
  return *this;
}

Flags& Flags::choice(const char* name, std::string& variable, std::vector<std::string> choices, const char* help) {
  const std::string flag = name;
  std::string listed;
  for (const std::string& choice : choices) listed += (listed.empty() ? "" : "|") + choice;
  options_.add_options()(
      name,
      po::value<std::string>()->value_name(listed)->default_value(variable)->notifier(
          [flag, choices, listed, &variable](const std::string& text) {
            if (std::find(choices.begin(), choices.end(), text) == choices.end())
              throw UsageError("--" + flag + " must be one of " + listed + "; got " + text);
            variable = text;
          }),
      help);
  return *this;
}

Flags& Flags::path(const char* name, std::filesystem::path& variable, const char* help) {
  // Read as a whole string: Boost reads a std::filesystem::path with operator>>,
  // which would stop at the first space.
  auto* value = po::value<std::string>()->value_name("PATH")->notifier(
      [&variable](const std::string& text) { variable = text; });
  if (!variable.empty()) value->default_value(variable.string());
  options_.add_options()(name, value, help);
  return *this;
}

Flags& Flags::data(CommonFlags& flags) {
  flags.data_dir = BOOK_DEFAULT_DATA_DIR;
  return path("data", flags.data_dir, "folder with the MNIST (or Fashion-MNIST) IDX files, raw or .gz");
}

Flags& Flags::validation(std::uint64_t& variable) {
  return count("validation", variable, 1, 1'000'000'000, "training images held out for validation");
}

void require_validation_fits(std::uint64_t validation, std::size_t training_images) {
  if (training_images < 2 || validation > training_images - 1)
    throw UsageError("--validation must be a whole number from 1 to " + std::to_string(training_images - 1) +
                     " (the training images less one); got " + std::to_string(validation));
}

Flags& Flags::out(CommonFlags& flags) {
  options_.add_options()(
      "out",
      po::value<std::string>()->value_name("PATH")->default_value(BOOK_DEFAULT_OUT_DIR)->notifier(
          [&flags](const std::string& text) {
            flags.out_dir = text;
            require_writable_folder(flags.out_dir, "out");
          }),
      "folder for the figures and the numbers the chapter quotes");
  options_.add_options()("check-claims", po::bool_switch(&flags.check_claims),
                         "fail (status 1) if a conclusion of the chapter's text does not hold for this run, as "
                         "the build does; without it, such a claim is only noted");
  return *this;
}

void add_data_flag(po::options_description& options, CommonFlags& flags) { Flags(options).data(flags); }
void add_out_flag(po::options_description& options, CommonFlags& flags) { Flags(options).out(flags); }

namespace {

template <typename T>
bool holds(const po::value_semantic* semantic) {
  return dynamic_cast<const po::typed_value<T>*>(semantic) != nullptr;
}

// Boost.Program_options reads "-5" into an unsigned flag as 2^64 − 5 (lexical_cast
// wraps it around) and reads "nan" or "inf" into a floating-point flag without a
// word; no flag of the book means either, so both are refused here, at parse time.
void check_numbers(const po::options_description& options, const po::parsed_options& parsed,
                   const po::variables_map& flags) {
  for (const po::option& option : parsed.options) {
    const po::option_description* description = options.find_nothrow(option.string_key, false);
    if (description == nullptr) continue;
    const po::value_semantic* semantic = description->semantic().get();
    if (!(holds<unsigned short>(semantic) || holds<unsigned>(semantic) || holds<unsigned long>(semantic) ||
          holds<unsigned long long>(semantic)))
      continue;
    for (const std::string& token : option.value)
      if (token.find('-') != std::string::npos)
        throw UsageError("--" + option.string_key + " must be a whole number of at least 0; got " + token);
  }
  for (const auto& [name, value] : flags) {
    double number = 0;
    if (const auto* d = boost::any_cast<double>(&value.value()))
      number = *d;
    else if (const auto* f = boost::any_cast<float>(&value.value()))
      number = *f;
    if (!std::isfinite(number))
      throw UsageError("--" + name + " must be a finite number; got " + std::to_string(number));
  }
}

// [install-fastest]
// The products every program runs: in a build with chapter 11 (CMake defines
// BOOK_CHAPTER_11 then), its fastest kernels, installed behind chapter 1's
// nn::matmul and the others; without it, chapter 1's loops.
void install_fastest_products() {
#ifdef BOOK_CHAPTER_11
  kernels::set_stage(kernels::Stage::threads);
#endif
}
// [install-fastest]

}  // namespace

// [run-program]
int run_program(int argc, char** argv, const std::string& summary, po::options_description& options,
                const std::function<void()>& body) {
  const std::string program = argc > 0 ? std::filesystem::path(argv[0]).filename().string() : "program";
  try {
    options.add_options()("help,h", "print this help and exit");
    po::variables_map flags;
    // No guessing of abbreviated flags, and no positional arguments: a path
    // given without its flag is answered below with what to write instead.
    const auto style = po::command_line_style::unix_style ^ po::command_line_style::allow_guessing;
    const po::parsed_options parsed = po::command_line_parser(argc, argv).options(options).style(style).run();
    for (const po::option& option : parsed.options)
      if (option.position_key >= 0 || option.string_key.empty())
        throw UsageError("takes no positional arguments; got '" + option.original_tokens.front() +
                         "' (a folder of data is given as --data PATH, an output folder as --out PATH)");
    po::store(parsed, flags);
    if (flags.count("help")) {
      std::cout << program << ": " << summary << "\n\n" << options << '\n';
      return kExitSuccess;
    }
    check_numbers(options, parsed, flags);
    po::notify(flags);
    install_fastest_products();
    const StopOnSignal stop_on_signal;
    body();
    return kExitSuccess;
  } catch (const Interrupted& e) {
    std::cerr << program << ": stopped by a signal; " << e.what() << '\n';
    return kExitInterrupted;
  } catch (const po::error& e) {
    std::cerr << program << ": " << e.what() << " (see --help)\n";
    return kExitUsage;
  } catch (const UsageError& e) {
    std::cerr << program << ": " << e.what() << " (see --help)\n";
    return kExitUsage;
  } catch (const std::bad_alloc&) {
    std::cerr << program << ": out of memory: the flags or the data ask for more than this machine holds\n";
    return kExitFailure;
  } catch (const std::exception& e) {
    std::cerr << program << ": " << e.what() << '\n';
    return kExitFailure;
  }
}
// [run-program]

void require_positive(const std::string& flag, double value) {
  if (!(value > 0.0) || !std::isfinite(value)) {
    std::ostringstream got;
    got << value;
    throw UsageError("--" + flag + " must be a positive number; got " + got.str());
  }
}

}  // namespace nn
