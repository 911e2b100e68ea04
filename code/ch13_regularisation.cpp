// Chapter 13's program: the gap between training and validation accuracy, with
// and without each regulariser (the L2 penalty, decoupled weight decay,
// dropout, early stopping), on a setting that overfits within a small budget.
#include <algorithm>
#include <cmath>
#include <functional>
#include <iostream>
#include <memory>

#include <gnuplot-iostream.h>

#include "dropout.hpp"
#include "experiment.hpp"
#include "figure.hpp"
#include "minibatch.hpp"
#include "optimisers.hpp"
#include "regularisation.hpp"

namespace {

// One epoch's accuracies, both measured in evaluation mode after the epoch.
struct EpochAccuracy {
  std::size_t epoch = 0;
  double train = 0;       // on the training images
  double validation = 0;  // on the validation split
};

// A variant's run at one strength.
struct Run {
  std::string variant;   // "none", "L2 penalty", …
  std::string strength;  // "λ = 0.001", "r = 0.5", or "" for none
  std::vector<EpochAccuracy> curve;
  std::size_t epochs_trained = 0;  // the epochs it ran
  std::size_t stopped_at = 0;      // where early stopping, watching it, stopped (0: it did not)
  EpochAccuracy kept{};            // the model the variant ends with: the last epoch's, or the best one kept
};

std::string percent(double fraction) { return figures::fixed(100 * fraction, 2); }
double gap_points(const EpochAccuracy& a) { return 100 * (a.train - a.validation); }
// 0.0001 as "0.0001", 3 as "3": plain decimals, as the text writes strengths.
std::string plain_decimal(double value) {
  std::string digits = figures::fixed(value, 6);
  while (digits.back() == '0') digits.pop_back();
  if (digits.back() == '.') digits.pop_back();
  return digits;
}
std::string strength_text(const char* symbol, double value) {
  return std::string(symbol) + " = " + plain_decimal(value);
}

// The best run of a variant by its kept model's validation accuracy (the first of equals).
const Run& best_by_validation(const std::vector<Run>& runs) {
  return *std::max_element(runs.begin(), runs.end(), [](const Run& a, const Run& b) {
    return a.kept.validation < b.kept.validation;
  });
}

// Training (top) and validation (bottom) accuracy against epochs, one colour
// per variant; early stopping's kept epoch marked on the plain run's curve
// (none is marked when `early` is null: a run stopped by Ctrl-C).
void draw_curves(const figures::Report& report, const std::vector<const Run*>& runs, const Run* early) {
  figures::Figure figure(report.figure_path("curves.svg"), 720, 640);
  auto& gp = figure.gnuplot();
  gp << "set multiplot layout 2,1 spacing 0,0.1 margins 0.1,0.97,0.1,0.97\n"
     << "set key bottom right opaque\nset grid ytics\nset xrange [1:*]\n";
  for (int panel = 0; panel < 2; ++panel) {
    const bool train = panel == 0;
    gp << "set ylabel '" << (train ? "training" : "validation") << " accuracy (%)'\n"
       << (train ? "set xlabel ''\n" : "set xlabel 'epoch'\n") << "plot ";
    // Each run its own dash pattern and point shape as well as its colour:
    // runs that lie on top of one another (L2 and none, early on) stay apart.
    constexpr int kPointTypes[] = {7, 5, 9, 11, 13};
    for (std::size_t r = 0; r < runs.size(); ++r)
      gp << (r ? ", " : "") << "'-' with linespoints pointtype " << kPointTypes[r % 5]
         << " pointsize 0.6 linewidth 2 dashtype " << r % 5 + 1 << " linecolor rgb '"
         << figures::kPalette[r % figures::kPalette.size()] << "' "
         << (train ? "title \"" + runs[r]->variant + (runs[r]->strength.empty() ? "" : ", " + runs[r]->strength) + "\""
                   : std::string("notitle"));
    if (!train && early)
      gp << ", '-' with points pointtype 6 pointsize 2.5 linewidth 2 linecolor rgb '#000000' title "
         << "\"early stopping keeps epoch " << early->kept.epoch << "\"";
    gp << "\n";
    for (const Run* run : runs) {
      std::vector<std::pair<double, double>> points;
      for (const EpochAccuracy& e : run->curve) points.emplace_back(e.epoch, 100 * (train ? e.train : e.validation));
      gp.send1d(points);
    }
    if (!train && early)
      gp.send1d(std::vector<std::pair<double, double>>{{early->kept.epoch, 100 * early->kept.validation}});
    gp << "set key bottom right opaque\n";  // the bottom panel's key: the ring alone, below the curves' end
  }
  gp << "unset multiplot\n";
  figure.finish();
}

// [one-weight]
// The chapter's worked example: one weight w = 1 whose loss gradient is 0,
// one Adam step of size η under the L2 penalty and under decoupled decay,
// both of strength λ. Returns w after the step: {under L2, under decay}.
std::pair<float, float> one_adam_step(float eta, float lambda) {
  auto one_weight = [] {
    nn::Dense dense(1, 1);
    dense.weight(0, 0) = 1.0f;  // dW stays 0: the loss does not pull on w
    return nn::Network({dense});
  };
  nn::Network under_l2 = one_weight(), under_decay = one_weight();
  nn::Adam adam_l2, adam_decay;
  nn::L2Penalty l2(lambda, adam_l2);
  nn::DecoupledWeightDecay decay(lambda, adam_decay);
  l2.update(under_l2, eta);
  decay.update(under_decay, eta);
  auto w = [](const nn::Network& network) { return std::get<nn::Dense>(network.layers[0]).weight(0, 0); };
  return {w(under_l2), w(under_decay)};
}
// [one-weight]

}  // namespace

int main(int argc, char** argv) {
  nn::CommonFlags flags;
  nn::NetworkFlags network_flags{.hidden = 512, .seed = 1, .validation = 10'000};
  std::uint64_t train_size = 5'000, epochs = 20, batch_size = 64, patience = 4;
  float learning_rate = 1e-3f;
  double input_dropout = 0.2;
  std::vector<float> l2_lambdas = {1e-4f, 1e-3f};
  std::vector<float> decay_lambdas = {0.3f, 1.0f, 3.0f};
  std::vector<float> dropout_rates = {0.3f, 0.5f};
  nn::po::options_description options("Options");
  nn::Flags(options)
      .data(flags)
      .out(flags)
      .count("train-size", train_size, 100, 50'000, "training images: the first ones of the training split")
      .count("epochs", epochs, 1, 1'000, "epochs of every run")
      .count("batch-size", batch_size, 1, 60'000, "images per update")
      .real("learning-rate", learning_rate, 0, 1e6, "Adam's step size η, the same for every run")
      .real("input-dropout", input_dropout, 0, 0.99, "dropout rate of the pixels in the dropout runs", true)
      .count("patience", patience, 1, 1'000, "early stopping: epochs without a new best before it stops")
      .positive_reals("l2", l2_lambdas, 1e6, "strengths λ of the L2 penalty, one is chosen on validation")
      .positive_reals("decay", decay_lambdas, 1e6, "strengths λ of decoupled decay, one is chosen on validation")
      .positive_reals("dropout", dropout_rates, 0.99, "dropout rates r, one is chosen on validation");
  nn::add_network_flags(options, network_flags);
  return nn::run_program(argc, argv, "chapter 13, regularisation: the gap between training and validation", options,
                         [&] {
    figures::Report report(flags.out_dir, "ch13", flags.check_claims);
    const nn::MnistParts data = nn::load_mnist_parts(flags.data_dir, network_flags.validation);
    if (train_size > data.train.size())
      throw nn::UsageError("--train-size must be at most the " + std::to_string(data.train.size()) +
                           " training images left after --validation; got " + std::to_string(train_size));
    const nn::Dataset train = nn::first_images(data.train, train_size);
    const nn::Dataset& validation = data.validation;
    if (dropout_rates.empty() || l2_lambdas.empty() || decay_lambdas.empty())
      throw nn::UsageError("--l2, --decay and --dropout each need at least one value");

    // [run]
    // Every run starts from the same weights and sees the batches in the same
    // order; only the regulariser differs. `wrap` puts a rule around the run's
    // Adam (the L2 penalty, decoupled decay) or returns none.
    using Wrap = std::function<std::unique_ptr<nn::Optimiser>(nn::Optimiser& adam)>;
    std::vector<Run> done;  // every run so far, for Ctrl-C to draw
    auto train_run = [&](const std::string& variant, const std::string& strength, float dropout_rate,
                         const Wrap& wrap, nn::EarlyStopping* stopping) {
      nn::Network network = nn::make_network(network_flags, train.images.cols());
      if (dropout_rate > 0)
        nn::insert_dropout(network, {.rate = dropout_rate, .seed = network_flags.seed}, input_dropout);
      nn::Adam adam;
      const std::unique_ptr<nn::Optimiser> wrapped = wrap ? wrap(adam) : nullptr;
      nn::Optimiser& rule = wrapped ? *wrapped : adam;
      Run run{.variant = variant, .strength = strength, .curve = {}};
      for (std::size_t epoch = 1; epoch <= epochs && !nn::stop_requested(); ++epoch) {
        // One epoch per call, each with its own shuffling seed, so that every
        // epoch can be measured; the rule and its memory go on across calls.
        const nn::History one = nn::train_mini_batch(
            network, train, validation,
            {.epochs = 1, .batch_size = batch_size, .learning_rate = learning_rate,
             .seed = network_flags.seed * 1'000 + epoch, .rule = &rule});
        if (nn::stop_requested()) break;  // Ctrl-C within the epoch: it is not measured
        nn::EpochRecord record = one.back();
        record.epoch = epoch;
        // Evaluation mode for both: evaluate takes the network const.
        run.curve.push_back({epoch, nn::evaluate(network, train).accuracy, record.validation.accuracy});
        if (stopping && run.stopped_at == 0 && stopping->should_stop(network, record))
          run.stopped_at = epoch;  // where early stopping stops; this run goes on, for the "none" row
        std::cout << variant << (strength.empty() ? "" : ", " + strength) << ", epoch " << epoch << '/'
                  << epochs << ": training " << percent(run.curve.back().train) << "%, validation "
                  << percent(run.curve.back().validation) << "%" << std::endl;
      }
      if (!run.curve.empty()) {
        run.kept = run.curve.back();
        run.epochs_trained = run.curve.size();
        done.push_back(run);
      }
      if (nn::stop_requested()) {  // Ctrl-C: draw the epochs done, and stop
        if (done.empty()) throw nn::Interrupted("stopped before the first epoch ended; nothing to keep");
        std::vector<const Run*> drawn;
        for (const Run& r : done) drawn.push_back(&r);
        draw_curves(report, drawn, nullptr);
        throw nn::Interrupted("the epochs done are drawn in " + report.figure_path("curves.svg").string());
      }
      return run;
    };
    // [run]

    // [variants]
    nn::EarlyStopping stopping({.patience = patience, .watch = nn::Watch::validation_loss});
    const Run none = train_run("none", "", 0, nullptr, &stopping);
    std::vector<Run> l2_runs, decay_runs, dropout_runs;
    for (float lambda : l2_lambdas)
      l2_runs.push_back(train_run(
          "L2 penalty", strength_text("λ", lambda), 0,
          [&](nn::Optimiser& adam) { return std::make_unique<nn::L2Penalty>(lambda, adam); }, nullptr));
    for (float lambda : decay_lambdas)
      decay_runs.push_back(train_run(
          "decoupled decay", strength_text("λ", lambda), 0,
          [&](nn::Optimiser& adam) { return std::make_unique<nn::DecoupledWeightDecay>(lambda, adam); },
          nullptr));
    for (float rate : dropout_rates)
      dropout_runs.push_back(train_run(
          "dropout", strength_text("r", rate) + ", pixels " + plain_decimal(input_dropout), rate, nullptr,
          nullptr));
    // [variants]

    // Early stopping is the plain run stopped: the epoch it stopped at, and the
    // model it kept (the best validation loss up to there), measured again.
    Run early{.variant = "early stopping", .strength = "patience " + std::to_string(patience),
              .curve = none.curve, .epochs_trained = none.stopped_at ? none.stopped_at : none.epochs_trained};
    early.kept = none.curve.at(stopping.best_epoch() - 1);
    const nn::Evaluation kept_again = nn::evaluate(stopping.best_network(), validation);

    const Run& l2 = best_by_validation(l2_runs);
    const Run& decay = best_by_validation(decay_runs);
    const Run& dropout = best_by_validation(dropout_runs);
    const std::vector<const Run*> chosen = {&none, &l2, &decay, &dropout, &early};

    std::vector<std::vector<std::string>> rows;
    for (const Run* run : chosen)
      rows.push_back({run->variant, run->strength.empty() ? "–" : run->strength, std::to_string(run->epochs_trained),
                      percent(run->kept.train), percent(run->kept.validation),
                      figures::fixed(gap_points(run->kept), 2)});
    report.table("results", {"regulariser", "strength (chosen on validation)", "epochs trained", "training accuracy (%)",
                             "validation accuracy (%)", "gap (points)"},
                 rows);
    std::vector<std::vector<std::string>> tuning;
    for (const std::vector<Run>* runs : {&l2_runs, &decay_runs, &dropout_runs})
      for (const Run& run : *runs)
        tuning.push_back({run.variant, run.strength, percent(run.kept.train), percent(run.kept.validation),
                          figures::fixed(gap_points(run.kept), 2), &run == &best_by_validation(*runs) ? "chosen" : ""});
    report.table("tuning", {"regulariser", "strength", "training accuracy (%)", "validation accuracy (%)",
                            "gap (points)", ""},
                 tuning);
    draw_curves(report, {&none, &l2, &decay, &dropout}, &early);

    report.number("train_size", figures::with_thousands(train_size));
    report.number("validation_size", figures::with_thousands(validation.size()));
    report.number("epochs", std::to_string(epochs));
    report.number("batch_size", std::to_string(batch_size));
    report.number("learning_rate", nn::human(learning_rate));
    report.number("patience", std::to_string(patience));
    report.number("widths", nn::widths_string(nn::make_network(network_flags, train.images.cols())));
    report.number("none_train", percent(none.kept.train));
    report.number("none_validation", percent(none.kept.validation));
    report.number("none_gap", figures::fixed(gap_points(none.kept), 2));
    report.number("early_best_epoch", std::to_string(early.kept.epoch));
    report.number("early_stopped_at", std::to_string(early.epochs_trained));
    report.number("early_validation", percent(early.kept.validation));
    report.number("early_saved", std::to_string(epochs - early.epochs_trained));
    const auto [after_l2, after_decay] = one_adam_step(0.01f, 0.1f);
    report.number("one_weight_l2", figures::fixed(after_l2, 4));
    report.number("one_weight_decay", figures::fixed(after_decay, 4));
    report.claim("under Adam, the L2 penalty and decoupled decay of the same strength are different rules: one step "
                 "from w = 1 with no loss gradient (η = 0.01, λ = 0.1) lands at points at least 0.005 apart",
                 std::abs(after_l2 - after_decay) >= 0.005f,
                 "w = " + figures::fixed(after_l2, 4) + " under L2, " + figures::fixed(after_decay, 4) +
                     " under decay");
    report.claim("dropout narrows the gap between training and validation accuracy",
                 gap_points(dropout.kept) < gap_points(none.kept),
                 "gap " + figures::fixed(gap_points(none.kept), 2) + " points without, " +
                     figures::fixed(gap_points(dropout.kept), 2) + " with dropout " + dropout.strength);
    report.claim("without a regulariser the network overfits: it fits its training images to at least 99.5% while "
                 "its validation accuracy stays more than 2 points below",
                 none.kept.train >= 0.995 && gap_points(none.kept) > 2,
                 "training " + percent(none.kept.train) + "%, validation " + percent(none.kept.validation) + "%");
    report.claim("the network early stopping keeps is the one of its best epoch: measured again, it gives the "
                 "validation accuracy recorded at that epoch",
                 kept_again.accuracy == early.kept.validation,
                 "recorded " + percent(early.kept.validation) + "%, measured again " + percent(kept_again.accuracy) +
                     "%");
    for (const Run* run : std::vector<const Run*>{&l2, &decay, &dropout, &early}) {
      const std::string key = run == &l2 ? "l2" : run == &decay ? "decay" : run == &dropout ? "dropout" : "early";
      const double narrower = gap_points(none.kept) - gap_points(run->kept);
      report.number(key + "_gap_change", narrower >= 0
                                             ? "narrows the gap by " + figures::fixed(narrower, 2) + " points"
                                             : "widens the gap by " + figures::fixed(-narrower, 2) + " points");
      const double better = 100 * (run->kept.validation - none.kept.validation);
      report.number(key + "_validation_change",
                    better >= 0 ? figures::fixed(better, 2) + " points above"
                                : figures::fixed(-better, 2) + " points below");
    }
    // The chosen regulariser with the narrowest gap, and what the strongest
    // penalties did, in words from the numbers.
    const Run* narrowest = chosen.front();
    for (const Run* run : chosen)
      if (gap_points(run->kept) < gap_points(narrowest->kept)) narrowest = run;
    report.number("narrowest_gap", narrowest->variant);
    auto strongest_words = [&](const std::vector<Run>& runs, const std::string& name) {
      const Run& strongest = runs.back();  // the grid is in the order given: the last the strongest, by default
      const bool lower_train = strongest.kept.train < none.kept.train;
      const bool lower_validation = strongest.kept.validation < none.kept.validation;
      return name + " at " + strongest.strength + " ends " + (lower_train ? "below" : "not below") +
             " the plain run in training accuracy and " + (lower_validation ? "below" : "not below") +
             " it in validation accuracy";
    };
    report.number("strongest_l2", strongest_words(l2_runs, "the L2 penalty"));
    report.number("strongest_decay", strongest_words(decay_runs, "decoupled decay"));
    auto below_on_both = [&](const Run& run) {
      return run.kept.train < none.kept.train && run.kept.validation < none.kept.validation;
    };
    report.number("strongest_lesson", below_on_both(l2_runs.back()) && below_on_both(decay_runs.back())
                                          ? ": a penalty strong enough to hold the training accuracy back can "
                                            "hold the validation accuracy back with it"
                                          : "");
    // A strength chosen at either end of those tried shows only that the best
    // lies there or beyond it; the text says so when that happens. Below the
    // weakest penalty lies the plain run; below the weakest dropout, r = 0 with
    // the pixels still dropped.
    std::vector<std::string> ends;
    auto note_edge = [&](const std::vector<Run>& runs, const Run& picked, const std::vector<float>& values,
                         const std::string& name, const char* symbol, const std::string& below) {
      const float value = values.at(static_cast<std::size_t>(&picked - runs.data()));
      const auto [low, high] = std::ranges::minmax(values);
      if (low == high) return;
      const std::string chosen_at = name + " at " + strength_text(symbol, value);
      if (value == low) ends.push_back(chosen_at + " is the weakest tried, and nothing between it and " + below + " was");
      if (value == high) ends.push_back(chosen_at + " is the strongest tried, and nothing stronger was");
    };
    note_edge(l2_runs, l2, l2_lambdas, "the L2 penalty", "λ", "the plain run");
    note_edge(decay_runs, decay, decay_lambdas, "decoupled decay", "λ", "the plain run");
    note_edge(dropout_runs, dropout, dropout_rates, "dropout", "r", "r = 0 (the pixels still dropped)");
    std::string edges;
    for (const std::string& end : ends) edges += (edges.empty() ? "" : "; ") + end;
    report.number("grid_edges", edges.empty() ? "" : " Chosen at an end of the strengths tried: " + edges + ".");
    report.finish();
  });
}
