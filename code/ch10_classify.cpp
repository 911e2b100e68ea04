// Chapter 10's second program: the trained network put to use. It loads a model
// file and classifies the pictures a user gives it (PNG, PGM, or IDX files of
// MNIST's kind), or measures it on a labelled set.
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "mnist.hpp"
#include "model_file.hpp"
#include "picture_file.hpp"
#include "program.hpp"
#include "softmax_cross_entropy.hpp"
#include "training.hpp"

#ifndef BOOK_DEFAULT_MODEL
#define BOOK_DEFAULT_MODEL "ch10_model.nnsc"
#endif

namespace {
namespace fs = std::filesystem;

constexpr std::size_t kSide = 28;  // MNIST's pictures are 28×28

// True for an IDX file, raw or gzipped (both start with a zero byte or gzip's
// 1f 8b); false for anything else, which is then read as a picture.
bool is_idx_or_gzip(const fs::path& path) {
  // Opening a FIFO or a device could block for ever: only regular files are read.
  std::error_code error;
  if (!fs::is_regular_file(path, error))
    throw nn::DataError(path.string() + (fs::exists(path, error) ? ": is not a regular file; expected a picture or an IDX file"
                                                                  : ": no such file"));
  std::ifstream file(path, std::ios::binary);
  const int first = file.get(), second = file.get();
  return (first == 0 && second == 0) || (first == 0x1f && second == 0x8b);
}

// The 28×28 input drawn in characters, darkest ink as '@', for --show-input.
void print_input(std::ostream& out, nn::ConstTensorView input) {
  static const char shades[] = " .:-=+*#%@";
  for (std::size_t r = 0; r < kSide; ++r) {
    out << "  |";
    for (std::size_t c = 0; c < kSide; ++c) {
      const float v = input(0, r * kSide + c);
      out << shades[std::min<std::size_t>(9, static_cast<std::size_t>(v * 10))];
    }
    out << "|\n";
  }
}

// One line with the class and its probability, one with all ten.
void print_prediction(std::ostream& out, const std::string& name, nn::ConstTensorView probabilities,
                      const nn::ClassNames& classes) {
  std::size_t best = 0;
  for (std::size_t k = 1; k < probabilities.cols(); ++k)
    if (probabilities(0, k) > probabilities(0, best)) best = k;
  out << name << ": " << classes.noun << ' ' << best
      << (classes.names[best] == std::to_string(best) ? "" : " (" + classes.names[best] + ")") << ", probability " << std::fixed << std::setprecision(3)
      << probabilities(0, best) << "\n ";
  for (std::size_t k = 0; k < probabilities.cols(); ++k) out << ' ' << k << ':' << std::setprecision(3) << probabilities(0, k);
  out << '\n';
}

// Rows: the true class; columns: the predicted one.
void print_confusion(std::ostream& out, const std::vector<std::uint8_t>& labels, const std::vector<std::uint8_t>& predicted) {
  std::vector<std::size_t> counts(nn::kClasses * nn::kClasses, 0);
  for (std::size_t n = 0; n < labels.size(); ++n) ++counts[labels[n] * nn::kClasses + predicted[n]];
  out << "confusion matrix (rows: true class, columns: predicted class)\n   ";
  for (std::size_t k = 0; k < nn::kClasses; ++k) out << std::setw(6) << k;
  out << '\n';
  for (std::size_t t = 0; t < nn::kClasses; ++t) {
    out << std::setw(3) << t;
    for (std::size_t k = 0; k < nn::kClasses; ++k) out << std::setw(6) << counts[t * nn::kClasses + k];
    out << '\n';
  }
}

}  // namespace

int main(int argc, char** argv) {
  fs::path model_path = BOOK_DEFAULT_MODEL;
  std::vector<std::string> pictures;
  nn::CommonFlags data_flags;
  bool show_input = false;
  std::uint64_t most_shown = 10;
  nn::po::options_description options("Options");
  nn::Flags(options)
      .path("model", model_path, "the model file to use (chapter 10's program saves one)")
      .path("data", data_flags.data_dir, "measure the model on this folder's labelled test split (IDX files)")
      .count("most-shown", most_shown, 0, 1'000'000, "images of an IDX file to print one by one");
  options.add_options()
      ("image", nn::po::value(&pictures)->value_name("PATH")->composing(),
       "a picture to classify (PNG, PGM, or an IDX image file); repeat the flag for more")
      ("show-input", nn::po::bool_switch(&show_input), "draw each picture as the network sees it, 28×28");
  return nn::run_program(argc, argv, "chapter 10, the trained network classifies your pictures", options, [&] {
    if (pictures.empty() && data_flags.data_dir.empty())
      throw nn::UsageError("nothing to classify: give --image PATH (PNG, PGM or IDX) or --data FOLDER");
    // The data first, then the model: each complaint names what the user gave.
    const nn::Dataset test =
        data_flags.data_dir.empty() ? nn::Dataset{} : nn::load_split(data_flags.data_dir, nn::Split::test);
    nn::Network network = nn::load_model(model_path);
    if (network.inputs() != kSide * kSide)
      throw nn::ModelFileError(model_path.string() + ": the network takes " + std::to_string(network.inputs()) +
                               " inputs, but the pictures it is given have " + std::to_string(kSide * kSide) +
                               " pixels (28×28)");
    nn::Tensor probabilities(1, network.outputs());
    // A model does not say what it was trained on; --data's folder does, if given.
    const nn::ClassNames classes = nn::class_names_for(data_flags.data_dir);

    for (const std::string& name : pictures) {
      const fs::path path = name;
      if (is_idx_or_gzip(path)) {
        // An IDX file's digits are already MNIST-like: no preprocessing.
        const nn::IdxImages images = nn::read_idx_images(path);
        if (images.rows * images.cols != network.inputs())
          throw nn::DataError(name + ": its images are " + std::to_string(images.rows) + "×" +
                              std::to_string(images.cols) + " = " + std::to_string(images.rows * images.cols) +
                              " pixels, but the network takes " + std::to_string(network.inputs()) + " inputs");
        nn::Tensor all(images.count, network.inputs());
        for (std::size_t i = 0; i < images.pixels.size(); ++i) all.values()[i] = images.pixels[i] / 255.0f;
        const std::vector<std::uint8_t> predicted = nn::predict(network, all);
        std::vector<std::size_t> per_class(network.outputs(), 0);
        for (std::size_t n = 0; n < images.count; ++n) {
          ++per_class[predicted[n]];
          if (n < most_shown) {
            nn::softmax(probabilities, network.forward(all.view().rows_slice(n, 1)));
            if (show_input) print_input(std::cout, all.view().rows_slice(n, 1));
            print_prediction(std::cout, name + " #" + std::to_string(n), probabilities, classes);
          }
        }
        std::cout << name << ": " << images.count << " images; predicted classes:";
        for (std::size_t k = 0; k < per_class.size(); ++k) std::cout << ' ' << k << ':' << per_class[k];
        std::cout << '\n';
      } else {
        const nn::InkPicture picture = nn::read_picture(path);
        nn::Tensor input(1, kSide * kSide);
        try {
          const std::vector<float> pixels = nn::mnist_like(picture);
          std::copy(pixels.begin(), pixels.end(), input.values().begin());
        } catch (const std::invalid_argument& e) {
          throw nn::DataError(name + ": " + e.what());
        }
        nn::softmax(probabilities, network.forward(input));
        if (show_input) print_input(std::cout, input);
        print_prediction(std::cout, name, probabilities, classes);
      }
    }

    if (!data_flags.data_dir.empty()) {
      nn::require_shape(network, test.images.cols(), nn::kClasses, model_path.string());
      const std::vector<std::uint8_t> predicted = nn::predict(network, test.images);
      std::size_t right = 0;
      for (std::size_t n = 0; n < test.size(); ++n) right += predicted[n] == test.labels[n];
      std::cout << "test split of " << data_flags.data_dir.string() << ": " << right << " of " << test.size()
                << " right, accuracy " << std::fixed << std::setprecision(2)
                << 100.0 * static_cast<double>(right) / static_cast<double>(test.size()) << "%\n";
      print_confusion(std::cout, test.labels, predicted);
    }
  });
}
