// Chapter 10's program: the three ways to descend, compared from the same start
// on one budget; then the best model looked at closely, saved and loaded back.
#include <algorithm>
#include <iostream>
#include <numeric>

#include <gnuplot-iostream.h>

#include "experiment.hpp"
#include "figure.hpp"
#include "model_file.hpp"
#include "softmax_cross_entropy.hpp"
#include "stochastic.hpp"

namespace {

using nn::ConstTensorView;
using nn::Tensor;

struct Variant {
  std::string name;
  float learning_rate = 0;
  nn::History history;
  nn::Network network;
  nn::Evaluation test;
};

struct Budget {
  std::size_t epochs = 10;
  std::size_t batch_size = 64;
  float full_batch_rate = 0.5f, mini_batch_rate = 0.1f, stochastic_rate = 0.02f;
  float decay = 0.8f;
};

//! [compare]
// Trains three copies of one initial network, one per way of descending, each
// for the same number of epochs: every variant sees every training image
// equally often, and computes as many per-image gradients.
std::vector<Variant> train_all(const nn::Network& start, const nn::MnistParts& data, const Budget& budget,
                               std::uint64_t seed) {
  std::vector<Variant> variants(3);
  variants[0] = {"full batch", budget.full_batch_rate, {}, start, {}};
  nn::Progress full_progress(std::cout, "full batch", budget.epochs);
  variants[0].history = nn::train_full_batch(variants[0].network, data.train, data.validation,
                                             {budget.epochs, budget.full_batch_rate}, &full_progress);

  variants[1] = {"mini-batch of " + std::to_string(budget.batch_size), budget.mini_batch_rate, {}, start, {}};
  nn::Progress mini_progress(std::cout, "mini-batch", budget.epochs);
  variants[1].history = nn::train_mini_batch(
      variants[1].network, data.train, data.validation,
      {budget.epochs, budget.batch_size, budget.mini_batch_rate, seed, budget.decay}, &mini_progress);

  variants[2] = {"stochastic", budget.stochastic_rate, {}, start, {}};
  nn::Progress stochastic_progress(std::cout, "stochastic", budget.epochs);
  variants[2].history =
      nn::train_stochastic(variants[2].network, data.train, data.validation,
                           {budget.epochs, budget.stochastic_rate, seed, true, budget.decay}, &stochastic_progress);

  for (Variant& v : variants) v.test = nn::evaluate(v.network, data.test);
  return variants;
}
//! [compare]

// Validation loss against epochs, against updates (log scale) and against seconds.
void draw_losses(const figures::Report& report, const std::vector<Variant>& variants) {
  figures::Figure figure(report.figure_path("losses.svg"), 900, 360);
  gnuplotio::Gnuplot& gp = figure.gnuplot();
  gp << "set multiplot layout 1,3\nset ylabel 'validation loss'\nset logscale y\nset key top right\n";
  const char* axes[3] = {"epoch", "updates", "training seconds"};
  for (int panel = 0; panel < 3; ++panel) {
    gp << "set xlabel '" << axes[panel] << "'\n" << (panel == 1 ? "set logscale x\n" : "unset logscale x\n");
    gp << "plot ";
    for (std::size_t v = 0; v < variants.size(); ++v)
      gp << (v ? ", " : "") << "'-' with linespoints title '" << variants[v].name << "'";
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
  gp << "unset multiplot\n";
  figure.finish();
}

//! [confusion]
// confusion(t, p) counts the test images of digit t that the model called p.
Tensor confusion_matrix(const std::vector<std::uint8_t>& labels, const std::vector<std::uint8_t>& predictions) {
  Tensor counts(nn::kClasses, nn::kClasses);
  for (std::size_t n = 0; n < labels.size(); ++n) counts(labels[n], predictions[n]) += 1;
  return counts;
}
//! [confusion]

void draw_confusion(const figures::Report& report, const Tensor& counts) {
  figures::Figure figure(report.figure_path("confusion.svg"), 620, 560);
  gnuplotio::Gnuplot& gp = figure.gnuplot();
  // Colour by log(1 + count), so that the few mistakes show beside the many right answers.
  Tensor shade(counts.rows(), counts.cols());
  nn::map(shade.view(), counts, [](float c) { return std::log1p(c); });
  gp << "unset grid\nset size ratio -1\nset xlabel 'predicted digit'\nset ylabel 'true digit'\n"
     << "set xrange [-0.5:9.5]\nset yrange [9.5:-0.5]\nset xtics 0,1,9\nset ytics 0,1,9\nunset colorbox\n"
     << "set palette defined (0 '#ffffff', 1 '#dce8f5', 4 '#6fa8dc', 7.5 '#0b3d75')\nset cbrange [0:7.5]\n"
     << "plot '-' matrix with image pixels, '-' using 1:2:3:4 with labels textcolor rgb variable font ',10'\n";
  for (std::size_t t = 0; t < shade.rows(); ++t) {  // row t is drawn at y = t; the y axis runs downwards
    for (std::size_t p = 0; p < shade.cols(); ++p) gp << (p ? " " : "") << shade(t, p);
    gp << '\n';
  }
  gp << "e\n";
  for (std::size_t t = 0; t < counts.rows(); ++t)
    for (std::size_t p = 0; p < counts.cols(); ++p)
      if (counts(t, p) > 0)
        gp << p << ' ' << t << ' ' << std::to_string(static_cast<int>(counts(t, p))) << ' '
           << (t == p ? 0xffffff : 0x333333) << '\n';
  gp << "e\n";
  figure.finish();
}

// Copies side×side images (rows of `images`) into one picture of `per_row`
// columns, with `gap` blank pixels right of each image and `below` under it.
Tensor tile(ConstTensorView images, std::size_t side, std::size_t per_row, std::size_t gap = 2,
            std::size_t below = 2) {
  const std::size_t rows = (images.rows() + per_row - 1) / per_row;
  Tensor picture(rows * (side + below), per_row * (side + gap));
  for (std::size_t i = 0; i < images.rows(); ++i)
    for (std::size_t r = 0; r < side; ++r)
      for (std::size_t c = 0; c < side; ++c)
        picture((i / per_row) * (side + below) + r, (i % per_row) * (side + gap) + c) = images(i, r * side + c);
  return picture;
}

void draw_picture(const std::filesystem::path& file, const Tensor& picture, int width, int height,
                  const std::string& palette, const std::string& range, const std::string& labels = "") {
  figures::Figure figure(file, width, height);
  figure.gnuplot() << "unset border\nunset tics\nunset grid\nunset colorbox\nset size ratio -1\n" << palette << '\n'
                   << range << "\nset xrange [-0.5:" << picture.cols() - 0.5 << "]\nset yrange [-0.5:"
                   << picture.rows() - 0.5 << "]\n" << labels << "plot '-' matrix with image pixels\n";
  figure.send_matrix(picture);
  figure.finish();
}

//! [mistakes]
struct Mistake {
  std::size_t index = 0;
  std::uint8_t label = 0, predicted = 0;
  float confidence = 0;  // the probability the model gave its wrong answer
};

// The test images the model got wrong, most confident first.
std::vector<Mistake> confident_mistakes(nn::Network& network, const nn::Dataset& test) {
  std::vector<Mistake> mistakes;
  Tensor probabilities;
  for (std::size_t first = 0; first < test.size(); first += 1000) {
    const std::size_t count = std::min<std::size_t>(1000, test.size() - first);
    const ConstTensorView logits = network.forward(test.images.view().rows_slice(first, count));
    probabilities.resize(count, logits.cols());
    nn::softmax(probabilities, logits);
    for (std::size_t b = 0; b < count; ++b) {
      const auto p = probabilities.row(b);
      const auto best = static_cast<std::uint8_t>(std::max_element(p.begin(), p.end()) - p.begin());
      if (best != test.labels[first + b]) mistakes.push_back({first + b, test.labels[first + b], best, p[best]});
    }
  }
  std::sort(mistakes.begin(), mistakes.end(), [](const Mistake& a, const Mistake& b) {
    return a.confidence > b.confidence;
  });
  return mistakes;
}
//! [mistakes]

void draw_mistakes(const figures::Report& report, const nn::Dataset& test, const std::vector<Mistake>& mistakes) {
  const std::size_t shown = std::min<std::size_t>(16, mistakes.size()), per_row = 8, side = 28, below = 12;
  const std::size_t rows = (shown + per_row - 1) / per_row, height = rows * (side + below);
  Tensor images(shown, side * side);
  std::string labels;
  for (std::size_t i = 0; i < shown; ++i) {
    std::ranges::copy(test.images.row(mistakes[i].index), images.row(i).begin());
    // The picture's row 0 is drawn at the top, y = height − 1; the label sits in the gap under its image.
    const double x = static_cast<double>((i % per_row) * (side + 2)) + 13.5;
    const double y = static_cast<double>(height) - 1.0 - static_cast<double>((i / per_row) * (side + below)) -
                     static_cast<double>(side) - static_cast<double>(below) / 2;
    labels += "set label " + std::to_string(i + 1) + " '" + std::to_string(mistakes[i].label) + " → " +
              std::to_string(mistakes[i].predicted) + " (" + figures::fixed(100 * mistakes[i].confidence, 0) +
              "%)' at " + std::to_string(x) + "," + std::to_string(y) + " center front font ',9'\n";
  }
  draw_picture(report.figure_path("mistakes.png"), tile(images, side, per_row, 2, below), 1000, 330,
               "set palette gray negative", "set cbrange [0:1]", labels);
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
  draw_picture(report.figure_path("weights.png"), tile(images, 28, 8), 800, 420,
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
  nn::add_data_flag(options, flags);
  nn::add_out_flag(options, flags);
  nn::add_network_flags(options, network_flags);
  options.add_options()
      ("epochs", nn::po::value(&budget.epochs)->default_value(budget.epochs), "epochs of every variant: the budget")
      ("batch-size", nn::po::value(&budget.batch_size)->default_value(budget.batch_size), "mini-batch size")
      ("full-batch-rate", nn::po::value(&budget.full_batch_rate)->default_value(budget.full_batch_rate),
       "learning rate of full-batch descent")
      ("mini-batch-rate", nn::po::value(&budget.mini_batch_rate)->default_value(budget.mini_batch_rate),
       "learning rate of mini-batch descent")
      ("stochastic-rate", nn::po::value(&budget.stochastic_rate)->default_value(budget.stochastic_rate),
       "learning rate of stochastic descent")
      ("decay", nn::po::value(&budget.decay)->default_value(budget.decay),
       "per-epoch learning-rate factor of mini-batch and stochastic descent")
      ("model", nn::po::value(&model_path), "where to save the best model (default: OUT/ch10_model.nnsc)");
  return nn::run_program(argc, argv, "chapter 10, the three ways to descend compared; the best model saved", options,
                         [&] {
    for (const auto& [name, value] : {std::pair<const char*, double>{"epochs", budget.epochs},
                                      {"batch-size", budget.batch_size}, {"full-batch-rate", budget.full_batch_rate},
                                      {"mini-batch-rate", budget.mini_batch_rate},
                                      {"stochastic-rate", budget.stochastic_rate}, {"decay", budget.decay}})
      nn::require_positive(name, value);
    figures::Report report(flags.out_dir, "ch10");
    if (model_path.empty()) model_path = flags.out_dir / "ch10_model.nnsc";
    // Checked before training, not after it: a bad path must not cost the whole run.
    const std::filesystem::path model_folder = std::filesystem::absolute(model_path).parent_path();
    if (!std::filesystem::is_directory(model_folder) || std::filesystem::is_directory(model_path))
      throw nn::UsageError("--model " + model_path.string() + ": expected a file name in an existing folder");
    const nn::MnistParts data = nn::load_mnist_parts(flags.data_dir, network_flags.validation);
    const nn::Network start = nn::make_network(network_flags, data.train.images.cols());

    std::vector<Variant> variants = train_all(start, data, budget, network_flags.seed);
    std::vector<std::vector<std::string>> rows;
    for (const Variant& v : variants) {
      const nn::EpochRecord& last = v.history.back();
      rows.push_back({v.name, figures::fixed(v.learning_rate, 3), std::to_string(last.updates),
                      figures::fixed(last.seconds, 1), figures::fixed(100 * last.validation.accuracy, 2),
                      figures::fixed(100 * v.test.accuracy, 2)});
      std::cout << v.name << ": test accuracy " << figures::fixed(100 * v.test.accuracy, 2) << "% after "
                << last.updates << " updates, " << figures::fixed(last.seconds, 1) << " s of training\n";
    }
    report.table("results", {"variant", "learning rate", "updates", "training seconds", "validation accuracy (%)",
                             "test accuracy (%)"},
                 rows);
    draw_losses(report, variants);

    // The best model is chosen on the validation set; the test set only reports it.
    Variant& best = *std::max_element(variants.begin(), variants.end(), [](const Variant& a, const Variant& b) {
      return a.history.back().validation.accuracy < b.history.back().validation.accuracy;
    });
    const std::vector<std::uint8_t> predictions = nn::predict(best.network, data.test.images);
    draw_confusion(report, confusion_matrix(data.test.labels, predictions));
    const std::vector<Mistake> mistakes = confident_mistakes(best.network, data.test);
    draw_mistakes(report, data.test, mistakes);
    draw_first_layer(report, best.network, 32);

    //! [save-load]
    nn::save_model(best.network, model_path);
    nn::Network loaded = nn::load_model(model_path);
    if (nn::predict(loaded, data.test.images) != predictions)
      throw std::runtime_error(model_path.string() + ": the loaded model predicts differently from the saved one");
    //! [save-load]
    std::cout << "saved the " << best.name << " model to " << model_path.string()
              << "; loaded back, it gives the same prediction for all " << data.test.size() << " test images\n";

    report.number("epochs", std::to_string(budget.epochs));
    report.number("hidden", std::to_string(network_flags.hidden));
    report.number("batch_size", std::to_string(budget.batch_size));
    report.number("decay", figures::fixed(budget.decay, 2));
    report.number("best_name", best.name);
    report.number("best_test_accuracy", figures::fixed(100 * best.test.accuracy, 2));
    report.number("best_seconds", figures::fixed(best.history.back().seconds, 1));
    report.number("best_errors", std::to_string(mistakes.size()));
    report.number("model_bytes", std::to_string(std::filesystem::file_size(model_path)));
    const char* keys[3] = {"full", "mini", "stochastic"};
    for (std::size_t v = 0; v < 3; ++v) {
      report.number(std::string(keys[v]) + "_test_accuracy", figures::fixed(100 * variants[v].test.accuracy, 2));
      report.number(std::string(keys[v]) + "_seconds", figures::fixed(variants[v].history.back().seconds, 1));
      report.number(std::string(keys[v]) + "_updates", std::to_string(variants[v].history.back().updates));
    }
    report.finish();
  });
}
