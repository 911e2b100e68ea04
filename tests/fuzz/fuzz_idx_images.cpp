// libFuzzer target: arbitrary bytes as an IDX image file, raw or gzip. The reader
// may refuse them only with nn::DataError; anything else (another exception, a
// crash, a sanitizer finding, a hang, a huge allocation) is a finding.
#include <cstdint>

#include "input_file.hpp"
#include "mnist.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& path = fuzz::write_input(data, size);
  try {
    const nn::IdxImages images = nn::read_idx_images(path);
    if (images.count == 0 || images.pixels.size() != images.count * images.rows * images.cols) std::abort();
  } catch (const nn::DataError&) {
  }
  return 0;
}
