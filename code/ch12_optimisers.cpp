// Chapter 12's program: the update rules compared on one budget from one start,
// each at the learning rate the validation set chose for it; how large their
// steps are; what Adam's bias correction does to its first updates; and what
// the learning-rate schedules look like.
#include <algorithm>
#include <cmath>
#include <functional>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <memory>
#include <numeric>

#include <gnuplot-iostream.h>

#include "experiment.hpp"
#include "figure.hpp"
#include "minibatch.hpp"
#include "optimisers.hpp"

namespace {

using nn::Tensor;

// A learning rate as the tables print it: 0.0005, not 5e-04.
std::string rate_text(double rate) {
  std::ostringstream text;
  text << std::setprecision(4) << rate;
  return text.str();
}

// [step-meter]
// Wraps a rule and measures what it did: after each update, the mean |Δθ| over
// every parameter of the network, the step actually taken (whatever η was).
class StepMeter final : public nn::Optimiser {
 public:
  explicit StepMeter(nn::Optimiser& inner) : inner_(inner) {}
  void update(nn::Network& network, float learning_rate) override {
    before_.fit(network, "StepMeter");
    std::size_t k = 0;
    network.for_each_parameter([&](Tensor& parameter, Tensor&) {
      std::copy(parameter.values().begin(), parameter.values().end(), before_[k++].values().begin());
    });
    inner_.update(network, learning_rate);
    double sum = 0;
    std::size_t count = 0;
    k = 0;
    network.for_each_parameter([&](Tensor& parameter, Tensor&) {
      const auto old = before_[k++].values();
      for (std::size_t i = 0; i < parameter.size(); ++i) sum += std::abs(parameter.data()[i] - old[i]);
      count += parameter.size();
    });
    steps.push_back(static_cast<float>(sum / static_cast<double>(count)));
  }
  std::vector<float> steps;  // mean |Δθ| of every update, in order

 private:
  nn::Optimiser& inner_;
  nn::ParameterMemory before_;  // θ before the update
};
// [step-meter]

struct Budget {
  std::size_t epochs = 2;
  std::size_t batch_size = 64;
  std::uint64_t seed = 1;  // the batch order, the same for every run
};

// One run: the loss of every batch before its update, the step of every update,
// and where it ended on the validation set.
struct Run {
  float learning_rate = 0;
  std::vector<float> losses;  // L of update t's batch, before the update
  std::vector<float> steps;   // mean |Δθ| of update t
  nn::Evaluation validation;  // after the last update
  bool diverged = false;
};

using MakeRule = std::function<std::unique_ptr<nn::Optimiser>()>;

// [run]
// Mini-batch training of a copy of `start` with the rule `make()` returns: the
// same start and the same batch order (the budget's seed) for every rule and
// every η, so that the rule and η are the only differences between two runs.
Run train(const std::string& label, const nn::Network& start, const nn::MnistParts& data, const Budget& budget,
          const MakeRule& make, float learning_rate, std::size_t max_updates = 0) {
  nn::Network network = start;
  const std::unique_ptr<nn::Optimiser> rule = make();
  StepMeter meter(*rule);
  Run run;
  run.learning_rate = learning_rate;
  nn::Rng rng(budget.seed);
  nn::StepBuffers buffers;
  Tensor x, y;
  bool done = false;  // diverged, at max_updates, or Ctrl-C
  for (std::size_t epoch = 1; epoch <= budget.epochs && !done; ++epoch) {
    const std::vector<std::size_t> order = nn::shuffled_order(data.train.size(), rng);
    double epoch_loss = 0;
    std::size_t epoch_batches = 0;
    for (std::size_t first = 0; first < order.size(); first += budget.batch_size) {
      done = nn::stop_requested() || (max_updates && run.losses.size() == max_updates);
      if (done) break;
      const std::span<const std::size_t> rows(order.data() + first, std::min(budget.batch_size, order.size() - first));
      x.resize(rows.size(), data.train.images.cols());
      y.resize(rows.size(), nn::kClasses);
      nn::gather_rows(x, data.train.images, rows);
      nn::gather_one_hot(y, data.train.labels, rows);
      const float loss = nn::train_step(network, x, y, learning_rate, buffers, meter);
      if (!std::isfinite(loss)) {  // too large an η for this rule: a result of the grid, not an error
        run.diverged = done = true;
        break;
      }
      run.losses.push_back(loss);
      epoch_loss += loss;
      ++epoch_batches;
    }
    if (!done || run.diverged)  // a line per epoch, as every training program of the book prints
      std::cout << label << ", epoch " << epoch << '/' << budget.epochs << ": mean batch loss "
                << (run.diverged ? std::string("not finite: diverged") : figures::fixed(epoch_loss / epoch_batches, 4))
                << '\n' << std::flush;
  }
  run.steps = std::move(meter.steps);
  run.validation = run.diverged ? nn::Evaluation{INFINITY, 0} : nn::evaluate(network, data.validation);
  return run;
}
// [run]

struct Rule {
  std::string name;
  std::vector<float> rates;  // the grid of η tried
  MakeRule make;
  std::vector<Run> trials{};  // one per η tried
  std::size_t chosen = 0;     // the trial with the best validation accuracy
  const Run& best() const { return trials.at(chosen); }
};

// [tune]
// Every η of the rule's grid; if the best is at an end of the grid, one more
// η beyond that end (twice or half), so that the choice is not the grid's edge
// by construction. The choice is made on validation accuracy; the test set
// plays no part in this chapter.
void tune(Rule& rule, const nn::Network& start, const nn::MnistParts& data, const Budget& budget) {
  auto try_rate = [&](float learning_rate) {
    const std::string label = rule.name + ", η " + rate_text(learning_rate);
    rule.trials.push_back(train(label, start, data, budget, rule.make, learning_rate));
    const Run& run = rule.trials.back();
    std::cout << label << ": validation accuracy "
              << (run.diverged ? std::string("diverged") : figures::fixed(100 * run.validation.accuracy, 2) + "%")
              << '\n';
  };
  for (float learning_rate : rule.rates) {
    if (nn::stop_requested()) return;
    try_rate(learning_rate);
  }
  auto best_index = [&] {
    std::size_t best = 0;
    for (std::size_t i = 1; i < rule.trials.size(); ++i)
      if (rule.trials[i].validation.accuracy > rule.trials[best].validation.accuracy) best = i;
    return best;
  };
  rule.chosen = best_index();
  if (nn::stop_requested() || rule.trials.size() < 2) return;
  const float chosen_rate = rule.trials[rule.chosen].learning_rate;
  const bool at_top = chosen_rate == *std::max_element(rule.rates.begin(), rule.rates.end());
  const bool at_bottom = chosen_rate == *std::min_element(rule.rates.begin(), rule.rates.end());
  if (at_top || at_bottom) {
    try_rate(chosen_rate * (at_top ? 2.0f : 0.5f));
    rule.chosen = best_index();
  }
}
// [tune]

// Block means of a series: one point per `block` values, at the block's middle
// update (updates counted from 1), so that a figure shows the trend, not every batch.
std::vector<std::pair<double, double>> block_means(const std::vector<float>& values, std::size_t block,
                                                   double scale = 1) {
  std::vector<std::pair<double, double>> points;
  for (std::size_t first = 0; first + block <= values.size(); first += block) {
    const double sum = std::accumulate(values.begin() + static_cast<std::ptrdiff_t>(first),
                                       values.begin() + static_cast<std::ptrdiff_t>(first + block), 0.0);
    points.emplace_back(static_cast<double>(first) + (static_cast<double>(block) + 1) / 2, scale * sum / block);
  }
  return points;
}

void plot_runs(figures::Figure& figure, const std::vector<Rule>& rules, const std::string& title_suffix,
               const std::function<std::vector<std::pair<double, double>>(const Rule&)>& series) {
  figure.gnuplot() << "plot ";
  for (std::size_t r = 0; r < rules.size(); ++r)
    // A dash pattern per rule as well as a colour: where the curves run together,
    // the pattern still tells them apart.
    figure.gnuplot() << (r ? ", " : "") << "'-' with lines linewidth 2 dashtype " << r % 5 + 1
                     << " linecolor rgb '" << figures::kPalette[r % 6] << "' title '" << rules[r].name << title_suffix << " (η " << rate_text(rules[r].best().learning_rate)
                     << ")'";
  figure.gnuplot() << '\n';
  for (const Rule& rule : rules) figure.gnuplot().send1d(series(rule));
}

void draw_losses(const figures::Report& report, const std::vector<Rule>& rules, std::size_t block) {
  figures::Figure figure(report.figure_path("losses.svg"), 760, 480);
  figure.gnuplot() << "set xlabel 'update t'\nset ylabel 'training loss L (mean of " << block
                   << " batches, log scale)'\nset logscale y\nset yrange [0.05:3]\nset key top right\n";
  plot_runs(figure, rules, "", [&](const Rule& rule) { return block_means(rule.best().losses, block); });
  figure.finish();
}

void draw_steps(const figures::Report& report, const std::vector<Rule>& rules, std::size_t block) {
  figures::Figure figure(report.figure_path("step_size.svg"), 760, 480);
  figure.gnuplot() << "set xlabel 'update t'\nset ylabel 'mean |Δθ| per update (log scale)'\n"
                   << "set logscale y\nset format y '%g'\nset key outside bottom center horizontal maxrows 3\n";
  plot_runs(figure, rules, "", [&](const Rule& rule) {
    return block_means(rule.best().steps, block);
  });
  figure.finish();
}

void draw_bias_correction(const figures::Report& report, const Run& corrected, const Run& uncorrected) {
  auto points = [](const std::vector<float>& values, double scale) {
    std::vector<std::pair<double, double>> out;
    for (std::size_t t = 0; t < values.size(); ++t) out.emplace_back(t + 1, scale * values[t]);
    return out;
  };
  figures::Figure figure(report.figure_path("bias_correction.svg"), 760, 560);
  auto& plot = figure.gnuplot();
  plot << "set multiplot layout 2,1\nset xlabel 'update t'\nset key top right\n"
       << "set ylabel 'mean |Δθ| ÷ η'\nset yrange [0:*]\n"
       << "plot '-' with lines linewidth 2 linecolor rgb '" << figures::kPalette[0]
       << "' title 'Adam, with bias correction', '-' with lines linewidth 2 linecolor rgb '" << figures::kPalette[1]
       << "' title 'without'\n";
  plot.send1d(points(corrected.steps, 1.0 / corrected.learning_rate));
  plot.send1d(points(uncorrected.steps, 1.0 / uncorrected.learning_rate));
  plot << "set ylabel 'training loss L of the batch'\nset yrange [0:*]\n"
       << "plot '-' with lines linewidth 2 linecolor rgb '" << figures::kPalette[0]
       << "' title 'Adam, with bias correction', '-' with lines linewidth 2 linecolor rgb '" << figures::kPalette[1]
       << "' title 'without'\n";
  plot.send1d(points(corrected.losses, 1));
  plot.send1d(points(uncorrected.losses, 1));
  plot << "unset multiplot\n";
  figure.finish();
}

// What a scheduled rule passes to the rule inside it: a rule that only records η.
class RecordsRate final : public nn::Optimiser {
 public:
  void update(nn::Network&, float learning_rate) override { rates.push_back(learning_rate); }
  std::vector<float> rates;
};

void draw_schedules(const figures::Report& report, const std::vector<std::pair<std::string, nn::Schedule>>& schedules,
                    std::size_t updates, float peak) {
  figures::Figure figure(report.figure_path("schedules.svg"), 760, 420);
  figure.gnuplot() << "set xlabel 'update t'\nset ylabel 'learning rate η·c(t)'\nset key top right\n"
                   << "set yrange [0:" << 1.1 * peak << "]\nplot ";
  for (std::size_t k = 0; k < schedules.size(); ++k)
    figure.gnuplot() << (k ? ", " : "") << "'-' with lines linewidth 2 linecolor rgb '" << figures::kPalette[k]
                     << "' title '" << schedules[k].first << "'";
  figure.gnuplot() << '\n';
  nn::Network nothing;
  for (const auto& [name, schedule] : schedules) {
    // [schedule-trace]
    RecordsRate inner;
    nn::Scheduled scheduled(inner, schedule);
    for (std::size_t t = 1; t <= updates; ++t) scheduled.update(nothing, peak);  // inner.rates[t − 1] = η·c(t)
    // [schedule-trace]
    std::vector<std::pair<double, double>> points;
    for (std::size_t t = 0; t < inner.rates.size(); ++t) points.emplace_back(t + 1, inner.rates[t]);
    figure.gnuplot().send1d(points);
  }
  figure.finish();
}

double mean_of(const std::vector<float>& values, std::size_t first, std::size_t count) {
  count = std::min(count, values.size() - std::min(first, values.size()));
  if (count == 0) return 0;
  return std::accumulate(values.begin() + static_cast<std::ptrdiff_t>(first),
                         values.begin() + static_cast<std::ptrdiff_t>(first + count), 0.0) /
         static_cast<double>(count);
}

}  // namespace

int main(int argc, char** argv) {
  nn::CommonFlags flags;
  nn::NetworkFlags network_flags;
  Budget budget;
  float momentum = 0.9f, weight_decay = 0.01f;
  std::uint64_t bias_updates = 100;
  nn::po::options_description options("Options");
  nn::Flags(options)
      .data(flags)
      .out(flags)
      .count("epochs", budget.epochs, 1, 1000, "epochs of every run: the budget")
      .count("batch-size", budget.batch_size, 1, 60'000, "mini-batch size")
      .real("momentum", momentum, 0, 0.999, "μ of momentum and Nesterov", true)
      .real("weight-decay", weight_decay, 0, 1, "λ of AdamW", true)
      .count("bias-updates", bias_updates, 1, 100'000, "updates of the bias-correction comparison");
  nn::add_network_flags(options, network_flags);
  return nn::run_program(argc, argv, "chapter 12, optimisers compared on one budget from one start", options, [&] {
    budget.seed = network_flags.seed;
    figures::Report report(flags.out_dir, "ch12", flags.check_claims);
    const nn::MnistParts data = nn::load_mnist_parts(flags.data_dir, network_flags.validation);
    const nn::Network start = nn::make_network(network_flags, data.train.images.cols());

    // [rules]
    std::vector<Rule> rules = {
        {"plain SGD", {0.1f, 0.2f, 0.4f}, [] { return std::make_unique<nn::GradientDescent>(); }},
        {"momentum", {0.01f, 0.02f, 0.04f},
         [&] { return std::make_unique<nn::Momentum>(nn::MomentumSettings{.momentum = momentum}); }},
        {"Nesterov", {0.01f, 0.02f, 0.04f},
         [&] { return std::make_unique<nn::Momentum>(nn::MomentumSettings{.momentum = momentum, .nesterov = true}); }},
        {"RMSProp", {0.001f, 0.002f, 0.004f}, [] { return std::make_unique<nn::RmsProp>(); }},
        {"Adam", {0.001f, 0.002f, 0.004f}, [] { return std::make_unique<nn::Adam>(); }},
        {"AdamW", {0.001f, 0.002f, 0.004f},
         [&] { return std::make_unique<nn::AdamW>(nn::AdamWSettings{.weight_decay = weight_decay}); }},
    };
    for (Rule& rule : rules) tune(rule, start, data, budget);
    // [rules]
    std::erase_if(rules, [](const Rule& rule) { return rule.trials.empty(); });
    const std::size_t block = 20;
    if (nn::stop_requested()) {
      if (rules.empty()) throw nn::Interrupted("stopped before the first run ended; nothing to keep");
      draw_losses(report, rules, block);
      throw nn::Interrupted("the runs done so far are drawn in " + report.figure_path("losses.svg").string());
    }

    // The tuning table: every η tried, its validation accuracy, the one chosen.
    std::vector<std::vector<std::string>> tuning_rows, result_rows;
    for (const Rule& rule : rules)
      for (std::size_t i = 0; i < rule.trials.size(); ++i) {
        const Run& run = rule.trials[i];
        tuning_rows.push_back({rule.name, rate_text(run.learning_rate),
                               run.diverged ? "diverged" : figures::fixed(100 * run.validation.accuracy, 2),
                               run.diverged ? "–" : figures::fixed(run.validation.loss, 4),
                               i == rule.chosen ? "**chosen**" : ""});
      }
    report.table("tuning", {"rule", "learning rate η", "validation accuracy (%)", "validation loss", ""},
                 tuning_rows);
    const std::size_t updates = rules.front().best().losses.size();
    const std::size_t window = std::min<std::size_t>(100, updates / 4);  // the first and the last 100 updates
    for (const Rule& rule : rules) {
      const Run& run = rule.best();
      const double first_steps = mean_of(run.steps, 0, window);
      const double last_steps = mean_of(run.steps, run.steps.size() - window, window);
      result_rows.push_back({rule.name, rate_text(run.learning_rate), figures::fixed(100 * run.validation.accuracy, 2),
                             figures::fixed(mean_of(run.losses, run.losses.size() - window, window), 4),
                             figures::scientific(first_steps, 1), figures::scientific(last_steps, 1),
                             last_steps / run.learning_rate < 0.01 ? figures::scientific(last_steps / run.learning_rate, 1)
                                                                   : figures::fixed(last_steps / run.learning_rate, 3)});
    }
    report.table("results",
                 {"rule", "chosen η", "validation accuracy (%)",
                  "training loss, last " + std::to_string(window) + " updates",
                  "mean step, first " + std::to_string(window) + " updates",
                  "mean step, last " + std::to_string(window), "the last ÷ η"},
                 result_rows);
    draw_losses(report, rules, block);
    draw_steps(report, rules, block);

    auto find = [&](const std::string& name) -> const Rule& {
      return *std::find_if(rules.begin(), rules.end(), [&](const Rule& r) { return r.name == name; });
    };
    const Rule& best = *std::max_element(rules.begin(), rules.end(), [](const Rule& a, const Rule& b) {
      return a.best().validation.accuracy < b.best().validation.accuracy;
    });
    const Rule& plain = find("plain SGD");
    const Rule& adam = find("Adam");
    const Rule& adamw = find("AdamW");
    const Rule& classical = find("momentum");
    const Rule& nesterov = find("Nesterov");
    auto points = [](double a, double b) { return 100 * (a - b); };
    report.number("epochs", std::to_string(budget.epochs));
    report.number("batch_size", std::to_string(budget.batch_size));
    report.number("updates", figures::with_thousands(updates));
    report.number("widths", nn::widths_string(start));
    report.number("momentum", figures::fixed(momentum, 2));
    report.number("weight_decay", rate_text(weight_decay));
    report.number("window", std::to_string(window));
    report.number("block", std::to_string(block));
    report.number("best_rule", best.name);
    report.number("best_accuracy", figures::fixed(100 * best.best().validation.accuracy, 2));
    report.number("plain_accuracy", figures::fixed(100 * plain.best().validation.accuracy, 2));
    report.number("adam_accuracy", figures::fixed(100 * adam.best().validation.accuracy, 2));
    report.number("adam_rate", rate_text(adam.best().learning_rate));
    const double adam_gain = points(adam.best().validation.accuracy, plain.best().validation.accuracy);
    report.number("adam_over_plain", figures::fixed(std::abs(adam_gain), 2));
    report.number("adam_over_plain_verdict", adam_gain > 0 ? "above" : adam_gain < 0 ? "below" : "level with");
    const double momentum_gain = points(classical.best().validation.accuracy, plain.best().validation.accuracy);
    report.number("momentum_over_plain", figures::fixed(std::abs(momentum_gain), 2));
    report.number("momentum_over_plain_verdict",
                  momentum_gain > 0 ? "above" : momentum_gain < 0 ? "below" : "level with");
    report.number("momentum_effective_rate", rate_text(classical.best().learning_rate / (1 - momentum)));
    report.number("plain_rate", rate_text(plain.best().learning_rate));
    report.number("momentum_rate", rate_text(classical.best().learning_rate));
    const double nesterov_gap = points(nesterov.best().validation.accuracy, classical.best().validation.accuracy);
    report.number("nesterov_gap", figures::fixed(std::abs(nesterov_gap), 2));
    report.number("nesterov_verdict", nesterov_gap > 0 ? "above" : nesterov_gap < 0 ? "below" : "level with");
    const double adamw_gap = points(adamw.best().validation.accuracy, adam.best().validation.accuracy);
    report.number("adamw_gap", figures::fixed(std::abs(adamw_gap), 2));
    report.number("adamw_verdict", adamw_gap > 0 ? "above" : adamw_gap < 0 ? "below" : "level with");
    const float adamw_rate = adamw.best().learning_rate;
    report.number("adamw_shrink",
                  figures::fixed(100 * (1 - std::pow(1.0 - static_cast<double>(adamw_rate) * weight_decay,
                                                     static_cast<double>(updates))), 2));
    // The chosen η's span a wide range; the steps the rules actually take, as
    // mean |Δθ| over the whole run, span a narrower one: η means different
    // things to different rules.
    auto whole_run_step = [](const Rule& rule) { return mean_of(rule.best().steps, 0, rule.best().steps.size()); };
    auto by = [](auto key) { return [key](const Rule& a, const Rule& b) { return key(a) < key(b); }; };
    auto rate_of = [](const Rule& rule) { return static_cast<double>(rule.best().learning_rate); };
    const auto [low_rate, high_rate] = std::minmax_element(rules.begin(), rules.end(), by(rate_of));
    const auto [low_step, high_step] = std::minmax_element(rules.begin(), rules.end(), by(whole_run_step));
    report.number("rate_spread", figures::fixed(rate_of(*high_rate) / rate_of(*low_rate), 0));
    report.number("step_spread", figures::fixed(whole_run_step(*high_step) / whole_run_step(*low_step), 1));
    report.number("largest_step_rule", high_step->name);
    report.number("smallest_step_rule", low_step->name);
    report.number("plain_step_over_rate", figures::scientific(whole_run_step(plain) / rate_of(plain), 1));
    report.number("adam_step_over_rate", figures::fixed(whole_run_step(adam) / rate_of(adam), 2));
    report.number("momentum_stride_verdict",
                  classical.best().learning_rate / (1 - momentum) > plain.best().learning_rate ? "a longer" : "no longer a");
    // How soon the losses fall: the mean batch loss over the first 3 × window updates.
    const double early_plain = mean_of(plain.best().losses, 0, 3 * window);
    const double early_adam = mean_of(adam.best().losses, 0, 3 * window);
    const double early_momentum = mean_of(classical.best().losses, 0, 3 * window);
    report.number("early_updates", std::to_string(3 * window));
    report.number("early_loss_plain", figures::fixed(early_plain, 3));
    report.number("early_loss_adam", figures::fixed(early_adam, 3));
    report.number("early_loss_momentum", figures::fixed(early_momentum, 3));
    report.number("early_verdict", early_adam < early_plain && early_momentum < early_plain ? "both lower than"
                                   : early_adam < early_plain                             ? "Adam's lower than"
                                   : early_momentum < early_plain                         ? "momentum's lower than"
                                                                                          : "neither lower than");
    // The mean step of the last `window` updates over that of the first.
    auto last_over_first = [&](const Rule& rule) {
      const Run& run = rule.best();
      return mean_of(run.steps, run.steps.size() - window, window) / mean_of(run.steps, 0, window);
    };
    std::string falls_evidence = "last ÷ first:";
    for (const Rule& rule : rules)
      falls_evidence += (&rule == &rules.front() ? " " : ", ") + rule.name + " " +
                        figures::fixed(last_over_first(rule), 2);
    report.claim("every rule's steps are shorter at the end of the run than at its start (the last " +
                     std::to_string(window) + " updates' mean step below 0.8 times the first " +
                     std::to_string(window) + "'s)",
                 std::all_of(rules.begin(), rules.end(), [&](const Rule& r) { return last_over_first(r) < 0.8; }),
                 falls_evidence);
    report.claim("Adam's mean step over the run is less than half of η",
                 whole_run_step(adam) < 0.5 * rate_of(adam),
                 "mean step ÷ η = " + figures::fixed(whole_run_step(adam) / rate_of(adam), 3));
    report.claim("every rule learned: at its chosen η, validation accuracy is above 90% after " +
                     std::to_string(budget.epochs) + " epochs",
                 std::all_of(rules.begin(), rules.end(),
                             [](const Rule& r) { return r.best().validation.accuracy > 0.9; }),
                 "lowest: " + figures::fixed(100 * std::min_element(rules.begin(), rules.end(), [](const Rule& a, const Rule& b) {
                                                     return a.best().validation.accuracy < b.best().validation.accuracy;
                                                   })->best().validation.accuracy, 2) + "%");
    // [bias-correction]
    // Adam at its chosen η from the same start, with and without the correction.
    const float adam_rate = adam.best().learning_rate;
    const Run corrected = train("Adam, corrected", start, data, budget, [] {
      return std::make_unique<nn::Adam>();
    }, adam_rate, bias_updates);
    const Run uncorrected = train("Adam, uncorrected", start, data, budget, [] {
      return std::make_unique<nn::Adam>(nn::AdamSettings{.bias_correction = false});
    }, adam_rate, bias_updates);
    // [bias-correction]
    if (nn::stop_requested())
      throw nn::Interrupted("stopped during the bias-correction runs; the rules compared are drawn in " +
                            report.figure_path("losses.svg").string());
    draw_bias_correction(report, corrected, uncorrected);
    const double first_ratio = uncorrected.steps.front() / corrected.steps.front();
    const std::size_t ten = std::min<std::size_t>(10, corrected.steps.size());
    const double early_ratio = mean_of(uncorrected.steps, 0, ten) / mean_of(corrected.steps, 0, ten);
    report.number("bias_updates", std::to_string(bias_updates));
    report.number("bias_first_ratio", figures::fixed(first_ratio, 2));
    report.number("bias_early_ratio", figures::fixed(early_ratio, 1));
    const double loss_corrected = mean_of(corrected.losses, corrected.losses.size() - 10, 10);
    const double loss_uncorrected = mean_of(uncorrected.losses, uncorrected.losses.size() - 10, 10);
    report.number("bias_loss_corrected", figures::fixed(loss_corrected, 3));
    report.number("bias_loss_uncorrected", figures::fixed(loss_uncorrected, 3));
    report.number("bias_loss_verdict", loss_uncorrected > loss_corrected ? "higher" : "lower");
    report.number("bias_peak_loss_uncorrected",
                  figures::fixed(*std::max_element(uncorrected.losses.begin(), uncorrected.losses.end()), 2));
    report.number("bias_peak_loss_corrected",
                  figures::fixed(*std::max_element(corrected.losses.begin(), corrected.losses.end()), 2));
    report.claim("without bias correction, Adam's first update is √10 ≈ 3.16 times as long as with it, "
                 "as (1 − β₁)/√(1 − β₂) says (within 5%)",
                 std::abs(first_ratio - std::sqrt(10.0)) < 0.05 * std::sqrt(10.0),
                 "measured ratio of the mean steps at t = 1: " + figures::fixed(first_ratio, 3));
    report.claim("over the first 10 updates, the uncorrected steps are more than twice as long on average",
                 early_ratio > 2, "ratio " + figures::fixed(early_ratio, 2));

    // [schedules]
    const std::size_t warmup_updates = std::max<std::size_t>(1, updates / 20);
    const std::vector<std::pair<std::string, nn::Schedule>> schedules = {
        {"step: ×0.3 every third of the run", nn::step_decay({.every = std::max<std::size_t>(1, (updates + 2) / 3),
                                                             .factor = 0.3f})},
        {"cosine", nn::cosine({.length = updates})},
        {"linear warm-up, then cosine", nn::warmup_cosine({.warmup = warmup_updates, .length = updates})},
    };
    // [schedules]
    draw_schedules(report, schedules, updates, adam_rate);
    report.number("warmup_updates", std::to_string(warmup_updates));

    // The schedule in use: Adam at its chosen η with warm-up and cosine, against
    // the constant η it was tuned at (one run, one seed: the words follow the numbers).
    const Run scheduled = train("Adam, warm-up and cosine", start, data, budget, [&] {
      struct AdamScheduled final : nn::Optimiser {
        nn::Adam adam;
        nn::Scheduled scheduled;
        explicit AdamScheduled(nn::Schedule s) : scheduled(adam, std::move(s)) {}
        void update(nn::Network& network, float learning_rate) override { scheduled.update(network, learning_rate); }
      };
      return std::make_unique<AdamScheduled>(nn::warmup_cosine({.warmup = warmup_updates, .length = updates}));
    }, adam_rate);
    if (nn::stop_requested())
      throw nn::Interrupted("stopped during the scheduled run; the rules compared are drawn in " +
                            report.figure_path("losses.svg").string());
    const double schedule_gap = points(scheduled.validation.accuracy, adam.best().validation.accuracy);
    report.number("scheduled_accuracy", figures::fixed(100 * scheduled.validation.accuracy, 2));
    report.number("scheduled_gap", figures::fixed(std::abs(schedule_gap), 2));
    report.number("scheduled_verdict", schedule_gap > 0 ? "above" : schedule_gap < 0 ? "below" : "level with");
    report.finish();
  });
}
