#include "program.hpp"

#include <cmath>
#include <exception>
#include <iostream>

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

//! [run-program]
int run_program(int argc, char** argv, const std::string& summary, po::options_description& options,
                const std::function<void()>& body) {
  const std::string program = argc > 0 ? std::filesystem::path(argv[0]).filename().string() : "program";
  try {
    options.add_options()("help", "print this help and exit");
    po::variables_map flags;
    po::store(po::parse_command_line(argc, argv, options), flags);
    if (flags.count("help")) {
      std::cout << program << ": " << summary << "\n\n" << options << '\n';
      return kExitSuccess;
    }
    po::notify(flags);
    body();
    return kExitSuccess;
  } catch (const po::error& e) {
    std::cerr << program << ": " << e.what() << " (see --help)\n";
    return kExitUsage;
  } catch (const UsageError& e) {
    std::cerr << program << ": " << e.what() << " (see --help)\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << program << ": " << e.what() << '\n';
    return kExitFailure;
  }
}
//! [run-program]

void require_positive(const std::string& flag, double value) {
  if (!(value > 0.0) || !std::isfinite(value))
    throw UsageError("--" + flag + " must be a positive number; got " + std::to_string(value));
}

}  // namespace nn
