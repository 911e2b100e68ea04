// Chapter 8's exercises, checked by hand-counted batches and by the
// properties a shuffled, balanced order must have.
#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>
#include <set>
#include <stdexcept>

#include "ch08.hpp"

TEST_CASE("exercise 8.1: batches are views into the order, the last one shorter", "[exercise][ch08]") {
  INFO("hint: each batch is order.subspan(first, count); a last, shorter batch is kept unless drop_last");
  const std::vector<std::size_t> order = {7, 3, 9, 0, 5, 1, 8, 2, 6, 4};
  const auto batches = exercises::split_into_batches(order, 4, false);
  REQUIRE(batches.size() == 3);
  CHECK(batches[0].size() == 4);
  CHECK(batches[1].size() == 4);
  CHECK(batches[2].size() == 2);
  CHECK(batches[1].data() == order.data() + 4);  // a view, not a copy
  CHECK(batches[2][1] == 4);
  CHECK(exercises::split_into_batches(order, 4, true).size() == 2);
  CHECK(exercises::split_into_batches(order, 5, true).size() == 2);  // 5 divides 10: nothing to drop
  CHECK(exercises::split_into_batches(order, 20, false).size() == 1);
  CHECK(exercises::split_into_batches(order, 20, true).empty());
  CHECK(exercises::split_into_batches(std::span<const std::size_t>{}, 3, false).empty());
  CHECK_THROWS_AS(exercises::split_into_batches(order, 0, false), std::invalid_argument);
}

TEST_CASE("exercise 8.2: a stratified order is a seeded permutation with every class in every round",
          "[exercise][ch08]") {
  INFO("hint: group the indices by class, std::shuffle each group with rng (class 0 first), then take the r-th index of every class that has one, round by round");
  std::vector<std::uint8_t> labels(100);
  for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<std::uint8_t>((7 * i) % 4);  // 25 each
  nn::Rng rng(3);
  const std::vector<std::size_t> order = exercises::stratified_order(labels, rng);
  REQUIRE(order.size() == labels.size());
  std::vector<std::size_t> sorted = order, all(labels.size());
  std::ranges::sort(sorted);
  std::iota(all.begin(), all.end(), std::size_t{0});
  CHECK(sorted == all);  // a permutation of 0 … 99
  for (std::size_t first = 0; first < order.size(); first += 4) {
    std::set<std::uint8_t> classes;
    for (std::size_t j = first; j < first + 4; ++j) classes.insert(labels[order[j]]);
    CHECK(classes.size() == 4);  // each round holds one image of every class
  }
  std::vector<std::size_t> zeros;  // class 0's images, in the order drawn
  for (std::size_t index : order)
    if (labels[index] == 0) zeros.push_back(index);
  CHECK_FALSE(std::ranges::is_sorted(zeros));  // shuffled (sorted by chance: 1 in 25!)
  nn::Rng same(3), other(4);
  CHECK(exercises::stratified_order(labels, same) == order);
  CHECK(exercises::stratified_order(labels, other) != order);
  // Unequal classes: a class that runs out drops out of later rounds.
  nn::Rng rng2(1);
  const std::vector<std::size_t> uneven = exercises::stratified_order({0, 0, 0, 1}, rng2);
  REQUIRE(uneven.size() == 4);
  CHECK(uneven[1] == 3);  // round 0: a 0, then the only 1
}

TEST_CASE("exercise 8.3: the warm-up climbs linearly to the peak", "[exercise][ch08]") {
  INFO("hint: step s (from 0) uses peak·(s + 1)/warmup_steps while s < warmup_steps, peak after");
  CHECK(exercises::warmup_learning_rate(0.1f, 0, 4) == Approx(0.025));
  CHECK(exercises::warmup_learning_rate(0.1f, 1, 4) == Approx(0.05));
  CHECK(exercises::warmup_learning_rate(0.1f, 2, 4) == Approx(0.075));
  CHECK(exercises::warmup_learning_rate(0.1f, 3, 4) == Approx(0.1));
  CHECK(exercises::warmup_learning_rate(0.1f, 1000, 4) == Approx(0.1));
  CHECK(exercises::warmup_learning_rate(0.1f, 0, 0) == Approx(0.1));  // no warm-up
}
