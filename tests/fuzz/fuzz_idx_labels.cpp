// libFuzzer target: arbitrary bytes as an IDX label file, raw or gzip. The reader
// may refuse them only with nn::DataError, and every label it accepts is 0–9.
#include <cstdint>

#include "input_file.hpp"
#include "mnist.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& path = fuzz::write_input(data, size);
  try {
    const nn::IdxLabels labels = nn::read_idx_labels(path);
    if (labels.labels.empty()) std::abort();
    for (std::uint8_t label : labels.labels)
      if (label >= nn::kClasses) std::abort();
  } catch (const nn::DataError&) {
  }
  return 0;
}
