// WebAssembly only: the functions the page's JavaScript calls. JavaScript keeps
// the canvas and the buttons; the models, the preprocessing and the forward pass
// are the book's C++ (read_canvas), compiled by emscripten.
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include <emscripten/emscripten.h>

#include "canvas_reading.hpp"
#include "model_file.hpp"

namespace {

// A WebAssembly module's state lives in the module: the networks the page has
// loaded, addressed by their index, and the last error for the page to show.
std::vector<nn::Network> networks;
std::string last_error;

}  // namespace

extern "C" {

/// Parses a model file's bytes (chapter 10's format) and keeps the network.
/// Returns its index, or -1 with try_it_error() saying why.
EMSCRIPTEN_KEEPALIVE int try_it_load_model(const char* name, const std::uint8_t* bytes, std::size_t size) {
  try {
    nn::Network network = nn::parse_model(bytes, size, name);
    nn::require_shape(network, nn::browser::kDigitSide * nn::browser::kDigitSide, 10, name);
    networks.push_back(std::move(network));
    return static_cast<int>(networks.size()) - 1;
  } catch (const std::exception& error) {
    last_error = error.what();
    return -1;
  }
}

/// The message of the last call that failed.
EMSCRIPTEN_KEEPALIVE const char* try_it_error() { return last_error.c_str(); }

// [entry]
/// Reads a width × height RGBA canvas with network `model`, preprocessed like
/// MNIST when `mnist_like` is non-zero. Writes the 784 inputs the network saw
/// into `input` and the 10 probabilities into `probabilities`, and returns the
/// predicted class; -1 for a canvas without ink, -2 for an error (try_it_error).
EMSCRIPTEN_KEEPALIVE int try_it_read_canvas(int model, const std::uint8_t* rgba, int width, int height,
                                            int mnist_like, float* input, float* probabilities) {
  try {
    const nn::browser::CanvasReading reading = nn::browser::read_canvas(
        networks.at(static_cast<std::size_t>(model)), static_cast<std::size_t>(width),
        static_cast<std::size_t>(height), rgba,
        mnist_like ? nn::browser::Preparation::mnist_like : nn::browser::Preparation::shrink_only);
    std::memcpy(input, reading.input.data(), reading.input.size() * sizeof(float));
    std::memcpy(probabilities, reading.probabilities.data(), reading.probabilities.size() * sizeof(float));
    return static_cast<int>(reading.predicted);
  } catch (const nn::ShapeError& error) {  // a ShapeError is an invalid_argument too, but not a blank canvas
    last_error = error.what();
    return -2;
  } catch (const std::invalid_argument& blank) {  // no ink: nothing to read yet
    last_error = blank.what();
    return -1;
  } catch (const std::exception& error) {
    last_error = error.what();
    return -2;
  }
}
// [entry]

}  // extern "C"
