// Chapter 15's program: part two's components put together. A ladder of runs
// on one short budget, each adding one component (a better update rule and a
// schedule, then regularisation, then augmentation), and then the recipe's
// headline run on the full budget, which is saved, loaded back and compared
// with the literature; the same recipe on Fashion-MNIST.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cmath>
#include <iostream>
#include <optional>

#include <gnuplot-iostream.h>

#include "augmentation.hpp"
#include "dropout.hpp"
#include "experiment.hpp"
#include "figure.hpp"
#include "minibatch.hpp"
#include "model_file.hpp"
#include "optimisers.hpp"
#include "regularisation.hpp"

namespace {

using nn::Tensor;

// [recipe]
// Everything that decides a run, besides the data.
struct Recipe {
  std::string name;
  std::vector<std::size_t> hidden = {800, 800};  // widths of the hidden layers, each followed by a ReLU
  std::size_t epochs = 10;
  std::size_t batch_size = 128;
  float learning_rate = 0.05f;     // η: constant for plain descent, the schedule's peak otherwise
  bool momentum = false;           // Nesterov momentum μ = 0.9 and warm-up then cosine decay (chapter 12)
  float weight_decay = 0;          // λ of decoupled weight decay (chapter 13); 0: none
  float dropout = 0;               // rate of a dropout layer after every hidden ReLU (chapter 13); 0: none
  nn::AugmentSettings augment{};   // the distortions of every training batch (chapter 14); all 0: none
  std::uint64_t seed = 1;          // of the initial weights, the batch order, the masks and the distortions
};

bool augments(const nn::AugmentSettings& a) {
  return a.max_shift > 0 || a.max_rotation > 0 || a.max_scale > 0 || a.max_shear > 0 || a.elastic_alpha > 0;
}

// 784 → hidden … → 10: dense layers with He initialisation, a ReLU after each
// hidden one, and a dropout layer after that ReLU when the recipe asks for one.
nn::Network build_network(const Recipe& recipe, std::size_t inputs) {
  nn::Rng rng(recipe.seed);
  nn::Network network;
  std::size_t width = inputs;
  for (std::size_t l = 0; l <= recipe.hidden.size(); ++l) {
    const std::size_t outputs = l < recipe.hidden.size() ? recipe.hidden[l] : nn::kClasses;
    nn::Dense dense(width, outputs);
    nn::initialise(dense, nn::Init::he, rng);
    network.layers.emplace_back(std::move(dense));
    if (l < recipe.hidden.size()) {
      network.layers.emplace_back(nn::Activation{nn::ActivationKind::relu});
      if (recipe.dropout > 0)
        network.layers.emplace_back(nn::Dropout({.rate = recipe.dropout, .seed = recipe.seed * 1000 + l}));
    }
    width = outputs;
  }
  return network;
}

// Trains a network by the recipe; `network` is the trained result.
nn::History train_recipe(const Recipe& recipe, nn::Network& network, const nn::MnistParts& data,
                         nn::Progress* progress) {
  network = build_network(recipe, data.train.images.cols());
  const std::size_t steps_per_epoch = (data.train.size() + recipe.batch_size - 1) / recipe.batch_size;
  const std::size_t updates = recipe.epochs * steps_per_epoch;
  // The rule is built from the inside out: the step (plain or Nesterov), the
  // decay around it, and the schedule around both, so that the decay, too,
  // shrinks the weights by the scheduled η.
  nn::GradientDescent plain;
  nn::Momentum nesterov({.momentum = 0.9f, .nesterov = true});
  nn::Optimiser& step = recipe.momentum ? static_cast<nn::Optimiser&>(nesterov) : plain;
  nn::DecoupledWeightDecay decayed(recipe.weight_decay, step);
  nn::Optimiser& regularised = recipe.weight_decay > 0 ? static_cast<nn::Optimiser&>(decayed) : step;
  // With momentum: warm up over the first epoch (a fifth of a shorter run), then
  // a cosine down to zero at the last update.
  const std::size_t warmup = std::max<std::size_t>(1, std::min(steps_per_epoch, updates / 5));
  nn::Scheduled rule(regularised, recipe.momentum
                                      ? nn::warmup_cosine({.warmup = warmup, .length = updates, .floor = 0})
                                      : nn::Schedule([](std::size_t) { return 1.0f; }));
  nn::MiniBatchSettings settings{.epochs = recipe.epochs, .batch_size = recipe.batch_size,
                                 .learning_rate = recipe.learning_rate, .seed = recipe.seed, .rule = &rule};
  if (augments(recipe.augment))
    settings.transform = [augment = recipe.augment](nn::TensorView images, nn::Rng& rng) {
      nn::augment(images, augment, rng);
    };
  return nn::train_mini_batch(network, data.train, data.validation, settings, progress);
}
// [recipe]

// [ladder]
// One rung of the ladder: a recipe tried at each learning rate of its grid for
// the same epochs from the same start, the rate with the best validation
// accuracy after the last epoch kept. The test set plays no part in the choice.
struct Rung {
  Recipe recipe;                        // with the chosen η
  std::vector<std::pair<float, double>> tried;  // (η, validation accuracy after the last epoch)
  nn::History history;                  // of the chosen η's run
  nn::Network network;                  // trained at the chosen η
  nn::Evaluation test;                  // of the chosen model only
};

// On Ctrl-C: draws the curves of the run that was stopped, if it finished an
// epoch, and stops the program saying where they are.
void keep_and_stop(const figures::Report& report, const nn::History& history, const std::string& during);

Rung climb(Recipe recipe, const std::vector<float>& rates, const nn::MnistParts& data,
           const figures::Report& report) {
  Rung rung;
  for (float learning_rate : rates) {
    recipe.learning_rate = learning_rate;
    nn::Network network;
    nn::Progress progress(std::cout, recipe.name + ", η " + nn::human(learning_rate), recipe.epochs);
    nn::History history = train_recipe(recipe, network, data, &progress);
    if (history.empty()) keep_and_stop(report, rung.history, "during the ladder's rung " + recipe.name);  // Ctrl-C
    rung.tried.emplace_back(learning_rate, history.back().validation.accuracy);
    if (rung.history.empty() || history.back().validation.accuracy > rung.history.back().validation.accuracy) {
      rung.recipe = recipe;
      rung.history = std::move(history);
      rung.network = std::move(network);
    }
    if (nn::stop_requested()) keep_and_stop(report, rung.history, "during the ladder's rung " + recipe.name);
  }
  rung.test = nn::evaluate(rung.network, data.test);
  return rung;
}
// [ladder]

std::string percent(double fraction) { return figures::fixed(100 * fraction, 2); }

// Validation accuracy (and training loss) against epochs for the headline run.
void draw_learning_curves(const figures::Report& report, const nn::History& history, const std::string& name) {
  std::vector<std::pair<double, double>> error, loss;
  for (const nn::EpochRecord& r : history) {
    error.emplace_back(r.epoch, 100 * (1 - r.validation.accuracy));
    loss.emplace_back(r.epoch, r.train_loss);
  }
  figures::Figure figure(report.figure_path(name));
  figure.gnuplot() << "set xlabel 'epoch'\nset ylabel 'validation error (%), log scale'\nset logscale y\n"
                   << "set ytics (0.5, 0.7, 1, 1.5, 2, 3, 5, 10)\nset y2label 'training loss (distorted images)'\n"
                   << "set y2tics\nset ytics nomirror\nset y2range [0:*]\nset key top right opaque\n"
                   << "plot '-' with lines linewidth 2 title 'validation error', "
                   << "'-' axes x1y2 with lines title 'training loss'\n";
  figure.gnuplot().send1d(error);
  figure.gnuplot().send1d(loss);
  figure.finish();
}

void keep_and_stop(const figures::Report& report, const nn::History& history, const std::string& during) {
  if (history.empty()) throw nn::Interrupted("stopped " + during + " before an epoch ended; nothing to keep");
  draw_learning_curves(report, history, "curves.svg");
  throw nn::Interrupted("stopped " + during + "; the curves of its " + std::to_string(history.size()) +
                        " epochs are in " + report.figure_path("curves.svg").string());
}

}  // namespace

int main(int argc, char** argv) {
  nn::CommonFlags flags;
  std::uint64_t epochs = 40, ladder_epochs = 2, fashion_epochs = 5, seed = 1;
  std::vector<std::uint64_t> hidden = {800, 800};
  std::filesystem::path model_path, fashion_dir = "/usr/share/datasets/fashion-mnist";
  nn::po::options_description options("Options");
  nn::Flags(options)
      .data(flags)
      .out(flags)
      .count("epochs", epochs, 1, 10'000, "epochs of the headline run")
      .count("ladder-epochs", ladder_epochs, 1, 10'000, "epochs of every run of the ladder")
      .count("fashion-epochs", fashion_epochs, 0, 10'000, "epochs of the Fashion-MNIST run (0: none)")
      .counts("hidden", hidden, 1, 65'536, "widths of the hidden layers (default 800 800)")
      .count("seed", seed, 0, UINT64_MAX, "seed of the initial weights, the order, the masks and the distortions")
      .path("model", model_path, "where to save the headline model (default: OUT/ch15_model.nnsc)")
      .path("fashion-data", fashion_dir, "Fashion-MNIST's IDX files (default: Debian's dataset-fashion-mnist)");
  return nn::run_program(argc, argv, "chapter 15, part two put together: the best MLP in three minutes", options, [&] {
    figures::Report report(flags.out_dir, "ch15", flags.check_claims);
    if (model_path.empty()) model_path = flags.out_dir / "ch15_model.nnsc";
    nn::check_model_destination(model_path);  // before training, not after it
    const nn::MnistParts data = nn::load_mnist_parts(flags.data_dir, 10'000);

    // [rungs]
    // The ladder: each rung adds one component to the one before, on the same
    // short budget from the same start.
    Recipe plain{.name = "plain descent", .hidden = {hidden.begin(), hidden.end()}, .epochs = ladder_epochs,
                 .seed = seed};
    Rung rung1 = climb(plain, {0.05f, 0.1f}, data, report);
    Recipe optimised = plain;
    optimised.name = "+ Nesterov momentum, warm-up and cosine";
    optimised.momentum = true;
    Rung rung2 = climb(optimised, {0.01f, 0.02f}, data, report);
    Recipe regularised = rung2.recipe;  // the η rung 2 chose
    regularised.name = "+ weight decay";
    regularised.weight_decay = 5e-4f;
    Rung rung3 = climb(regularised, {regularised.learning_rate}, data, report);
    Recipe augmented = rung3.recipe;
    augmented.name = "+ augmentation";
    augmented.augment = {
        .max_shift = 1.5f, .max_rotation = 6, .max_scale = 0.06f, .elastic_alpha = 20, .elastic_sigma = 4};
    Rung rung4 = climb(augmented, {augmented.learning_rate}, data, report);
    // [rungs]
    const std::vector<const Rung*> rungs = {&rung1, &rung2, &rung3, &rung4};

    std::vector<std::vector<std::string>> ladder_rows;
    std::string gains;  // what each rung bought, in words, from the numbers
    for (std::size_t k = 1; k < rungs.size(); ++k) {
      const double gain = 100 * (rungs[k]->history.back().validation.accuracy -
                                 rungs[k - 1]->history.back().validation.accuracy);
      const std::string what = rungs[k]->recipe.name.substr(2);  // without the "+ "
      gains += std::string(k == 1 ? "" : k + 1 == rungs.size() ? ", and " : ", ") + what +
               (std::abs(gain) < 0.05 ? " made less than a twentieth of a point of difference"
                : gain > 0             ? " bought " + figures::fixed(gain, 2) + " points"
                                       : " cost " + figures::fixed(-gain, 2) + " points");
    }
    report.number("ladder_words", gains);
    for (const Rung* r : rungs) {
      std::string tried;
      for (const auto& [rate, accuracy] : r->tried)
        tried += (tried.empty() ? "" : ", ") + nn::human(rate) + (r->tried.size() > 1 ? " (" + percent(accuracy) + ")" : "");
      const double below = r == rungs.front() ? 0 : (*(std::ranges::find(rungs, r) - 1))->history.back().validation.accuracy;
      ladder_rows.push_back({r->recipe.name, tried, nn::human(r->recipe.learning_rate),
                             percent(r->history.back().validation.accuracy), percent(r->test.accuracy),
                             figures::fixed(r->history.back().seconds, 1),
                             r == rungs.front() ? "" : figures::fixed(100 * (r->history.back().validation.accuracy - below), 2)});
    }
    report.table("ladder", {"rung", "η tried (validation %)", "chosen η", "validation accuracy (%)",
                            "test accuracy (%)", "training seconds", "validation points over the rung below"},
                 ladder_rows);

    // [headline]
    // The headline run: the last rung's recipe, on the full budget.
    Recipe best = rung4.recipe;
    best.name = "the recipe";
    best.epochs = epochs;
    nn::Network network;
    nn::Progress progress(std::cout, "the recipe", best.epochs);
    const std::clock_t processor_start = std::clock();  // both threads' time: a busy machine does not inflate it
    const nn::History history = train_recipe(best, network, data, &progress);
    const double processor_seconds = static_cast<double>(std::clock() - processor_start) / CLOCKS_PER_SEC;
    // [headline]
    if (!history.empty()) nn::save_model(network, model_path);
    if (nn::stop_requested())
      keep_and_stop(report, history, "during the headline run (its model so far is saved in " + model_path.string() + ")");
    const nn::Evaluation test = nn::evaluate(network, data.test);
    const double seconds = history.back().seconds;
    const std::vector<std::uint8_t> predictions = nn::predict(network, data.test.images);
    const nn::Network loaded = nn::load_model(model_path);
    const bool same_predictions = nn::predict(loaded, data.test.images) == predictions;
    std::cout << "the recipe: test accuracy " << percent(test.accuracy) << "% after " << figures::fixed(seconds, 1)
              << " s of training; saved to " << model_path.string() << '\n';

    report.number("widths", nn::widths_string(network));
    report.number("parameters", figures::with_thousands(nn::parameter_count(network)));
    report.number("ladder_epochs", std::to_string(ladder_epochs));
    report.number("epochs", std::to_string(epochs));
    report.number("batch_size", std::to_string(best.batch_size));
    report.number("learning_rate", nn::human(best.learning_rate));
    report.number("weight_decay", nn::human(best.weight_decay));
    report.number("max_shift", figures::fixed(best.augment.max_shift, 1));
    report.number("max_rotation", figures::fixed(best.augment.max_rotation, 0));
    report.number("max_scale", figures::fixed(100 * best.augment.max_scale, 0));
    report.number("elastic_alpha", figures::fixed(best.augment.elastic_alpha, 0));
    report.number("elastic_sigma", figures::fixed(best.augment.elastic_sigma, 0));
    report.number("test_accuracy", percent(test.accuracy));
    report.number("test_error", percent(1 - test.accuracy));
    report.number("test_standard_error",
                  figures::fixed(100 * std::sqrt(test.accuracy * (1 - test.accuracy) / data.test.size()), 2));
    {  // The recipe's test error against each figure of the literature's table, in words.
      const double error = 100 * (1 - test.accuracy);
      std::string below, above;
      for (const auto& [figure, who] : std::vector<std::pair<double, std::string>>{
               {1.6, "Simard's 1.6% without distortions"}, {1.1, "Simard's 1.1% with affine ones"},
               {0.95, "Srivastava's best dropout MLP's 0.95%"}, {0.7, "Simard's 0.7% with elastic ones"},
               {0.35, "Cireşan's 0.35%"}})
        (error < figure ? below : above) += (error < figure ? below : above).empty() ? who : ", " + who;
      report.number("literature_words", (below.empty() ? "" : "below " + below) +
                                            (below.empty() || above.empty() ? "" : "; and above ") +
                                            (above.empty() ? "" : (below.empty() ? "above " : "") + above));
    }
    report.number("validation_accuracy", percent(history.back().validation.accuracy));
    report.number("training_seconds", figures::fixed(seconds, 0));
    report.number("training_minutes", figures::fixed(seconds / 60, 1));
    report.number("processor_seconds", figures::fixed(processor_seconds, 0));
    report.number("seconds_per_epoch", figures::fixed(seconds / static_cast<double>(history.size()), 2));
    report.number("test_mistakes", std::to_string(std::count_if(predictions.begin(), predictions.end(),
                                                               [&, n = std::size_t{0}](std::uint8_t p) mutable {
                                                                 return p != data.test.labels[n++];
                                                               })));
    report.claim("the recipe reaches at least 99.0% on the test set", test.accuracy >= 0.99,
                 "test accuracy " + percent(test.accuracy) + " %");
    report.claim("its training takes at most 3 minutes of this machine's two cores (processor time at most "
                 "2 × 180 s, which other programs on the machine do not inflate as they do the wall clock)",
                 processor_seconds <= 2 * 180,
                 figures::fixed(processor_seconds, 0) + " s of processor time, " + figures::fixed(seconds, 0) +
                     " s on the wall clock");
    report.claim("the model loaded back from its file predicts every test image as the trained one does",
                 same_predictions, same_predictions ? "all 10,000 the same" : "some differ");
    report.claim("the training loss on the distorted images ends above the validation loss on clean ones",
                 history.back().train_loss > history.back().validation.loss,
                 "training " + figures::fixed(history.back().train_loss, 4) + ", validation " +
                     figures::fixed(history.back().validation.loss, 4));
    report.claim("the headline run, on the full budget, beats every rung of the short ladder on validation",
                 std::ranges::all_of(rungs, [&](const Rung* r) {
                   return history.back().validation.accuracy > r->history.back().validation.accuracy;
                 }),
                 "validation " + percent(history.back().validation.accuracy) + " % against the last rung's " +
                     percent(rung4.history.back().validation.accuracy) + " %");
    draw_learning_curves(report, history, "curves.svg");
    nn::draw_mistakes(report, data.test, nn::confident_mistakes(network, data.test));

    // [fashion]
    // The recipe on Fashion-MNIST, on a shorter budget, with and without the
    // distortions chosen for digits; Fashion-MNIST's own validation split picks.
    if (fashion_epochs > 0 && std::filesystem::exists(fashion_dir)) {
      const nn::MnistParts fashion = nn::load_mnist_parts(fashion_dir, 10'000);
      Recipe clothes = best;
      clothes.name = "the recipe on Fashion-MNIST";
      clothes.epochs = fashion_epochs;
      Recipe plain_clothes = clothes;
      plain_clothes.name = "the recipe on Fashion-MNIST, without distortions";
      plain_clothes.augment = {};
      Rung distorted = climb(clothes, {clothes.learning_rate}, fashion, report);
      Rung undistorted = climb(plain_clothes, {clothes.learning_rate}, fashion, report);
      const double distorted_validation = distorted.history.back().validation.accuracy;
      const double undistorted_validation = undistorted.history.back().validation.accuracy;
      const Rung& chosen = distorted_validation > undistorted_validation ? distorted : undistorted;
      // [fashion]
      report.number("fashion_ran", "In this build");
      report.number("fashion_epochs", std::to_string(fashion_epochs));
      report.number("fashion_distorted_validation", percent(distorted_validation));
      report.number("fashion_undistorted_validation", percent(undistorted_validation));
      report.number("fashion_choice", &chosen == &distorted ? "with the distortions" : "without the distortions");
      report.number("fashion_test_accuracy", percent(chosen.test.accuracy));
      report.number("fashion_seconds", figures::fixed(chosen.history.back().seconds, 0));
      report.claim("on Fashion-MNIST the chosen run beats the 87% of the scikit-learn MLP baselines",
                   chosen.test.accuracy > 0.87, "test accuracy " + percent(chosen.test.accuracy) + " %");
    } else {
      report.number("fashion_ran", "This build found no Fashion-MNIST, so it has no numbers here");
      report.number("fashion_epochs", std::to_string(fashion_epochs));
      for (const char* name : {"fashion_distorted_validation", "fashion_undistorted_validation",
                               "fashion_test_accuracy", "fashion_seconds"})
        report.number(name, "—");
      report.number("fashion_choice", "neither");
    }
    report.finish();
  });
}
