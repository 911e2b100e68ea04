// Small IDX files that the tests write for themselves, raw or gzipped.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace test_files {

/// A fresh empty folder under the system's temporary folder, removed on destruction.
class TemporaryFolder {
 public:
  TemporaryFolder();
  ~TemporaryFolder();
  TemporaryFolder(const TemporaryFolder&) = delete;
  TemporaryFolder& operator=(const TemporaryFolder&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

/// The bytes of an IDX file: the big-endian header fields, then the payload.
std::vector<std::uint8_t> idx_bytes(const std::vector<std::uint32_t>& header,
                                    const std::vector<std::uint8_t>& payload);
/// An image file: magic 2051, count, rows, cols, then the pixels.
std::vector<std::uint8_t> image_file(std::uint32_t count, std::uint32_t rows, std::uint32_t cols,
                                     const std::vector<std::uint8_t>& pixels);
/// A label file: magic 2049, count, then the labels.
std::vector<std::uint8_t> label_file(const std::vector<std::uint8_t>& labels);

void write(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes);
/// Writes `bytes` gzip-compressed.
void write_gzip(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes);
std::vector<std::uint8_t> gzip(const std::vector<std::uint8_t>& bytes);

}  // namespace test_files
