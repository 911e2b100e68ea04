// What the training programs of chapters 7–10 share: the data in its three
// parts, the network's flags, and a drawing of a training history.
#pragma once

#include <filesystem>
#include <string>

#include "program.hpp"
#include "report.hpp"
#include "training.hpp"

namespace nn {

/// MNIST in the three parts every training chapter uses.
struct MnistParts {
  Dataset train;       // what the network learns from
  Dataset validation;  // held out of the training file, watched during training
  Dataset test;        // the 10,000 test images, looked at only at the end
};
MnistParts load_mnist_parts(const std::filesystem::path& dir, std::size_t validation_size);

/// The network's shape and its random start.
struct NetworkFlags {
  std::uint64_t hidden = 128;
  std::string activation = "relu";
  std::uint64_t seed = 1;
  std::uint64_t validation = 10000;
};
void add_network_flags(po::options_description& options, NetworkFlags& flags);
/// inputs-hidden-10 with the flags' activation, He initialisation for ReLU and
/// Xavier otherwise, drawn from a generator seeded with the flags' seed.
Network make_network(const NetworkFlags& flags, std::size_t inputs);

/// Draws the training and validation loss and the validation accuracy of
/// every record into the figure `name` of the report, against `epoch` (a
/// record of epoch 0, the untrained network, is drawn too).
void draw_history(const figures::Report& report, const std::string& name, const History& history);

/// The untrained network's record: epoch 0, no updates, its loss on `train`
/// and its evaluation on `validation`.
EpochRecord initial_record(Network& network, const Dataset& train, const Dataset& validation);

/// Copies side×side images (rows of `images`) into one picture of `per_row`
/// columns, with `gap` blank pixels right of each image and `below` under it.
Tensor tile(ConstTensorView images, std::size_t side, std::size_t per_row, std::size_t gap = 2,
            std::size_t below = 2);
/// Draws a picture (a matrix of shades, row 0 at the top) with the given
/// gnuplot palette and colour range, and optional `set label` lines.
void draw_picture(const std::filesystem::path& file, const Tensor& picture, int width, int height,
                  const std::string& palette, const std::string& range, const std::string& labels = "");

/// A test image the model got wrong.
struct Mistake {
  std::size_t index = 0;
  std::uint8_t label = 0, predicted = 0;
  float confidence = 0;  // the probability the model gave its wrong answer
};
/// The images of `data` the model gets wrong, most confident first.
std::vector<Mistake> confident_mistakes(const Network& network, const Dataset& data);
/// Draws the first 16 mistakes into the figure "mistakes.png" of the report,
/// each with "true → predicted" and the probability under it.
void draw_mistakes(const figures::Report& report, const Dataset& data, const std::vector<Mistake>& mistakes);

/// The layer widths of a network, "784-128-10".
std::string widths_string(const Network& network);


}  // namespace nn
