// Chapter 10: saving a trained network to a file and loading it back.
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "network.hpp"

namespace nn {

/// Thrown for a model file that cannot be read: the message names the file,
/// what was found and what was expected.
class ModelFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// [format]
/// The model file format, version 1. All integers are unsigned 32-bit and all
/// numbers IEEE-754 float32, both little-endian; nothing is padded.
///
///   offset  size  field
///        0     8  magic: the ASCII bytes "NNSCRATC"
///        8     4  version: 1
///       12     4  layer count (1–64), dense layers and activations together
///   then that many layers, each starting with its kind:
///              4  kind: 0 dense, 1 ReLU, 2 sigmoid, 3 tanh
///     dense:   4  inputs I (1–65,536)
///              4  outputs O (1–65,536)
///            4IO  weights W, I×O, row-major (row i: input i's weight to each output)
///             4O  biases b
///   last:      4  CRC-32 (the zip/PNG polynomial) of every byte before it
///
/// A dense layer's I must equal the previous dense layer's O.
///
/// Dropout layers (chapter 13) are not stored, and the layer count does not
/// count them: dropout is the identity at evaluation, so the network the file
/// holds computes the same logits, and the format, and every reader of it
/// (the try-it page's included), stays as it was. A model file is what a
/// trained network computes, not a checkpoint to resume training from: it
/// keeps neither an optimiser's memory nor a dropout layer's generator.
inline constexpr char kModelMagic[8] = {'N', 'N', 'S', 'C', 'R', 'A', 'T', 'C'};
inline constexpr std::uint32_t kModelVersion = 1;
// [format]

/// Throws ModelFileError unless a model can be saved at `path`: the folder takes a
/// new file, and `path` is either new or a model file of this book (a save never
/// replaces anything else). Programs call it before training, and save_model again.
void check_model_destination(const std::filesystem::path& path);

/// Writes the network to `path` whole or not at all: it writes a temporary file
/// beside it, then renames it over `path`, so an interrupted save never leaves
/// a half-written model where the last good one was.
void save_model(const Network& network, const std::filesystem::path& path);

/// Reads a network saved by save_model. Checks everything before trusting it:
/// magic, version, sizes against the file's length (before allocating), the
/// chain of layer shapes, the checksum, and that every number is finite.
Network load_model(const std::filesystem::path& path);

/// Reads a network from bytes in the model file format; `name` is used in errors.
Network parse_model(const std::uint8_t* bytes, std::size_t size, const std::string& name);

/// Throws ModelFileError naming `name` unless the network takes `inputs` numbers
/// and gives `outputs`: a program checks a loaded model against its data with it.
void require_shape(const Network& network, std::size_t inputs, std::size_t outputs, const std::string& name);

}  // namespace nn
