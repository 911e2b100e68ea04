// Reference solutions to chapter 8's exercises.
#include "ch08.hpp"

#include <algorithm>
#include <stdexcept>

namespace exercises {

// [ch08-batches]
std::vector<std::span<const std::size_t>> split_into_batches(std::span<const std::size_t> order,
                                                             std::size_t batch_size, bool drop_last) {
  if (batch_size == 0) throw std::invalid_argument("split_into_batches: the batch size must be positive");
  std::vector<std::span<const std::size_t>> batches;
  for (std::size_t first = 0; first < order.size(); first += batch_size) {
    const std::size_t count = std::min(batch_size, order.size() - first);
    if (count < batch_size && drop_last) break;
    batches.push_back(order.subspan(first, count));
  }
  return batches;
}
// [ch08-batches]

// [ch08-stratified]
std::vector<std::size_t> stratified_order(const std::vector<std::uint8_t>& labels, nn::Rng& rng) {
  std::vector<std::vector<std::size_t>> by_class;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] >= by_class.size()) by_class.resize(labels[i] + std::size_t{1});
    by_class[labels[i]].push_back(i);
  }
  std::size_t rounds = 0;
  for (auto& members : by_class) {
    std::shuffle(members.begin(), members.end(), rng);
    rounds = std::max(rounds, members.size());
  }
  std::vector<std::size_t> order;
  order.reserve(labels.size());
  for (std::size_t r = 0; r < rounds; ++r)
    for (const auto& members : by_class)
      if (r < members.size()) order.push_back(members[r]);
  return order;
}
// [ch08-stratified]

// [ch08-warmup]
float warmup_learning_rate(float peak, std::size_t step, std::size_t warmup_steps) {
  if (step >= warmup_steps) return peak;
  return peak * static_cast<float>(step + 1) / static_cast<float>(warmup_steps);
}
// [ch08-warmup]

}  // namespace exercises
