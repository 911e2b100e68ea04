// What the fuzz targets share: each input is written to one temporary file, so
// that the IDX reader meets it as it meets a reader's file (open, size, gzip or not).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace fuzz {

inline const std::filesystem::path& input_path() {
  static const std::filesystem::path path = [] {
    const std::filesystem::path dir = std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp";
    return dir / ("nn-book-fuzz-" + std::to_string(::getpid()));
  }();
  return path;
}

inline const std::filesystem::path& write_input(const std::uint8_t* data, std::size_t size) {
  std::ofstream file(input_path(), std::ios::binary | std::ios::trunc);
  file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!file.flush()) std::abort();  // the harness itself failed, not the reader
  return input_path();
}

}  // namespace fuzz
