// Chapter 10: the model file. A saved network loads back bit for bit; every
// damaged, foreign or truncated file is refused with an error that names it;
// and a save that fails leaves the last good model where it was.
#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <unistd.h>

#include <boost/crc.hpp>

#include "idx_files.hpp"
#include "model_file.hpp"

using Catch::Contains;
using test_files::TemporaryFolder;

namespace {

// A 5→4→3 network with a ReLU between and seeded random weights.
nn::Network small_network(std::uint64_t seed = 7) {
  nn::Rng rng(seed);
  return nn::make_mlp({5, 4, 3}, nn::ActivationKind::relu, nn::Init::he, rng);
}

std::vector<std::uint8_t> read_bytes(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

std::vector<std::uint8_t> saved_bytes(const nn::Network& network) {
  TemporaryFolder dir;
  nn::save_model(network, dir / "model");
  return read_bytes(dir / "model");
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const nn::ModelFileError& e) {
    return e.what();
  }
  return "no error";
}

std::string parse_error(const std::vector<std::uint8_t>& bytes) {
  return error_of([&] { nn::parse_model(bytes.data(), bytes.size(), "model.nn"); });
}

void put_u32(std::vector<std::uint8_t>& bytes, std::size_t offset, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) bytes[offset + i] = static_cast<std::uint8_t>(value >> (8 * i));
}

// Rewrites the trailing CRC-32, so that a test reaches the check after it.
void reseal(std::vector<std::uint8_t>& bytes) {
  boost::crc_32_type crc;
  crc.process_bytes(bytes.data(), bytes.size() - 4);
  put_u32(bytes, bytes.size() - 4, crc.checksum());
}

// Byte offsets in the file of small_network() (see the format in model_file.hpp).
constexpr std::size_t kVersion = 8, kLayerCount = 12, kFirstKind = 16, kFirstInputs = 20, kFirstWeights = 28;
constexpr std::size_t kSize = 16 + (12 + 4 * (5 * 4 + 4)) + 4 + (12 + 4 * (4 * 3 + 3)) + 4;

bool same_bits(std::span<const float> a, std::span<const float> b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size_bytes()) == 0;
}

}  // namespace

TEST_CASE("a saved network loads back bit for bit", "[model-file]") {
  TemporaryFolder dir;
  nn::Network network = small_network();
  nn::save_model(network, dir / "model.nn");
  nn::Network loaded = nn::load_model(dir / "model.nn");
  REQUIRE(loaded.layers.size() == network.layers.size());
  for (std::size_t l = 0; l < network.layers.size(); ++l) {
    REQUIRE(loaded.layers[l].index() == network.layers[l].index());
    if (const auto* dense = std::get_if<nn::Dense>(&network.layers[l])) {
      const auto& copy = std::get<nn::Dense>(loaded.layers[l]);
      CHECK(same_bits(copy.weight.values(), dense->weight.values()));
      CHECK(same_bits(copy.bias.values(), dense->bias.values()));
    } else {
      CHECK(std::get<nn::Activation>(loaded.layers[l]).kind == std::get<nn::Activation>(network.layers[l]).kind);
    }
  }
  CHECK(read_bytes(dir / "model.nn").size() == kSize);
  nn::save_model(loaded, dir / "again.nn");
  CHECK(read_bytes(dir / "again.nn") == read_bytes(dir / "model.nn"));
  CHECK_FALSE(std::filesystem::exists(dir / "model.nn.partial"));
}

TEST_CASE("every activation kind survives the round trip", "[model-file]") {
  for (nn::ActivationKind kind : {nn::ActivationKind::relu, nn::ActivationKind::sigmoid, nn::ActivationKind::tanh}) {
    nn::Rng rng(1);
    const nn::Network network = nn::make_mlp({3, 2, 2}, kind, nn::Init::xavier, rng);
    const auto bytes = saved_bytes(network);
    const nn::Network loaded = nn::parse_model(bytes.data(), bytes.size(), "m");
    CHECK(std::get<nn::Activation>(loaded.layers[1]).kind == kind);
  }
}

TEST_CASE("a model file cut short anywhere is refused, naming the file", "[model-file][bad-input]") {
  const auto bytes = saved_bytes(small_network());
  REQUIRE(bytes.size() == kSize);
  for (std::size_t length = 0; length < bytes.size(); ++length) {
    const std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(length));
    INFO("cut to " << length << " bytes");
    CHECK_THAT(parse_error(cut), Contains("model.nn: "));
  }
  const auto cut_to = [&](std::size_t length) {
    return parse_error({bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(length)});
  };
  CHECK_THAT(cut_to(0), Contains("not a model file"));
  CHECK_THAT(cut_to(10), Contains("ends before the version"));
  CHECK_THAT(cut_to(14), Contains("ends before the layer count"));
  CHECK_THAT(cut_to(18), Contains("ends before the layer kind"));
  CHECK_THAT(cut_to(22), Contains("ends before the layer inputs"));
  CHECK_THAT(cut_to(26), Contains("ends before the layer outputs"));
  CHECK_THAT(cut_to(40), Contains("truncated: layer 1 needs 96 bytes"));
  CHECK_THAT(cut_to(kSize - 2), Contains("layer 3 needs 60 bytes"));
  auto longer = bytes;
  longer.push_back(0);
  CHECK_THAT(parse_error(longer), Contains("5 bytes after the last layer"));
}

TEST_CASE("foreign, empty and other-version files are refused", "[model-file][bad-input]") {
  auto bytes = saved_bytes(small_network());
  CHECK_THAT(parse_error(test_files::image_file(1, 2, 2, {1, 2, 3, 4})), Contains("not a model file"));
  CHECK_THAT(parse_error({}), Contains("not a model file"));
  auto version = bytes;
  put_u32(version, kVersion, 2);
  reseal(version);
  CHECK_THAT(parse_error(version), Contains("model format version 2; this build reads version 1"));
  put_u32(version, kVersion, 0);
  CHECK_THAT(parse_error(version), Contains("version 0"));
}

TEST_CASE("a model file with impossible sizes is refused before allocating", "[model-file][bad-input]") {
  const auto bytes = saved_bytes(small_network());
  const auto with = [&](std::size_t offset, std::uint32_t value) {
    auto changed = bytes;
    put_u32(changed, offset, value);
    reseal(changed);
    return parse_error(changed);
  };
  CHECK_THAT(with(kLayerCount, 0), Contains("0 layers; expected 1–64"));
  CHECK_THAT(with(kLayerCount, 0xFFFFFFFF), Contains("4294967295 layers"));
  CHECK_THAT(with(kFirstKind, 9), Contains("layer 1 has kind 9"));
  CHECK_THAT(with(kFirstInputs, 0), Contains("layer 1 is 0×4"));
  CHECK_THAT(with(kFirstInputs + 4, 70000), Contains("layer 1 is 5×70000"));
  // 65,536 × 4 weights, a megabyte that the file does not hold: refused from its length.
  CHECK_THAT(with(kFirstInputs, 65536), Contains("needs"));
  // The second dense layer must take the first one's outputs.
  const std::size_t second_inputs = kFirstWeights + 4 * (5 * 4 + 4) + 4 + 4;
  CHECK_THAT(with(second_inputs, 5), Contains("layer 3 takes 5 inputs but the layer before gives 4"));
}

TEST_CASE("a model file holding NaN or infinity is refused", "[model-file][bad-input]") {
  for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
    auto bytes = saved_bytes(small_network());
    put_u32(bytes, kFirstWeights + 4 * 3, std::bit_cast<std::uint32_t>(bad));
    reseal(bytes);
    CHECK_THAT(parse_error(bytes), Contains("layer 1's weights holds") && Contains("at byte 40") &&
                                       Contains("expected finite numbers"));
  }
}

TEST_CASE("a damaged model file fails its checksum", "[model-file][bad-input]") {
  auto bytes = saved_bytes(small_network());
  bytes[kFirstWeights + 1] ^= 0x01;  // a weight that is still a finite number
  CHECK_THAT(parse_error(bytes), Contains("checksum mismatch"));
}

TEST_CASE("load_model names a missing path, a directory and an empty file", "[model-file][bad-input]") {
  TemporaryFolder dir;
  CHECK_THAT(error_of([&] { nn::load_model(dir / "missing.nn"); }), Contains("missing.nn: no such file"));
  CHECK_THAT(error_of([&] { nn::load_model(dir.path()); }), Contains("is a directory"));
  test_files::write(dir / "empty.nn", {});
  CHECK_THAT(error_of([&] { nn::load_model(dir / "empty.nn"); }), Contains("empty.nn: not a model file"));
}

TEST_CASE("a model of other shapes than the program expects is refused", "[model-file][bad-input]") {
  const nn::Network network = small_network();
  CHECK_NOTHROW(nn::require_shape(network, 5, 3, "model.nn"));
  CHECK_THAT(error_of([&] { nn::require_shape(network, 784, 10, "model.nn"); }),
             Contains("model.nn: a network of 5 inputs and 3 outputs; expected 784 inputs and 10 outputs"));
}

TEST_CASE("a save that fails leaves the last good model whole", "[model-file][bad-input]") {
  TemporaryFolder dir;
  const nn::Network good = small_network(1), other = small_network(2);
  const auto path = dir / "model.nn";
  nn::save_model(good, path);
  const auto good_bytes = read_bytes(path);

  SECTION("a new save replaces the old file whole") {
    nn::save_model(other, path);
    CHECK(read_bytes(path) == saved_bytes(other));
    CHECK_FALSE(std::filesystem::exists(dir / "model.nn.partial"));
  }
  SECTION("the temporary cannot be written") {
    std::filesystem::create_directory(dir / "model.nn.partial");  // fails even for root
    CHECK_THAT(error_of([&] { nn::save_model(other, path); }), Contains("model.nn: cannot be written"));
    CHECK(read_bytes(path) == good_bytes);
  }
  SECTION("the folder is not writable") {
    if (::geteuid() == 0) {
      WARN("running as root, which writes into any folder: this section checks nothing here");
    } else {
      std::filesystem::permissions(dir.path(), std::filesystem::perms::owner_write, std::filesystem::perm_options::remove);
      CHECK_THAT(error_of([&] { nn::save_model(other, path); }), Contains("cannot be written"));
      std::filesystem::permissions(dir.path(), std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
      CHECK(read_bytes(path) == good_bytes);
    }
  }
  SECTION("the target is a folder, which a file cannot replace") {
    std::filesystem::create_directory(dir / "folder.nn");
    CHECK_THAT(error_of([&] { nn::save_model(other, dir / "folder.nn"); }),
               Contains("folder.nn: is not a regular file"));
    CHECK(std::filesystem::is_directory(dir / "folder.nn"));
    CHECK_FALSE(std::filesystem::exists(dir / "folder.nn.partial"));
  }
  SECTION("a file that is not a model is never replaced") {
    const auto notes = dir / "notes.txt";
    std::ofstream(notes) << "a reader's notes, not a model";
    const auto notes_bytes = read_bytes(notes);
    CHECK_THAT(error_of([&] { nn::save_model(other, notes); }),
               Contains("notes.txt: exists and is not a model file") && Contains("refusing to replace it"));
    CHECK(read_bytes(notes) == notes_bytes);
    CHECK_NOTHROW(nn::check_model_destination(path));  // a model file may be replaced
  }
  SECTION("the parent is a file") {
    CHECK_THAT(error_of([&] { nn::save_model(other, path / "model.nn"); }), Contains("cannot be written"));
    CHECK(read_bytes(path) == good_bytes);
  }
}
