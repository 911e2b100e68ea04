// Chapter 10's program: the three ways to descend, compared from the same start
// on one budget; then the best model looked at closely, saved and loaded back.
#include <algorithm>
#include <functional>
#include <iostream>
#include <numeric>
#include <chrono>

#include <gnuplot-iostream.h>

#include "experiment.hpp"
#include "figure.hpp"
#include "model_file.hpp"
#include "softmax_cross_entropy.hpp"
#include "stochastic.hpp"

namespace {

using nn::ConstTensorView;
using nn::Tensor;

// One learning rate tried for one variant: how its run went on the validation set.
struct Trial {
  float learning_rate = 0;
  double final_accuracy = 0;  // validation accuracy after the last epoch: what chooses the rate
  std::size_t best_epoch = 0;  // the epoch of the highest validation accuracy
  double best_accuracy = 0;
};

struct Variant {
  std::string name;
  std::vector<Trial> trials;  // one per learning rate of the grid
  float learning_rate = 0;    // the rate chosen on the validation set
  nn::History history;        // of the chosen rate's run
  nn::Network network;        // trained at the chosen rate
  nn::Evaluation test;        // measured once, for the chosen model only
};

struct Budget {
  std::size_t epochs = 10;
  std::size_t batch_size = 64;
  float decay = 0.8f;
  // The learning rates tried for each variant, each twice the one before.
  std::vector<float> full_batch_rates = {0.125f, 0.25f, 0.5f}, mini_batch_rates = {0.1f, 0.2f, 0.4f},
                     stochastic_rates = {0.01f, 0.02f, 0.04f};
};

// [compare]
// Trains copies of one initial network, each variant at every learning rate of
// its grid and for the same number of epochs (every variant sees every
// training image equally often, and computes as many per-image gradients),
// and keeps, per variant, the run with the best validation accuracy after the
// last epoch. The test set plays no part in the choice.
using Train = std::function<nn::History(nn::Network&, float learning_rate)>;

Variant tune(const std::string& name, const nn::Network& start, const std::vector<float>& rates, const Train& train) {
  Variant variant;
  variant.name = name;
  for (float learning_rate : rates) {
    nn::Network network = start;
    nn::History history = train(network, learning_rate);
    if (history.empty()) break;  // Ctrl-C before the first epoch ended
    const auto best = std::max_element(history.begin(), history.end(), [](const auto& a, const auto& b) {
      return a.validation.accuracy < b.validation.accuracy;
    });
    variant.trials.push_back({learning_rate, history.back().validation.accuracy, best->epoch,
                              best->validation.accuracy});
    if (variant.history.empty() || history.back().validation.accuracy > variant.history.back().validation.accuracy) {
      variant.learning_rate = learning_rate;
      variant.history = std::move(history);
      variant.network = std::move(network);
    }
    if (nn::stop_requested()) break;
  }
  return variant;
}

std::vector<Variant> train_all(const nn::Network& start, const nn::MnistParts& data, const Budget& budget,
                               std::uint64_t seed) {
  const std::size_t epochs = budget.epochs;
  std::vector<Variant> variants;
  variants.push_back(tune("full batch", start, budget.full_batch_rates, [&](nn::Network& network, float rate) {
    nn::Progress progress(std::cout, "full batch, η " + figures::fixed(rate, 3), epochs);
    return nn::train_full_batch(network, data.train, data.validation, {.epochs = epochs, .learning_rate = rate},
                                &progress);
  }));
  variants.push_back(tune("mini-batch of " + std::to_string(budget.batch_size), start, budget.mini_batch_rates,
                          [&](nn::Network& network, float rate) {
    nn::Progress progress(std::cout, "mini-batch, η " + figures::fixed(rate, 3), epochs);
    return nn::train_mini_batch(network, data.train, data.validation,
                                {.epochs = epochs, .batch_size = budget.batch_size, .learning_rate = rate,
                                 .seed = seed, .decay = budget.decay},
                                &progress);
  }));
  variants.push_back(tune("stochastic", start, budget.stochastic_rates, [&](nn::Network& network, float rate) {
    nn::Progress progress(std::cout, "stochastic, η " + figures::fixed(rate, 3), epochs);
    return nn::train_stochastic(network, data.train, data.validation,
                                {.epochs = epochs, .learning_rate = rate, .seed = seed, .decay = budget.decay},
                                &progress);
  }));
  for (Variant& v : variants)
    if (!v.history.empty()) v.test = nn::evaluate(v.network, data.test);  // the chosen models only
  return variants;
}
// [compare]

// Validation loss against epochs, against updates and against seconds, in
// three panels of a 2×2 grid whose fourth cell holds the legend.
void draw_losses(const figures::Report& report, const std::vector<Variant>& variants) {
  figures::Figure figure(report.figure_path("losses.svg"), 760, 620);
  gnuplotio::Gnuplot& gp = figure.gnuplot();
  double lowest = 1e30, highest = 0;  // one y range for the three panels, fitted to the curves
  for (const Variant& v : variants)
    for (const nn::EpochRecord& r : v.history) {
      lowest = std::min(lowest, r.validation.loss);
      highest = std::max(highest, r.validation.loss);
    }
  gp << "set multiplot layout 2,2 spacing 0.12,0.16 margins 0.1,0.97,0.09,0.97\n"
     << "set ylabel 'validation loss'\nset logscale y\nset ytics (0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2, 5)\nset yrange [" << 0.8 * lowest << ":"
     << 1.25 * highest << "]\n";
  const char* axes[3] = {"epoch", "updates (log scale)", "training seconds"};
  for (int panel = 0; panel < 3; ++panel) {
    gp << "set xlabel '" << axes[panel] << "'\n";
    if (panel == 1)  // decades as powers of ten: 10^1 … 10^6, never "1000000"
      gp << "set logscale x\nset format x '10^{%T}'\nset xtics 10\n";
    else
      gp << "unset logscale x\nset format x '%g'\nset xtics autofreq\n";
    gp << "plot ";
    for (std::size_t v = 0; v < variants.size(); ++v)
      gp << (v ? ", " : "") << "'-' with linespoints linetype " << v + 1;
    gp << '\n';
    for (const Variant& v : variants) {
      std::vector<std::pair<double, double>> points;
      for (const nn::EpochRecord& r : v.history) {
        const double x = panel == 0 ? static_cast<double>(r.epoch)
                         : panel == 1 ? static_cast<double>(r.updates)
                                      : r.seconds;
        points.emplace_back(x, r.validation.loss);
      }
      gp.send1d(points);
    }
  }
  // The fourth cell: no axes, only the legend, one entry per variant.
  gp << "unset border\nunset tics\nunset grid\nunset xlabel\nunset ylabel\nunset logscale\n"
     << "set xrange [0:1]\nset yrange [0:1]\nset key center center vertical samplen 3 spacing 1.6\nplot ";
  for (std::size_t v = 0; v < variants.size(); ++v)
    gp << (v ? ", " : "") << "NaN with linespoints linetype " << v + 1 << " title '" << variants[v].name
       << ", η = " << figures::fixed(variants[v].learning_rate, 3) << "'";
  gp << "\nunset multiplot\n";
  figure.finish();
}

// [confusion]
// confusion(k, j) counts the test images of digit k that the model called j.
Tensor confusion_matrix(const std::vector<std::uint8_t>& labels, const std::vector<std::uint8_t>& predictions) {
  Tensor counts(nn::kClasses, nn::kClasses);
  for (std::size_t n = 0; n < labels.size(); ++n) counts(labels[n], predictions[n]) += 1;
  return counts;
}
// [confusion]

void draw_confusion(const figures::Report& report, const Tensor& counts, const std::string& noun) {
  figures::Figure figure(report.figure_path("confusion.svg"), 620, 560);
  gnuplotio::Gnuplot& gp = figure.gnuplot();
  // Colour by log(1 + count), so that the few mistakes show beside the many right answers.
  Tensor shade(counts.rows(), counts.cols());
  nn::map(shade.view(), counts, [](float c) { return std::log1p(c); });
  gp << "unset grid\nset size ratio -1\nset xlabel 'predicted " << noun << "'\nset ylabel 'true " << noun << "'\n"
     << "set xrange [-0.5:9.5]\nset yrange [9.5:-0.5]\nset xtics 0,1,9\nset ytics 0,1,9\nunset colorbox\n"
     << "set palette defined (0 '#ffffff', 1 '#dce8f5', 4 '#6fa8dc', 7.5 '#0b3d75')\nset cbrange [0:7.5]\n"
     // `pixels`: in an SVG each cell is its own rectangle; a plain image would be
     // one 10×10 bitmap that the browser smooths across the cells' edges.
     << "plot '-' matrix with image pixels, '-' using 1:2:3:4 with labels textcolor rgb variable font ',10'\n";
  for (std::size_t k = 0; k < shade.rows(); ++k) {  // row k (true class) is drawn at y = k; the y axis runs downwards
    for (std::size_t j = 0; j < shade.cols(); ++j) gp << (j ? " " : "") << shade(k, j);
    gp << '\n';
  }
  gp << "e\n";
  for (std::size_t k = 0; k < counts.rows(); ++k)
    for (std::size_t j = 0; j < counts.cols(); ++j)
      if (counts(k, j) > 0)
        gp << j << ' ' << k << ' ' << std::to_string(static_cast<int>(counts(k, j))) << ' '
           << (k == j ? 0xffffff : 0x333333) << '\n';
  gp << "e\n";
  figure.finish();
}

// The share of the test images whose label is among the model's two largest
// logits: how many of the mistakes had the right digit as second choice.
double top2_accuracy(nn::Network& network, const nn::Dataset& test) {
  std::size_t right = 0;
  for (std::size_t first = 0; first < test.size(); first += 1000) {
    const std::size_t count = std::min<std::size_t>(1000, test.size() - first);
    const ConstTensorView logits = network.forward(test.images.view().rows_slice(first, count));
    for (std::size_t n = 0; n < count; ++n) {
      const auto z = logits.row(n);
      const float label_logit = z[test.labels[first + n]];
      // Right when at most one class has a larger logit than the label's.
      const auto larger = std::count_if(z.begin(), z.end(), [&](float v) { return v > label_logit; });
      right += larger <= 1;
    }
  }
  return static_cast<double>(right) / static_cast<double>(test.size());
}

// The weights into the first `count` hidden units, each a 28×28 picture: column
// o of W (I×O) holds what every pixel contributes to unit o. Each picture is
// scaled by its own largest |weight|, blue positive, red negative.
void draw_first_layer(const figures::Report& report, const nn::Network& network, std::size_t count) {
  const auto& first = std::get<nn::Dense>(network.layers.front());
  count = std::min(count, first.outputs());
  Tensor images(count, first.inputs());
  for (std::size_t o = 0; o < count; ++o) {
    float largest = 1e-12f;
    for (std::size_t i = 0; i < first.inputs(); ++i) largest = std::max(largest, std::abs(first.weight(i, o)));
    for (std::size_t i = 0; i < first.inputs(); ++i) images(o, i) = first.weight(i, o) / largest;
  }
  nn::draw_picture(report.figure_path("weights.png"), nn::tile(images, 28, 8), 800, 420,
               "set palette defined (-1 '#c23b3b', 0 '#ffffff', 1 '#1f6fb4')", "set cbrange [-1:1]");
}

}  // namespace

int main(int argc, char** argv) {
  nn::CommonFlags flags;
  nn::NetworkFlags network_flags;
  network_flags.hidden = 256;
  Budget budget;
  std::filesystem::path model_path;
  nn::po::options_description options("Options");
  nn::Flags(options)
      .data(flags)
      .out(flags)
      .count("epochs", budget.epochs, 1, 1000, "epochs of every variant: the budget")
      .count("batch-size", budget.batch_size, 1, 60'000, "mini-batch size")
      .positive_reals("full-batch-rates", budget.full_batch_rates, 1e6,
                      "learning rates tried for full-batch descent (default 0.125 0.25 0.5)")
      .positive_reals("mini-batch-rates", budget.mini_batch_rates, 1e6,
                      "learning rates tried for mini-batch descent (default 0.1 0.2 0.4)")
      .positive_reals("stochastic-rates", budget.stochastic_rates, 1e6,
                      "learning rates tried for stochastic descent (default 0.01 0.02 0.04)")
      .real("decay", budget.decay, 0, 1, "per-epoch learning-rate factor of mini-batch and stochastic descent")
      .path("model", model_path, "where to save the best model (default: OUT/ch10_model.nnsc)");
  nn::add_network_flags(options, network_flags);
  return nn::run_program(argc, argv, "chapter 10, the three ways to descend compared; the best model saved", options,
                         [&] {
    figures::Report report(flags.out_dir, "ch10", flags.check_claims);
    if (model_path.empty()) model_path = flags.out_dir / "ch10_model.nnsc";
    // Checked before training, not after it: a bad path must not cost the whole run.
    nn::check_model_destination(model_path);
    const nn::MnistParts data = nn::load_mnist_parts(flags.data_dir, network_flags.validation);
    const nn::Network start = nn::make_network(network_flags, data.train.images.cols());

    const auto run_start = std::chrono::steady_clock::now();
    std::vector<Variant> variants = train_all(start, data, budget, network_flags.seed);
    const double run_seconds = nn::seconds_since(run_start);
    if (nn::stop_requested()) {  // Ctrl-C: keep the best model trained so far, and the curves
      std::erase_if(variants, [](const Variant& v) { return v.history.empty(); });
      if (variants.empty()) throw nn::Interrupted("stopped before the first epoch ended; nothing to keep");
      const Variant& best = *std::max_element(variants.begin(), variants.end(), [](const Variant& a, const Variant& b) {
        return a.history.back().validation.accuracy < b.history.back().validation.accuracy;
      });
      nn::save_model(best.network, model_path);
      draw_losses(report, variants);
      throw nn::Interrupted("the best model so far (" + best.name + ", η " + nn::human(best.learning_rate) +
                            ") is saved in " + model_path.string() + ", its curves in " +
                            report.figure_path("losses.svg").string());
    }

    // The grid: every variant at every rate, on the validation set.
    std::vector<std::vector<std::string>> grid_rows;
    for (const Variant& v : variants)
      for (const Trial& t : v.trials)
        grid_rows.push_back({v.name, figures::fixed(t.learning_rate, 3), figures::fixed(100 * t.final_accuracy, 2),
                             figures::fixed(100 * t.best_accuracy, 2) + " (epoch " + std::to_string(t.best_epoch) + ")",
                             t.learning_rate == v.learning_rate ? "**chosen**" : ""});
    report.table("tuning", {"variant", "learning rate η", "validation accuracy after the last epoch (%)",
                            "best validation accuracy (%), and its epoch", ""},
                 grid_rows);

    std::vector<std::vector<std::string>> rows, timing_rows;
    for (const Variant& v : variants) {
      const nn::EpochRecord& last = v.history.back();
      const double per_image = 1e6 * last.seconds / static_cast<double>(last.epoch * data.train.size());
      const double per_update = 1e6 * last.seconds / static_cast<double>(last.updates);
      rows.push_back({v.name, figures::fixed(v.learning_rate, 3), figures::with_thousands(last.updates),
                      figures::fixed(100 * last.validation.accuracy, 2), figures::fixed(100 * v.test.accuracy, 2)});
      timing_rows.push_back({v.name, figures::fixed(last.seconds, 1),
                             figures::fixed(last.seconds / static_cast<double>(last.epoch), 2),
                             per_update >= 100 ? figures::with_thousands(static_cast<std::size_t>(per_update + 0.5))
                                               : figures::fixed(per_update, 1),
                             figures::fixed(per_image, 1)});
      std::cout << v.name << ", η " << v.learning_rate << ": test accuracy " << figures::fixed(100 * v.test.accuracy, 2)
                << "% after " << last.updates << " updates, " << figures::fixed(last.seconds, 1)
                << " s of training\n";
    }
    report.table("results", {"variant", "chosen η", "updates", "validation accuracy (%)", "test accuracy (%)"}, rows);
    report.table("timing", {"variant", "training seconds", "seconds per epoch", "µs per update", "µs per image"},
                 timing_rows);
    draw_losses(report, variants);

    // The best model is chosen on the validation set; the test set only reports it.
    Variant& best = *std::max_element(variants.begin(), variants.end(), [](const Variant& a, const Variant& b) {
      return a.history.back().validation.accuracy < b.history.back().validation.accuracy;
    });
    const std::vector<std::uint8_t> predictions = nn::predict(best.network, data.test.images);
    const Tensor confusion = confusion_matrix(data.test.labels, predictions);
    draw_confusion(report, confusion, nn::class_names_for(flags.data_dir).noun);
    // The hardest class (lowest share of its images called right), and the largest off-diagonal cell.
    std::size_t hardest = 0, confused_k = 0, confused_j = 1;
    std::vector<double> recall(nn::kClasses);
    for (std::size_t k = 0; k < nn::kClasses; ++k) {
      double images = 0;
      for (std::size_t j = 0; j < nn::kClasses; ++j) {
        images += confusion(k, j);
        if (j != k && confusion(k, j) > confusion(confused_k, confused_j)) confused_k = k, confused_j = j;
      }
      recall[k] = images > 0 ? confusion(k, k) / images : 1.0;
      if (recall[k] < recall[hardest]) hardest = k;
    }
    report.number("hardest_digit", std::to_string(hardest));
    report.number("hardest_digit_accuracy", figures::fixed(100 * recall[hardest], 1));
    report.number("largest_confusion", std::to_string(static_cast<int>(confusion(confused_k, confused_j))));
    report.number("largest_confusion_pair", std::to_string(confused_k) + "s called " + std::to_string(confused_j));
    report.number("images_per_class", figures::with_thousands(data.test.size() / nn::kClasses));
    const double top2 = top2_accuracy(best.network, data.test);
    report.number("best_top2_accuracy", figures::fixed(100 * top2, 2));
    report.number("best_top2_gain", figures::fixed(100 * (top2 - best.test.accuracy), 2));
    report.number("best_top2_share_of_errors",
                  figures::fixed(100 * (top2 - best.test.accuracy) / std::max(1e-9, 1 - best.test.accuracy), 0));
    const std::vector<nn::Mistake> mistakes = nn::confident_mistakes(best.network, data.test);
    nn::draw_mistakes(report, data.test, mistakes);
    draw_first_layer(report, best.network, 32);

    // [save-load]
    nn::save_model(best.network, model_path);
    nn::Network loaded = nn::load_model(model_path);
    if (nn::predict(loaded, data.test.images) != predictions)
      throw std::runtime_error(model_path.string() + ": the loaded model predicts differently from the saved one");
    // [save-load]
    std::cout << "saved the " << best.name << " model to " << model_path.string()
              << "; loaded back, it gives the same prediction for all " << data.test.size() << " test images\n";

    report.number("epochs", std::to_string(budget.epochs));
    report.number("hidden", std::to_string(network_flags.hidden));
    report.number("widths", nn::widths_string(start));
    report.number("batch_size", std::to_string(budget.batch_size));
    report.number("decay", figures::fixed(budget.decay, 2));
    report.number("train_size", figures::with_thousands(data.train.size()));
    report.number("test_size", figures::with_thousands(data.test.size()));
    report.number("runs", std::to_string(budget.full_batch_rates.size() + budget.mini_batch_rates.size() +
                                         budget.stochastic_rates.size()));
    report.number("run_seconds", figures::fixed(run_seconds, 0));
    report.number("best_name", best.name);
    report.number("best_test_accuracy", figures::fixed(100 * best.test.accuracy, 2));
    report.number("best_seconds", figures::fixed(best.history.back().seconds, 1));
    report.number("best_errors", std::to_string(mistakes.size()));
    report.number("model_bytes", figures::with_thousands(std::filesystem::file_size(model_path)));
    const char* keys[3] = {"full", "mini", "stochastic"};
    std::vector<double> per_image(3);
    for (std::size_t v = 0; v < 3; ++v) {
      const std::string key = keys[v];
      const Variant& variant = variants[v];
      const nn::EpochRecord& last = variant.history.back();
      per_image[v] = 1e6 * last.seconds / static_cast<double>(last.epoch * data.train.size());
      report.number(key + "_rate", figures::fixed(variant.learning_rate, 3));
      report.number(key + "_test_accuracy", figures::fixed(100 * variant.test.accuracy, 2));
      report.number(key + "_validation_accuracy", figures::fixed(100 * last.validation.accuracy, 2));
      report.number(key + "_loss", figures::fixed(last.validation.loss, 3));  // validation loss after the last epoch
      report.number(key + "_seconds", figures::fixed(last.seconds, 1));
      report.number(key + "_updates", figures::with_thousands(last.updates));
      report.number(key + "_per_image", figures::fixed(per_image[v], 1));
      report.number(key + "_per_update", figures::scientific(last.seconds / static_cast<double>(last.updates), 1));
      // Where the chosen rate sits in its grid, in words: a rate at an edge may not be the best there is.
      const auto rates = variant.trials.size();
      const bool lowest = variant.trials.front().learning_rate == variant.learning_rate;
      const bool highest = variant.trials.back().learning_rate == variant.learning_rate;
      report.number(key + "_grid_place", rates == 1   ? "the only rate tried"
                                         : lowest    ? "the smallest rate of its grid, so a smaller one might do better"
                                         : highest   ? "the largest rate of its grid, so a larger one might do better"
                                                     : "inside its grid, better than the rates on either side");
    }
    // The order of the variants by time per image, in words from the numbers.
    std::vector<std::size_t> by_cost = {0, 1, 2};
    std::sort(by_cost.begin(), by_cost.end(), [&](std::size_t a, std::size_t b) { return per_image[a] < per_image[b]; });
    report.number("cost_order", variants[by_cost[0]].name + ", then " + variants[by_cost[1]].name + ", then " +
                                    variants[by_cost[2]].name);
    // "1.3 times as much as", or "about as much as" within 10%: a ratio in words.
    auto as_much_as = [](double ratio) {
      return ratio > 0.9 && ratio < 1.1 ? std::string("about as much as")
                                        : figures::fixed(ratio, 1) + " times as much as";
    };
    report.number("stochastic_against_mini", as_much_as(per_image[2] / per_image[1]));
    report.number("full_against_mini", as_much_as(per_image[0] / per_image[1]));
    // One layer's B×O activations of the full batch, in MB (10⁶ bytes) of floats:
    // what full-batch descent streams through memory at every layer, forward and back.
    report.number("full_activation_mb", figures::fixed(static_cast<double>(data.train.size() * network_flags.hidden *
                                                                            sizeof(float)) / 1e6, 0));
    report.number("mini_activation_kb", figures::fixed(static_cast<double>(budget.batch_size * network_flags.hidden *
                                                                            sizeof(float)) / 1e3, 0));

    const double full_loss = variants[0].history.back().validation.loss;
    report.claim("with the same epochs, full-batch descent ends far above the other two in validation loss "
                 "(more than twice theirs)",
                 full_loss > 2 * variants[1].history.back().validation.loss &&
                     full_loss > 2 * variants[2].history.back().validation.loss,
                 "full batch " + figures::fixed(full_loss, 3) + ", mini-batch " +
                     figures::fixed(variants[1].history.back().validation.loss, 3) + ", stochastic " +
                     figures::fixed(variants[2].history.back().validation.loss, 3));
    const double first_stochastic = variants[2].history.front().validation.loss;
    report.claim("one epoch of stochastic descent reaches a lower validation loss than all the epochs of full-batch "
                 "descent",
                 first_stochastic < full_loss,
                 figures::fixed(first_stochastic, 3) + " after one epoch against " + figures::fixed(full_loss, 3) +
                     " after " + std::to_string(budget.epochs));
    report.number("first_stochastic_loss", figures::fixed(first_stochastic, 3));

    // A pixel that is 0 in every training image adds 0 to every gradient of its
    // row of W: that row must leave training exactly as it started.
    const auto& trained = std::get<nn::Dense>(best.network.layers.front());
    const auto& initial = std::get<nn::Dense>(start.layers.front());
    std::size_t blank_pixels = 0, moved = 0;
    for (std::size_t i = 0; i < trained.inputs(); ++i) {
      bool blank = true;
      for (std::size_t n = 0; n < data.train.size() && blank; ++n) blank = data.train.images(n, i) == 0.0f;
      if (!blank) continue;
      ++blank_pixels;
      for (std::size_t o = 0; o < trained.outputs(); ++o) moved += trained.weight(i, o) != initial.weight(i, o);
    }
    report.number("blank_pixels", std::to_string(blank_pixels));
    report.claim("the weights of a pixel that is zero in every training image never move", moved == 0,
                 std::to_string(blank_pixels) + " such pixels, " + std::to_string(moved) + " of their weights moved");
    report.finish();
  });
}
