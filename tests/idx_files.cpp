#include "idx_files.hpp"

#include <atomic>
#include <fstream>
#include <random>
#include <string>

#include <boost/iostreams/copy.hpp>
#include <boost/iostreams/device/back_inserter.hpp>
#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filtering_stream.hpp>

namespace test_files {
namespace fs = std::filesystem;

TemporaryFolder::TemporaryFolder() {
  std::random_device entropy;
  path_ = fs::temp_directory_path() / ("nn-book-test-" + std::to_string(entropy()) + std::to_string(entropy()));
  fs::create_directories(path_);
}

TemporaryFolder::~TemporaryFolder() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

std::vector<std::uint8_t> idx_bytes(const std::vector<std::uint32_t>& header, const std::vector<std::uint8_t>& payload) {
  std::vector<std::uint8_t> bytes;
  for (std::uint32_t field : header)
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<std::uint8_t>(field >> shift));
  bytes.insert(bytes.end(), payload.begin(), payload.end());
  return bytes;
}

std::vector<std::uint8_t> image_file(std::uint32_t count, std::uint32_t rows, std::uint32_t cols,
                                     const std::vector<std::uint8_t>& pixels) {
  return idx_bytes({2051, count, rows, cols}, pixels);
}

std::vector<std::uint8_t> label_file(const std::vector<std::uint8_t>& labels) {
  return idx_bytes({2049, static_cast<std::uint32_t>(labels.size())}, labels);
}

void write(const fs::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

std::vector<std::uint8_t> gzip(const std::vector<std::uint8_t>& bytes) {
  std::vector<char> compressed;
  {
    boost::iostreams::filtering_ostream out;
    out.push(boost::iostreams::gzip_compressor());
    out.push(boost::iostreams::back_inserter(compressed));
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  return {compressed.begin(), compressed.end()};
}

void write_gzip(const fs::path& path, const std::vector<std::uint8_t>& bytes) { write(path, gzip(bytes)); }

}  // namespace test_files
