// libFuzzer target: arbitrary bytes as a model file. nn::parse_model may refuse
// them only with nn::ModelFileError; a network it accepts must chain its shapes
// and run a forward pass.
#include <cstdint>
#include <cstdlib>
#include <variant>

#include "model_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    nn::Network network = nn::parse_model(data, size, "fuzz input");
    nn::Tensor input(2, network.inputs());
    const nn::ConstTensorView logits = network.forward(input);
    if (logits.rows() != 2 || logits.cols() != network.outputs()) std::abort();
  } catch (const nn::ModelFileError&) {
  }
  return 0;
}
