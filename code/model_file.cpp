// Chapter 10: saving a trained network to a file and loading it back.
#include "model_file.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include <boost/crc.hpp>

namespace nn {
namespace fs = std::filesystem;

namespace {

static_assert(std::numeric_limits<float>::is_iec559, "the model format stores IEEE-754 floats");

constexpr std::uint32_t kMaxLayers = 64;
constexpr std::uint32_t kMaxWidth = 65536;
enum LayerKind : std::uint32_t { kDense = 0, kRelu = 1, kSigmoid = 2, kTanh = 3 };

// [writer]
// Appends little-endian fields to a byte buffer, whatever the machine's own order.
class Writer {
 public:
  void u32(std::uint32_t value) {
    for (int shift = 0; shift < 32; shift += 8) bytes_.push_back(static_cast<std::uint8_t>(value >> shift));
  }
  void floats(std::span<const float> values) {
    for (float value : values) u32(std::bit_cast<std::uint32_t>(value));
  }
  void raw(const void* data, std::size_t size) {
    const auto* p = static_cast<const std::uint8_t*>(data);
    bytes_.insert(bytes_.end(), p, p + size);
  }
  std::vector<std::uint8_t>& bytes() { return bytes_; }

 private:
  std::vector<std::uint8_t> bytes_;
};
// [writer]

// Reads little-endian fields from bytes, refusing to read past their end.
class Reader {
 public:
  Reader(const std::uint8_t* bytes, std::size_t size, const std::string& name)
      : bytes_(bytes), size_(size), name_(name) {}
  [[noreturn]] void fail(const std::string& what) const { throw ModelFileError(name_ + ": " + what); }
  std::size_t offset() const { return offset_; }
  std::size_t remaining() const { return size_ - offset_; }
  void skip(std::size_t count) { offset_ += std::min(count, remaining()); }

  std::uint32_t u32(const char* field) {
    if (remaining() < 4) fail(std::string("truncated: the file ends before the ") + field);
    std::uint32_t value = 0;
    for (int i = 3; i >= 0; --i) value = value << 8 | bytes_[offset_ + static_cast<std::size_t>(i)];
    offset_ += 4;
    return value;
  }
  void floats(std::span<float> out, const std::string& field) {
    for (float& value : out) {
      value = std::bit_cast<float>(u32("weights"));
      if (!std::isfinite(value))
        fail(field + " holds " + std::to_string(value) + " at byte " + std::to_string(offset_ - 4) +
             "; expected finite numbers");
    }
  }

 private:
  const std::uint8_t* bytes_;
  std::size_t size_;
  std::size_t offset_ = 0;
  std::string name_;
};

std::uint32_t crc32(const std::uint8_t* bytes, std::size_t size) {
  boost::crc_32_type crc;
  crc.process_bytes(bytes, size);
  return crc.checksum();
}

LayerKind kind_of(ActivationKind kind) {
  switch (kind) {
    case ActivationKind::relu: return kRelu;
    case ActivationKind::sigmoid: return kSigmoid;
    case ActivationKind::tanh: return kTanh;
  }
  return kRelu;
}

// [write-layer]
// One writer per kind of layer: save_model visits each layer with these, so a
// new kind does not compile until it has its own (and its tag, and a case in
// parse_model). Each returns the number of layer records it wrote.
std::uint32_t write_layer(Writer& out, const Dense& dense) {
  out.u32(kDense);
  out.u32(static_cast<std::uint32_t>(dense.inputs()));
  out.u32(static_cast<std::uint32_t>(dense.outputs()));
  out.floats(dense.weight.values());
  out.floats(dense.bias.values());
  return 1;
}

std::uint32_t write_layer(Writer& out, const Activation& activation) {
  out.u32(kind_of(activation.kind));
  return 1;
}

// Dropout is the identity at evaluation, and a model file holds what
// evaluation computes: it writes nothing (model_file.hpp says why).
std::uint32_t write_layer(Writer&, const Dropout&) { return 0; }
// [write-layer]

}  // namespace

void check_model_destination(const fs::path& path) {
  std::error_code error;
  const auto status = fs::status(path, error);
  if (fs::exists(status)) {
    if (!fs::is_regular_file(status))
      throw ModelFileError(path.string() + ": is not a regular file; expected a new file or a model file to replace");
    std::ifstream file(path, std::ios::binary);
    char magic[sizeof kModelMagic] = {};
    file.read(magic, sizeof magic);
    if (file.gcount() != sizeof magic || std::memcmp(magic, kModelMagic, sizeof magic) != 0)
      throw ModelFileError(path.string() + ": exists and is not a model file of this book (it does not start with "
                           "\"NNSCRATC\"); refusing to replace it: name a new file or remove this one");
  }
  // Try the very file the save will write, then remove it: a folder that is
  // missing or read-only is found now, not after the training.
  fs::path temporary = path;
  temporary += ".partial";
  std::ofstream probe(temporary, std::ios::binary | std::ios::trunc);
  const bool writable = probe.is_open();
  probe.close();
  fs::remove(temporary, error);
  if (!writable) throw ModelFileError(path.string() + ": cannot be written (" + temporary.string() + " cannot be created)");
}

// [save]
void save_model(const Network& network, const fs::path& path) {
  check_model_destination(path);
  Writer out;
  out.raw(kModelMagic, sizeof kModelMagic);
  out.u32(kModelVersion);
  Writer layers;  // the layer records apart: the count before them counts records, not layers
  std::uint32_t records = 0;
  for (const Layer& layer : network.layers)
    records += std::visit([&](const auto& kind) { return write_layer(layers, kind); }, layer);
  out.u32(records);
  out.raw(layers.bytes().data(), layers.bytes().size());
  out.u32(crc32(out.bytes().data(), out.bytes().size()));

  // Write beside the target, then rename: rename replaces a file atomically.
  fs::path temporary = path;
  temporary += ".partial";
  {
    std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
    file.write(reinterpret_cast<const char*>(out.bytes().data()), static_cast<std::streamsize>(out.bytes().size()));
    if (!file.flush()) {
      std::error_code ignored;
      fs::remove(temporary, ignored);
      throw ModelFileError(path.string() + ": cannot be written (" + temporary.string() + " failed)");
    }
  }
  std::error_code error;
  fs::rename(temporary, path, error);
  if (error) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw ModelFileError(path.string() + ": cannot be replaced (" + error.message() + "); the old file is untouched");
  }
}
// [save]

// [parse]
Network parse_model(const std::uint8_t* bytes, std::size_t size, const std::string& name) {
  Reader in(bytes, size, name);
  if (size < sizeof kModelMagic || std::memcmp(bytes, kModelMagic, sizeof kModelMagic) != 0)
    in.fail("not a model file: it does not start with \"NNSCRATC\"");
  in.skip(sizeof kModelMagic);
  const std::uint32_t version = in.u32("version");
  if (version != kModelVersion)
    in.fail("model format version " + std::to_string(version) + "; this build reads version " +
            std::to_string(kModelVersion));
  const std::uint32_t layers = in.u32("layer count");
  if (layers == 0 || layers > kMaxLayers)
    in.fail(std::to_string(layers) + " layers; expected 1–" + std::to_string(kMaxLayers));

  Network network;
  std::size_t previous_outputs = 0;
  for (std::uint32_t l = 0; l < layers; ++l) {
    const std::string layer_name = "layer " + std::to_string(l + 1);
    const std::uint32_t kind = in.u32("layer kind");
    if (kind == kDense) {
      const std::uint32_t inputs = in.u32("layer inputs"), outputs = in.u32("layer outputs");
      if (inputs == 0 || outputs == 0 || inputs > kMaxWidth || outputs > kMaxWidth)
        in.fail(layer_name + " is " + shape_string(inputs, outputs) + "; expected each size in 1–" +
                std::to_string(kMaxWidth));
      if (previous_outputs != 0 && inputs != previous_outputs)
        in.fail(layer_name + " takes " + std::to_string(inputs) + " inputs but the layer before gives " +
                std::to_string(previous_outputs));
      const std::size_t needed = 4 * (std::size_t{inputs} * outputs + outputs);
      if (in.remaining() < needed + 4)
        in.fail("truncated: " + layer_name + " needs " + std::to_string(needed) + " bytes of numbers but " +
                std::to_string(in.remaining() < 4 ? 0 : in.remaining() - 4) + " remain");
      Dense dense(inputs, outputs);
      in.floats(dense.weight.values(), layer_name + "'s weights");
      in.floats(dense.bias.values(), layer_name + "'s biases");
      network.layers.emplace_back(std::move(dense));
      previous_outputs = outputs;
    } else if (kind == kRelu || kind == kSigmoid || kind == kTanh) {
      const ActivationKind activation =
          kind == kRelu ? ActivationKind::relu : kind == kSigmoid ? ActivationKind::sigmoid : ActivationKind::tanh;
      network.layers.emplace_back(Activation{activation});
    } else {
      in.fail(layer_name + " has kind " + std::to_string(kind) + "; expected 0 (dense), 1, 2 or 3");
    }
  }
  if (previous_outputs == 0) in.fail("no dense layer; expected at least one");
  if (in.remaining() != 4)
    in.fail(std::to_string(in.remaining()) + " bytes after the last layer; expected the 4-byte checksum");
  const std::uint32_t stored_crc = in.u32("checksum");
  if (crc32(bytes, size - 4) != stored_crc) in.fail("checksum mismatch: the file is damaged");
  return network;
}
// [parse]

void require_shape(const Network& network, std::size_t inputs, std::size_t outputs, const std::string& name) {
  if (network.inputs() != inputs || network.outputs() != outputs)
    throw ModelFileError(name + ": a network of " + std::to_string(network.inputs()) + " inputs and " +
                         std::to_string(network.outputs()) + " outputs; expected " + std::to_string(inputs) +
                         " inputs and " + std::to_string(outputs) + " outputs");
}

Network load_model(const fs::path& path) {
  std::error_code error;
  const auto status = fs::status(path, error);
  if (!fs::exists(status)) throw ModelFileError(path.string() + ": no such file");
  if (fs::is_directory(status)) throw ModelFileError(path.string() + ": is a directory; expected a model file");
  if (!fs::is_regular_file(status))
    throw ModelFileError(path.string() + ": is not a regular file (a pipe, a device or a socket); expected a model file");
  const std::uintmax_t size = fs::file_size(path, error);
  constexpr std::uintmax_t kLargest = std::uintmax_t{1} << 32;  // 4 GiB: far above any model of this book
  if (error || size > kLargest)
    throw ModelFileError(path.string() + ": " + (error ? "size unknown" : std::to_string(size) + " bytes") +
                         "; expected a model file of at most 4 GiB");
  std::ifstream file(path, std::ios::binary);
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  if (!file.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size())))
    throw ModelFileError(path.string() + ": cannot be read");
  return parse_model(bytes.data(), bytes.size(), path.string());
}

}  // namespace nn
