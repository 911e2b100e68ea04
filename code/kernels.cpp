// Chapter 11: the fast kernels, in the stages by which the chapter builds them.
#include "kernels.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "parallel.hpp"

namespace nn::kernels {

namespace {
Stage current_stage = Stage::reference;  // what chapter 1 installs at start

void prepare(TensorView out, Write mode) {
  if (mode == Write::overwrite) std::fill_n(out.data(), out.size(), 0.0f);
}
}  // namespace

namespace stages {

//! [skip-zeros]
// out = a b in the loop order of chapter 1 (i, k, j), with one test added: an
// element a(i, k) of zero would add zero times row k of b, so the whole row
// of work is skipped. Four in five MNIST pixels are zero.
void matmul_skip_zeros(TensorView out, ConstTensorView a, ConstTensorView b, Write mode) {
  prepare(out, mode);
  const std::size_t n = b.cols();
  for (std::size_t i = 0; i < a.rows(); ++i) {
    float* out_row = out.row(i).data();
    for (std::size_t k = 0; k < a.cols(); ++k) {
      const float a_ik = a(i, k);
      if (a_ik == 0.0f) continue;
      const float* b_row = b.row(k).data();
      for (std::size_t j = 0; j < n; ++j) out_row[j] += a_ik * b_row[j];
    }
  }
}
//! [skip-zeros]

// out = aᵀ b in chapter 1's order (k, i, j), skipping the zeros of a the same way.
void matmul_at_b_skip_zeros(TensorView out, ConstTensorView a, ConstTensorView b, Write mode) {
  prepare(out, mode);
  const std::size_t n = b.cols();
  for (std::size_t k = 0; k < a.rows(); ++k) {
    const float* a_row = a.row(k).data();
    const float* b_row = b.row(k).data();
    for (std::size_t i = 0; i < a.cols(); ++i) {
      const float a_ki = a_row[i];
      if (a_ki == 0.0f) continue;
      float* out_row = out.row(i).data();
      for (std::size_t j = 0; j < n; ++j) out_row[j] += a_ki * b_row[j];
    }
  }
}

namespace {

//! [nonzeros]
// The elements of a[k·a_step] for k < depth that are not zero, as (k, value)
// pairs in the order of k. Testing each element with an `if` costs a
// mispredicted branch whenever the pattern of zeros surprises the processor,
// which on an image is often; so every element is written, and the count moves
// on only past the ones that are not zero: no branch at all.
std::size_t gather_nonzeros(const float* a, std::size_t a_step, std::size_t depth, std::uint32_t* ks,
                            float* values) {
  std::size_t count = 0;
  for (std::size_t k = 0; k < depth; ++k) {
    const float value = a[k * a_step];
    ks[count] = static_cast<std::uint32_t>(k);
    values[count] = value;
    count += value != 0.0f;
  }
  return count;
}
//! [nonzeros]

//! [floats8]
// Eight floats in one 256-bit AVX register, by GCC's and Clang's vector
// extension: arithmetic on it is one vector instruction. (Written as plain
// loops, the panel below was vectorised by GCC 12 the wrong way round, across
// k with gather instructions, and ran slower than the loops it replaced; the
// assembly showed it, and this type says what we mean.)
using Floats8 = float __attribute__((vector_size(32)));
Floats8 load8(const float* from) {
  Floats8 v;
  std::memcpy(&v, from, sizeof v);  // an unaligned load: vmovups
  return v;
}
void store8(float* to, Floats8 v) { std::memcpy(to, &v, sizeof v); }
//! [floats8]

//! [panel]
// The one inner kernel of every blocked product. For j < W:
//   out[j] = (accumulate ? out[j] : 0) + Σ_c values[c] · b[ks[c]·b_step + j],
// the sum over the nonzero elements c of a in the order of k. The W running
// sums live in W/8 vector registers for the whole sum (W = 64: eight of the
// 16 an AVX2 core has, or of the 32 with AVX-512): out is read once and
// written once, instead of once for every k, and every k costs one broadcast
// and W/8 fused multiply-adds.
template <std::size_t W>
void panel(float* out, const std::uint32_t* ks, const float* values, std::size_t count, const float* b,
           std::size_t b_step, bool accumulate) {
  static_assert(W % 8 == 0);
  Floats8 sum[W / 8];
  for (std::size_t v = 0; v < W / 8; ++v) sum[v] = accumulate ? load8(out + 8 * v) : Floats8{};
  for (std::size_t c = 0; c < count; ++c) {
    const Floats8 a_k = Floats8{} + values[c];  // values[c] in all eight lanes
    const float* b_k = b + ks[c] * b_step;
    for (std::size_t v = 0; v < W / 8; ++v) sum[v] += a_k * load8(b_k + 8 * v);
  }
  for (std::size_t v = 0; v < W / 8; ++v) store8(out + 8 * v, sum[v]);
}
//! [panel]

// The same for a narrow tail of W < 8 columns, such as the last 2 of 10
// classes: W scalar sums, which the compiler keeps in registers because W is
// known. (With the width a run-time number the sums lived in memory, and every
// k waited for the previous k's store: eight times slower.)
template <std::size_t W>
void panel_narrow(float* out, const std::uint32_t* ks, const float* values, std::size_t count, const float* b,
                  std::size_t b_step, bool accumulate) {
  float sum[W];
  for (std::size_t j = 0; j < W; ++j) sum[j] = accumulate ? out[j] : 0.0f;
  for (std::size_t c = 0; c < count; ++c) {
    const float a_k = values[c];
    const float* b_k = b + ks[c] * b_step;
    for (std::size_t j = 0; j < W; ++j) sum[j] += a_k * b_k[j];
  }
  for (std::size_t j = 0; j < W; ++j) out[j] = sum[j];
}

// panel_narrow<width> for a width known only at run time, 1 ≤ width ≤ W.
template <std::size_t W = 7>
void panel_tail(std::size_t width, float* out, const std::uint32_t* ks, const float* values, std::size_t count,
                const float* b, std::size_t b_step, bool accumulate) {
  if (width == W) return panel_narrow<W>(out, ks, values, count, b, b_step, accumulate);
  if constexpr (W > 1) panel_tail<W - 1>(width, out, ks, values, count, b, b_step, accumulate);
}

//! [row]
// One output row of n columns: out = (accumulate ? out : 0) + a b, where a is
// depth numbers a[k·a_step] and b is depth rows b[k·b_step + j]. The nonzeros
// of a are gathered once per block of 1024 and shared by every panel of 64,
// 32, 16, 8 columns and the tail. Each element gets the same operations in
// the same order whichever panel it falls in, so the cut changes no result.
void row(float* out, std::size_t n, const float* a, std::size_t a_step, const float* b, std::size_t b_step,
         std::size_t depth, bool accumulate) {
  constexpr std::size_t kBlock = 1024;
  std::uint32_t ks[kBlock];
  float values[kBlock];
  for (std::size_t k0 = 0; k0 == 0 || k0 < depth; k0 += kBlock) {
    const std::size_t count = gather_nonzeros(a + k0 * a_step, a_step, std::min(kBlock, depth - k0), ks, values);
    const bool add = accumulate || k0 > 0;
    if (count == 0 && add) continue;  // nothing to add to this row
    const float* b_block = b + k0 * b_step;
    std::size_t j = 0;
    for (; j + 64 <= n; j += 64) panel<64>(out + j, ks, values, count, b_block + j, b_step, add);
    if (j + 32 <= n) panel<32>(out + j, ks, values, count, b_block + j, b_step, add), j += 32;
    if (j + 16 <= n) panel<16>(out + j, ks, values, count, b_block + j, b_step, add), j += 16;
    if (j + 8 <= n) panel<8>(out + j, ks, values, count, b_block + j, b_step, add), j += 8;
    if (j < n) panel_tail(n - j, out + j, ks, values, count, b_block + j, b_step, add);
  }
}
//! [row]

}  // namespace

//! [matmul-blocked]
// out = a b, rows [first, last): row i of out is row i of a times b. Each row
// walks b from top to bottom; for the first layer b is 784×128 floats, 392 KiB,
// more than an L1 data cache holds, so it would come from the L2 cache every
// time. So b is taken in blocks of kTile rows (32 KiB for 128 columns) and
// kTile rows of the batch take their share of one block while it is in L1;
// their kTile rows of out (as many bytes again) hold the partial sums from
// block to block. (Chapter 11 prints the L1 size of the machine it ran on.)
void matmul_blocked(TensorView out, ConstTensorView a, ConstTensorView b, Write mode, std::size_t first,
                    std::size_t last) {
  const std::size_t depth = a.cols(), n = b.cols();
  for (std::size_t i0 = first; i0 < last; i0 += kTile) {
    const std::size_t i1 = std::min(last, i0 + kTile);
    for (std::size_t k0 = 0; k0 == 0 || k0 < depth; k0 += kTile) {
      const std::size_t block = std::min(kTile, depth - k0);
      const bool accumulate = mode == Write::accumulate || k0 > 0;
      for (std::size_t i = i0; i < i1; ++i)
        row(out.row(i).data(), n, a.row(i).data() + k0, 1, b.data() + k0 * n, n, block, accumulate);
    }
  }
}
//! [matmul-blocked]

//! [matmul-at-b-blocked]
// out = aᵀ b, rows [first, last): out(i, :) = Σ_k a(k, i) b(k, :). Two things
// stand in the way of the inner kernel. Row i of out needs column i of a, whose
// elements lie a whole row of a apart (3 kB for an image), each on its own
// cache line and, 64 rows on, its own page; and for a full batch of 50,000
// images k runs over 50,000 rows of b, 24 MiB for 128 columns, more than a
// core's caches hold. So the sum is cut into blocks of kTile rows of b (32 KiB
// for 128 columns), and within a block, kTile columns of a at a time are
// copied transposed into a tile on the stack, where column i of a is a
// contiguous row. The partial sums wait in out between blocks: the order of
// the additions, and so the result, is the same as without blocks.
void matmul_at_b_blocked(TensorView out, ConstTensorView a, ConstTensorView b, Write mode, std::size_t first,
                         std::size_t last) {
  float tile[kTile * kTile];  // tile[r · kTile + k] = a(k0 + k, i0 + r)
  const std::size_t depth = a.rows(), n = b.cols();
  for (std::size_t k0 = 0; k0 == 0 || k0 < depth; k0 += kTile) {
    const std::size_t block = std::min(kTile, depth - k0);
    const bool accumulate = mode == Write::accumulate || k0 > 0;
    for (std::size_t i0 = first; i0 < last; i0 += kTile) {
      const std::size_t rows = std::min(kTile, last - i0);
      for (std::size_t k = 0; k < block; ++k)
        for (std::size_t r = 0; r < rows; ++r) tile[r * kTile + k] = a(k0 + k, i0 + r);
      for (std::size_t r = 0; r < rows; ++r)
        row(out.row(i0 + r).data(), n, tile + r * kTile, 1, b.data() + k0 * n, n, block, accumulate);
    }
  }
}
//! [matmul-at-b-blocked]

//! [matmul-a-bt-blocked]
// out = a bᵀ, rows [first, last): out(i, j) = Σ_k a(i, k) b(j, k). Here b's
// rows are the wrong way round for the inner kernel, which wants b(k, j) along
// j; so a tile of at most kTile × kTile of b is copied transposed into a buffer
// on the stack (16 KiB, which stays in the L1 cache), and each output row
// takes the tile's share of its sum. For the 128×10 weights of the second
// layer one tile per 64 columns holds all ten classes.
void matmul_a_bt_blocked(TensorView out, ConstTensorView a, ConstTensorView b, Write mode, std::size_t first,
                         std::size_t last) {
  float tile[kTile * kTile];
  const std::size_t depth = a.cols(), n = b.rows();
  for (std::size_t j0 = 0; j0 < n; j0 += kTile) {
    const std::size_t width = std::min(kTile, n - j0);
    for (std::size_t k0 = 0; k0 == 0 || k0 < depth; k0 += kTile) {
      const std::size_t block = std::min(kTile, depth - k0);
      for (std::size_t k = 0; k < block; ++k)
        for (std::size_t j = 0; j < width; ++j) tile[k * width + j] = b(j0 + j, k0 + k);
      const bool accumulate = mode == Write::accumulate || k0 > 0;
      for (std::size_t i = first; i < last; ++i)
        row(out.row(i).data() + j0, width, a.row(i).data() + k0, 1, tile, width, block, accumulate);
    }
  }
}
//! [matmul-a-bt-blocked]

}  // namespace stages

namespace {

//! [share-rows]
// Runs blocked(out, a, b, mode, first, last) on all of out's rows: shared out
// among the pool's threads when the product has enough work to pay for waking
// them, on the calling thread alone otherwise. `work` counts multiply-adds as
// if nothing were skipped; measured here, a mini-batch of 64 images (6.4
// million of them, four in five skipped as zero pixels) ran slower on two
// threads than on one, since waking a thread on this virtual machine costs tens
// of microseconds. So only products from kWorthSharing up are shared.
// Each output row is computed by the same code whoever computes it, so the
// result does not depend on the thread count.
template <typename Blocked>
void share_rows(Blocked blocked, TensorView out, ConstTensorView a, ConstTensorView b, Write mode,
                std::size_t work) {
  parallel::ThreadPool& pool = parallel::pool();
  if (pool.size() == 1 || work < kWorthSharing || out.rows() < 2) {
    blocked(out, a, b, mode, 0, out.rows());
    return;
  }
  pool.for_ranges(out.rows(), 1, [&](std::size_t first, std::size_t last) { blocked(out, a, b, mode, first, last); });
}
//! [share-rows]

}  // namespace

namespace {

// A blocked kernel, which computes rows [first, last) of out.
using RowsKernel = void (*)(TensorView out, ConstTensorView a, ConstTensorView b, Write mode, std::size_t first,
                            std::size_t last);

// The blocked kernel on all rows, on the calling thread: the `blocked` stage.
template <RowsKernel blocked>
void all_rows(TensorView out, ConstTensorView a, ConstTensorView b, Write mode) {
  blocked(out, a, b, mode, 0, out.rows());
}

// The blocked kernel with the rows shared among the threads: the `threads`
// stage. Each of the three products does M·K·N multiply-adds (as if no zero
// were skipped); a holds M·K numbers and out has N columns.
template <RowsKernel blocked>
void shared_rows(TensorView out, ConstTensorView a, ConstTensorView b, Write mode) {
  share_rows(blocked, out, a, b, mode, a.size() * out.cols());
}

}  // namespace

//! [install]
// Each stage is a table of three kernels for chapter 1's seam. Setting a stage
// installs its table; nn::matmul and the others check the shapes and call it.
// The skip-zeros stage has no a bᵀ kernel of its own, so it keeps chapter 1's.
ProductKernels products_of(Stage stage) {
  switch (stage) {
    case Stage::reference: return reference_products();
    case Stage::skip_zeros:
      return {stages::matmul_skip_zeros, nn::reference::matmul_a_bt, stages::matmul_at_b_skip_zeros};
    case Stage::blocked:
      return {all_rows<stages::matmul_blocked>, all_rows<stages::matmul_a_bt_blocked>,
              all_rows<stages::matmul_at_b_blocked>};
    case Stage::threads:
      return {shared_rows<stages::matmul_blocked>, shared_rows<stages::matmul_a_bt_blocked>,
              shared_rows<stages::matmul_at_b_blocked>};
  }
  throw std::invalid_argument("products_of: not a stage");
}

void set_stage(Stage stage) {
  install_products(products_of(stage));
  current_stage = stage;
}
Stage stage() { return current_stage; }
//! [install]

}  // namespace nn::kernels
