#include "program.hpp"

#include <cmath>
#include <exception>
#include <iostream>
#include <new>
#include <sstream>

#ifndef BOOK_DEFAULT_DATA_DIR
#define BOOK_DEFAULT_DATA_DIR "data/mnist"
#endif

namespace nn {

void add_data_flag(po::options_description& options, CommonFlags& flags) {
  options.add_options()("data", po::value(&flags.data_dir)->default_value(BOOK_DEFAULT_DATA_DIR),
                        "folder with the MNIST (or Fashion-MNIST) IDX files, raw or .gz");
}

void add_out_flag(po::options_description& options, CommonFlags& flags) {
  options.add_options()("out", po::value(&flags.out_dir)->default_value("book-output"),
                        "folder for the figures and the numbers the chapter quotes");
}

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

}  // namespace

//! [run-program]
int run_program(int argc, char** argv, const std::string& summary, po::options_description& options,
                const std::function<void()>& body) {
  const std::string program = argc > 0 ? std::filesystem::path(argv[0]).filename().string() : "program";
  try {
    options.add_options()("help", "print this help and exit");
    po::variables_map flags;
    const po::parsed_options parsed = po::parse_command_line(argc, argv, options);
    po::store(parsed, flags);
    if (flags.count("help")) {
      std::cout << program << ": " << summary << "\n\n" << options << '\n';
      return kExitSuccess;
    }
    check_numbers(options, parsed, flags);
    po::notify(flags);
    body();
    return kExitSuccess;
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
//! [run-program]

void require_positive(const std::string& flag, double value) {
  if (!(value > 0.0) || !std::isfinite(value)) {
    std::ostringstream got;
    got << value;
    throw UsageError("--" + flag + " must be a positive number; got " + got.str());
  }
}

}  // namespace nn
