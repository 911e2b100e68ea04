// Chapter 15's exercises. Answer them in workspace/ch15.cpp; the tests are
// tests/exercises/test_ch15_exercises.cpp (ctest -L exercise).
#pragma once

#include <cstdint>
#include <vector>

#include "network.hpp"

namespace exercises {

// [ch15-declarations]
/// Exercise 15.1: how far a measured accuracy can be trusted. A test set of
/// `images` images on which a model is right with probability p gives a
/// measured accuracy whose standard error is √(p (1 − p) / images). Returns it
/// for the measured `accuracy` standing in for p. Throws std::invalid_argument
/// for no images or an accuracy outside [0, 1].
double accuracy_standard_error(double accuracy, std::size_t images);

/// Exercise 15.2: an ensemble. The predicted class of every row of `images`
/// (B×I) when the softmax probabilities of all `members` are averaged: the
/// class with the largest mean probability (the smallest index on a tie).
/// Throws std::invalid_argument for no members.
std::vector<std::uint8_t> ensemble_predict(const std::vector<const nn::Network*>& members,
                                           nn::ConstTensorView images);
// [ch15-declarations]

}  // namespace exercises
