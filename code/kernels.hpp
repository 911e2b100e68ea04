// Chapter 11: the fast kernels behind nn::matmul, nn::matmul_a_bt and nn::matmul_at_b.
#pragma once

#include "tensor.hpp"

namespace nn::kernels {

// Chapter 1 owns the products and checks their shapes; this chapter's kernels
// run behind them once installed through chapter 1's seam (install_products in
// tensor.hpp), one stage at a time: set_stage below.

/// A product is shared among the threads only from this many multiply-adds
/// (counted as if no zero were skipped): below it, handing pieces to another
/// thread costs more than it saves (exercise 11.3 moves it and measures).
inline constexpr std::size_t kWorthSharing = std::size_t{1} << 20;

/// The blocked products cut their sums into blocks of kTile rows, and copy
/// tiles of kTile × kTile transposed (chapter 11 says what they hold in bytes);
/// a b takes each block of b to kTileRows rows of a at a time. Every group of
/// kTileRows rows brings all of b in from the L2 cache once, so the more rows
/// a group has the better, while a block of b and the group's rows of out
/// stay in the L1 cache (32 KiB and 16 KiB for 128 columns: the whole of a
/// 48 KiB L1, more than a 32 KiB one). On the 48 KiB L1 of the machine this
/// was chosen on, groups of 16 rows made both the mini-batch and the
/// full-batch workloads of the benchmark a few per cent slower. A batch of
/// 64 is two groups: work for two cores, no more.
inline constexpr std::size_t kTile = 64, kTileRows = 32;
// [vector-floats]
/// The floats in one of the kernels' vectors (`Floats`): the widest vector the
/// compiler was told the processor has. `-march=native` on a processor with
/// AVX-512 defines __AVX512F__: 16 floats in a 512-bit register; otherwise 8
/// floats (256 bits, AVX2's width). Elsewhere
/// the compiler splits the vectors into what the processor has: still right.
#if defined(__AVX512F__)
inline constexpr std::size_t kVectorFloats = 16;
#else
inline constexpr std::size_t kVectorFloats = 8;
#endif
/// The widest panel of running sums that the blocked kernels keep in vector
/// registers: eight vectors, a quarter of AVX-512's 32 registers, half of AVX2's 16.
inline constexpr std::size_t kPanelWidth = 8 * kVectorFloats;
// [vector-floats]

// [stages]
/// The steps by which chapter 11 makes the products fast. Each includes the
/// ones before it; `threads` is what training runs, the others stay so that
/// the chapter can time every step and the tests can compare them.
enum class Stage {
  reference,   ///< chapter 1's loops, nn::reference
  skip_zeros,  ///< loops in the order that lets an input of zero skip a whole row of work
  blocked,     ///< each output row held in registers across the sum, the sum cut into cache-sized blocks
  threads,     ///< the blocked kernels with the output rows shared out among the cores
};
// [stages]

// [install]
/// The stage's three kernels, in the form chapter 1's seam takes them.
ProductKernels products_of(Stage stage);
/// Installs the stage's kernels behind nn::matmul, nn::matmul_a_bt and
/// nn::matmul_at_b (install_products), and from the blocked stage on the list
/// of nonzero inputs of chapter 9's fused step (install_nonzero_indices).
/// Like the thread count, a setting of the whole process: change it between
/// products. The chapter programs run
/// `threads`, which nn::run_program installs when the build has chapter 11;
/// code that calls no set_stage (the tests of chapters 1–10) runs chapter 1's loops.
void set_stage(Stage stage);
/// The stage set_stage installed last; `reference` before any.
Stage stage();

/// Installs a stage for as long as it lives, and the stage before it again
/// when it dies, however the scope is left: an exception thrown in a timed
/// run cannot leave the rest of the program on a slow stage.
class ScopedStage {
 public:
  explicit ScopedStage(Stage stage) : previous_(kernels::stage()) { set_stage(stage); }
  ~ScopedStage() { set_stage(previous_); }
  ScopedStage(const ScopedStage&) = delete;
  ScopedStage& operator=(const ScopedStage&) = delete;

 private:
  Stage previous_;
};
// [install]

/// The kernels of each stage, callable directly (the tests and the chapter's
/// program do). The `threads` stage is the `blocked` one run by the pool.
namespace stages {
void matmul_skip_zeros(TensorView out, ConstTensorView a, ConstTensorView b, Write mode);
void matmul_at_b_skip_zeros(TensorView out, ConstTensorView a, ConstTensorView b, Write mode);
/// Rows [first, last) of out only: the unit of work a thread gets.
void matmul_blocked(TensorView out, ConstTensorView a, ConstTensorView b, Write mode, std::size_t first,
                    std::size_t last);
void matmul_a_bt_blocked(TensorView out, ConstTensorView a, ConstTensorView b, Write mode, std::size_t first,
                         std::size_t last);
void matmul_at_b_blocked(TensorView out, ConstTensorView a, ConstTensorView b, Write mode, std::size_t first,
                         std::size_t last);
}  // namespace stages

}  // namespace nn::kernels
