// Chapter 11: the fast kernels, in the stages by which the chapter builds them.
#include "kernels.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <vector>

#if defined(__AVX512F__)
#include <immintrin.h>
// GCC 12's AVX-512 intrinsics start some results from _mm512_undefined_ps(),
// which its own -Wmaybe-uninitialized then reports at every use: not ours.
// (Clang has no such warning, and would warn about the unknown name.)
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#endif

#include "parallel.hpp"
#include "stochastic.hpp"

namespace nn::kernels {

namespace {
Stage current_stage = Stage::reference;  // what chapter 1 installs at start

void prepare(TensorView out, Write mode) {
  if (mode == Write::overwrite) std::fill_n(out.data(), out.size(), 0.0f);
}
}  // namespace

namespace stages {

// [skip-zeros]
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
// [skip-zeros]

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

// [floats]
// kVectorFloats floats in one vector register, by GCC's and Clang's vector
// extension: arithmetic on it is one vector instruction (16 floats with
// AVX-512, 8 with AVX2; kernels.hpp chooses). When this was written, the
// register panel, as plain loops, was vectorised by GCC 12 the wrong way
// round, across k with gather instructions, and ran slower than the loops it
// replaced; the assembly showed it, and this type says what we mean.
constexpr std::size_t V = kVectorFloats;
using Floats = float __attribute__((vector_size(sizeof(float) * V)));
Floats load(const float* from) {
  Floats v;
  std::memcpy(&v, from, sizeof v);  // an unaligned load: vmovups
  return v;
}
void store(float* to, Floats v) { std::memcpy(to, &v, sizeof v); }

// Moving the first `width` floats of a vector. With their parameter kMask
// true (kMasked, as the callers write it), load_columns and store_columns go
// through an AVX-512 mask whose first `width` bits are set: they touch no
// memory past those floats, and the load gives zeros in the rest of the
// vector. With kMask false, or without AVX-512, they move a whole vector.
[[maybe_unused]] constexpr bool kMasked = true;  // used only with AVX-512
#if defined(__AVX512F__)
__mmask16 first_floats(std::size_t width) { return static_cast<__mmask16>((1u << width) - 1); }
#endif
template <bool kMask>
Floats load_columns(const float* from, [[maybe_unused]] std::size_t width) {
#if defined(__AVX512F__)
  if constexpr (kMask) return Floats(_mm512_maskz_loadu_ps(first_floats(width), from));
#endif
  return load(from);
}
template <bool kMask>
void store_columns(float* to, Floats v, [[maybe_unused]] std::size_t width) {
#if defined(__AVX512F__)
  if constexpr (kMask) {
    _mm512_mask_storeu_ps(to, first_floats(width), __m512(v));
    return;
  }
#endif
  store(to, v);
}
// [floats]

// [nonzeros]
// Which of a[0 .. n) are not zero, n ≤ 64: bit k of the result is set when
// a[k] is (NaN counts as not zero). Testing each element with an `if` costs a
// mispredicted branch whenever the pattern of zeros surprises the processor,
// which on an image is often. With AVX-512 one instruction compares V
// elements with zero into a mask of V bits, which is already the answer for
// those V elements. A last, shorter vector is loaded through a mask, as zeros
// past n; whole ones are loaded plainly (with a mask on every load, the first
// layer's product ran slower on this machine when this was written). Without
// AVX-512, each comparison is a 0 or a 1 shifted into place: still no branch.
// A block of kTile = 64 elements is one 64-bit word.
std::uint64_t nonzero_bits(const float* a, std::size_t n) {
  std::uint64_t bits = 0;
  std::size_t k = 0;
#if defined(__AVX512F__)
  const auto compare = [](Floats v) {
    return std::uint64_t{_mm512_cmp_ps_mask(__m512(v), _mm512_setzero_ps(), _CMP_NEQ_UQ)};
  };
  for (; k + V <= n; k += V) bits |= compare(load(a + k)) << k;
  if (k < n) bits |= compare(load_columns<kMasked>(a + k, n - k)) << k, k = n;
#endif
  for (; k < n; ++k) bits |= std::uint64_t{a[k] != 0.0f} << k;
  return bits;
}

// The set bits of a run of 64-bit words, in the order of k: bit j of word w
// is position k = 64 w + j. next() finds the lowest bit still set (count
// trailing zeros: one instruction), clears it, and returns its position; the
// caller asks for no more positions than there are bits.
class SetBits {
 public:
  explicit SetBits(const std::uint64_t* words) : words_(words) {}
  std::size_t next() {
    while (bits_ == 0) bits_ = words_[word_++];
    const std::size_t k = 64 * (word_ - 1) + static_cast<std::size_t>(std::countr_zero(bits_));
    bits_ &= bits_ - 1;  // the lowest set bit cleared
    return k;
  }

 private:
  const std::uint64_t* words_;
  std::size_t word_ = 0;  // the next word to read
  std::uint64_t bits_ = 0;
};

std::size_t count_bits(const std::uint64_t* words, std::size_t count) {
  std::size_t bits = 0;
  for (std::size_t w = 0; w < count; ++w) bits += static_cast<std::size_t>(std::popcount(words[w]));
  return bits;
}

// nonzero_bits of a[0 .. n) in words of 64 elements: word w holds the bits of
// a[64 w …]. Returns how many words were written.
std::size_t nonzero_words(const float* a, std::size_t n, std::uint64_t* words) {
  const std::size_t count = (n + 63) / 64;
  for (std::size_t w = 0; w < count; ++w) words[w] = nonzero_bits(a + 64 * w, std::min<std::size_t>(64, n - 64 * w));
  return count;
}
// [nonzeros]

// [nonzero-indices]
// Chapter 9's nonzero_indices, V elements an instruction: once a blocked
// stage is installed, the fused per-sample step lists its inputs with it. With
// AVX-512 the comparison's mask picks the positions of the nonzero elements
// out of a vector of sixteen positions, and one instruction (vpcompressd)
// packs them to the front of a register, which is stored at the end of the
// list so far: no branch. The store writes 16 positions from the count, which
// is never past k, so never past values.size(), for which `indices` has room.
// Without AVX-512, and for the last elements, chapter 9's loop.
std::size_t nonzero_indices_by_vectors(std::span<const float> values, std::uint32_t* indices) {
  const float* a = values.data();
  std::size_t count = 0, k = 0;
#if defined(__AVX512F__)
  __m512i index = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  for (; k + 16 <= values.size(); k += 16, index = _mm512_add_epi32(index, _mm512_set1_epi32(16))) {
    const __mmask16 nonzero = _mm512_cmp_ps_mask(_mm512_loadu_ps(a + k), _mm512_setzero_ps(), _CMP_NEQ_UQ);
    _mm512_storeu_si512(indices + count, _mm512_maskz_compress_epi32(nonzero, index));
    count += static_cast<std::size_t>(std::popcount(static_cast<unsigned>(nonzero)));
  }
#endif
  for (; k < values.size(); ++k) {
    indices[count] = static_cast<std::uint32_t>(k);
    count += a[k] != 0.0f;
  }
  return count;
}
// [nonzero-indices]

// [panel]
// The one inner kernel of the blocked products a b and a bᵀ. For j < W:
//   out[j] = (accumulate ? out[j] : 0) + Σ_k a[k] · b[k·b_step + j],
// the sum over the k whose bit is set in `nonzeros` (the `count` nonzero
// elements of a, in the order of k). The W running sums live in W/V vector
// registers for the whole of this share of the sum (W = kPanelWidth: 8 of the
// 32 registers of AVX-512): out is read once and written once a call, instead
// of once for every k,
// and every k costs one broadcast and W/V fused multiply-adds, each with its
// load of b. With kMask (AVX-512 only), the panel is the last `width` < V
// columns of a row, such as the ten classes: out is read and written through
// a mask that covers those columns alone, while b's rows are padded to a
// whole vector.
template <std::size_t W, bool kMask = false>
void panel(float* out, const float* a, const std::uint64_t* nonzeros, std::size_t count, const float* b,
           std::size_t b_step, bool accumulate, [[maybe_unused]] std::size_t width = W) {
  static_assert(W % V == 0 && (!kMask || W == V));
  SetBits bits(nonzeros);
  if constexpr (W == V) {
    // One vector of sums alone would be one chain of additions, each waiting
    // for the one before it (four cycles or so); four chains, over every
    // fourth nonzero, keep the processor busy. The ten classes take this path.
    Floats sum0 = accumulate ? load_columns<kMask>(out, width) : Floats{}, sum1{}, sum2{}, sum3{};
    const auto term = [&](std::size_t k) { return (Floats{} + a[k]) * load(b + k * b_step); };
    std::size_t c = 0;
    for (; c + 4 <= count; c += 4) {
      sum0 += term(bits.next());
      sum1 += term(bits.next());
      sum2 += term(bits.next());
      sum3 += term(bits.next());
    }
    for (; c < count; ++c) sum0 += term(bits.next());
    store_columns<kMask>(out, (sum0 + sum1) + (sum2 + sum3), width);
    return;
  }
  // Each loop over v unrolled by order: without it GCC 12 kept the array of
  // sums on the stack outside the loop over c, storing and loading every sum
  // again at each call, and a call has only a dozen nonzeros or so to add.
  Floats sum[W / V];
#pragma GCC unroll 16
  for (std::size_t v = 0; v < W / V; ++v) sum[v] = accumulate ? load(out + V * v) : Floats{};
  for (std::size_t c = 0; c < count; ++c) {
    const std::size_t k = bits.next();
    const Floats a_k = Floats{} + a[k];  // a[k] in every lane
    const float* b_k = b + k * b_step;
#pragma GCC unroll 16
    for (std::size_t v = 0; v < W / V; ++v) sum[v] += a_k * load(b_k + V * v);
  }
#pragma GCC unroll 16
  for (std::size_t v = 0; v < W / V; ++v) store(out + V * v, sum[v]);
}
// [panel]

constexpr std::size_t round_up(std::size_t n) { return (n + V - 1) / V * V; }

// The same for a narrow tail of W < V columns when b's rows are not padded,
// without AVX-512 (panel_tail, below): W scalar sums, which the compiler
// keeps in registers because W is known.
// (With the width a run-time number the sums lived in memory, and every k
// waited for the previous k's store: eight times slower.)
template <std::size_t W>
void panel_narrow(float* out, const float* a, const std::uint64_t* nonzeros, std::size_t count, const float* b,
                  std::size_t b_step, bool accumulate) {
  float sum[W];
  for (std::size_t j = 0; j < W; ++j) sum[j] = accumulate ? out[j] : 0.0f;
  SetBits bits(nonzeros);
  for (std::size_t c = 0; c < count; ++c) {
    const std::size_t k = bits.next();
    const float* b_k = b + k * b_step;
    for (std::size_t j = 0; j < W; ++j) sum[j] += a[k] * b_k[j];
  }
  for (std::size_t j = 0; j < W; ++j) out[j] = sum[j];
}

// The last `width` < V columns of a row when b's rows are not padded, each
// column one chain of sums in the order of k. With AVX-512 they are the lanes
// of one vector: b's rows are read, and out read (when accumulating) and
// written, through a mask of `width` floats. A product of one image's row by W₂ took about a quarter
// of the time of panel_narrow's scalar sums when this was written (0.14 µs
// against 0.56). Without AVX-512, panel_narrow<width>, for a width known only
// at run time, 1 ≤ width ≤ W.
#if defined(__AVX512F__)
void panel_tail(std::size_t width, float* out, const float* a, const std::uint64_t* nonzeros, std::size_t count,
                const float* b, std::size_t b_step, bool accumulate) {
  Floats sum = accumulate ? load_columns<kMasked>(out, width) : Floats{};
  SetBits bits(nonzeros);
  for (std::size_t c = 0; c < count; ++c) {
    const std::size_t k = bits.next();
    sum += (Floats{} + a[k]) * load_columns<kMasked>(b + k * b_step, width);
  }
  store_columns<kMasked>(out, sum, width);
}
#else
template <std::size_t W = V - 1>
void panel_tail(std::size_t width, float* out, const float* a, const std::uint64_t* nonzeros, std::size_t count,
                const float* b, std::size_t b_step, bool accumulate) {
  if (width == W) return panel_narrow<W>(out, a, nonzeros, count, b, b_step, accumulate);
  if constexpr (W > 1) panel_tail<W - 1>(width, out, a, nonzeros, count, b, b_step, accumulate);
}
#endif

// [row]
// One output row of n columns: out = (accumulate ? out : 0) + Σ_k a[k] ·
// b[k·b_step + :], over the nonzero elements of a, given as the set bits of
// `words` words (nonzero_bits). The panels of kPanelWidth, half, a quarter …
// of it walk the same bits. The last n mod V columns (the 10 classes with
// AVX-512, the last 2 of them without) are one vector too if b's rows are
// padded (b_step ≥ round_up(n): the callers that copy b pad it with zeros).
// With AVX-512 that panel reads and writes out through a mask that covers the
// real columns alone; without it, its sums go to a vector on the stack, of
// which only the real columns are copied to out. If b's rows are not padded,
// each of those columns is one chain of sums in the order of k (panel_tail).
// The cut depends on n alone, and the tail's path on b_step, which is the same
// for the whole product, so every row of a product is cut alike. A column's sum is one chain of
// additions in the order of k, except in a panel of one vector, which keeps
// four (panel): there the order, and so the last bits, differ, but the same
// for every row and every run.
void row(float* out, std::size_t n, const float* a, const std::uint64_t* nonzeros, std::size_t words, const float* b,
         std::size_t b_step, bool accumulate) {
  const std::size_t count = count_bits(nonzeros, words);
  if (count == 0 && accumulate) return;  // nothing to add to this row
  std::size_t j = 0;
  for (; j + kPanelWidth <= n; j += kPanelWidth)
    panel<kPanelWidth>(out + j, a, nonzeros, count, b + j, b_step, accumulate);
  if constexpr (kPanelWidth / 2 >= V)
    if (j + kPanelWidth / 2 <= n)
      panel<kPanelWidth / 2>(out + j, a, nonzeros, count, b + j, b_step, accumulate), j += kPanelWidth / 2;
  if constexpr (kPanelWidth / 4 >= V)
    if (j + kPanelWidth / 4 <= n)
      panel<kPanelWidth / 4>(out + j, a, nonzeros, count, b + j, b_step, accumulate), j += kPanelWidth / 4;
  if constexpr (kPanelWidth / 8 >= V)
    if (j + kPanelWidth / 8 <= n)
      panel<kPanelWidth / 8>(out + j, a, nonzeros, count, b + j, b_step, accumulate), j += kPanelWidth / 8;
  if (j < n && b_step < round_up(n))
    return panel_tail(n - j, out + j, a, nonzeros, count, b + j, b_step, accumulate);
#if defined(__AVX512F__)
  if (j < n) panel<V, kMasked>(out + j, a, nonzeros, count, b + j, b_step, accumulate, n - j);
#else
  if (j < n) {
    float tail[V] = {};
    if (accumulate) std::copy(out + j, out + n, tail);
    panel<V>(tail, a, nonzeros, count, b + j, b_step, true);
    std::copy_n(tail, n - j, out + j);
  }
#endif
}
// [row]

// Each thread's room for the nonzero bits of kTileRows rows of a, and for
// aligned_copy: kept from product to product, so that only the first product
// allocates.
struct Scratch {
  std::vector<std::uint64_t> nonzeros;
  std::vector<float> copy;
};
thread_local Scratch scratch;

// [aligned]
// rows × n floats from `from` (rows `from_step` apart), copied to rows
// [skip, skip + rows) of a buffer with rows of step = round_up(n) floats,
// zero-padded, that starts at a multiple of 64 bytes; returns the buffer's
// start. `storage` holds it, kept from product to product. A vector load
// of 64 bytes that starts elsewhere straddles two cache lines and costs two
// loads. A tensor starts on a line (chapter 1's CacheLineAllocator), but its
// rows do not when they are not whole lines, as rows of ten classes are not,
// and neither does a view that starts inside a row: those are copied.
float* aligned_copy(std::vector<float>& storage, const float* from, std::size_t from_step, std::size_t rows,
                    std::size_t n, std::size_t skip = 0) {
  const std::size_t step = round_up(n);
  const std::size_t size = (skip + rows) * step + 64 / sizeof(float);  // room to move the start to a line
  if (storage.size() < size) storage.resize(size);
  const auto misalignment = reinterpret_cast<std::uintptr_t>(storage.data()) % 64;
  float* const start = storage.data() + (64 - misalignment) % 64 / sizeof(float);
  for (std::size_t r = 0; r < rows; ++r) {
    float* to = start + (skip + r) * step;
#if defined(__AVX512F__)
    // A vector at a time, the last one loaded through a mask: zeros past n.
    for (std::size_t j = 0; j < n; j += V)
      store(to + j, load_columns<kMasked>(from + r * from_step + j, std::min(V, n - j)));
#else
    std::copy_n(from + r * from_step, n, to);
    std::fill_n(to + n, step - n, 0.0f);
#endif
  }
  return start;
}
bool aligned(const float* p) { return reinterpret_cast<std::uintptr_t>(p) % 64 == 0; }
// [aligned]

}  // namespace

// [matmul-blocked]
// out = a b, rows [first, last): row i of out is row i of a times b. The
// nonzero bits of each row of a are found once, for the whole sum. Each row
// then walks b from top to bottom; for the first layer b is 784×128 floats,
// 392 KiB, more than an L1 data cache holds, so it would come from the L2
// cache every time. So b is taken in blocks of kTile rows (32 KiB for 128
// columns), and kTileRows rows of a take their share of one block while it is
// in L1; their rows of out hold the partial sums from block to block, and
// each row's share of a block is that block's word of its nonzero bits. From
// kCopyRows rows of out on, an aligned copy of b pays for itself.
void matmul_blocked(TensorView out, ConstTensorView a, ConstTensorView b, Write mode, std::size_t first,
                    std::size_t last) {
  constexpr std::size_t kRows = kTileRows, kCopyRows = 1024;
  static_assert(kTile % 64 == 0, "a block's nonzero bits are whole words");
  const std::size_t depth = a.cols(), n = b.cols(), words = (depth + 63) / 64;
  if (scratch.nonzeros.size() < kRows * words) scratch.nonzeros.resize(kRows * words);
  // b's rows as the panels want them, aligned and padded to whole vectors (the
  // ten classes: rows of 16 floats); if they are not, and there are enough
  // rows of out to pay for it, a copy.
  const float* b_rows = b.data();
  std::size_t b_step = n;
  // Decided from the whole product, never from this thread's rows: whether b
  // is copied decides how the ten classes are summed (row, below), and the
  // bits must not depend on how the rows were shared out.
  const bool b_as_wanted = aligned(b.data()) && (n * sizeof(float)) % 64 == 0;
  if (!b_as_wanted && (out.rows() >= kCopyRows || (n % V != 0 && out.rows() >= kRows))) {
    b_step = round_up(n);
    b_rows = aligned_copy(scratch.copy, b.data(), n, depth, n);
  }
  // A block of b that serves one row only saves nothing: a product of one
  // row (a single image's) takes b whole. Decided from the whole product
  // too, since the blocks decide where panel<V>'s four chains restart.
  const std::size_t block_words = out.rows() > 1 ? kTile / 64 : std::max<std::size_t>(words, 1);
  const std::size_t block = 64 * block_words, blocks = (depth + block - 1) / block;
  for (std::size_t i0 = first; i0 < last; i0 += kRows) {
    const std::size_t rows = std::min(kRows, last - i0);
    std::uint64_t* const nonzeros = scratch.nonzeros.data();  // row r's words from r · words on
    for (std::size_t r = 0; r < rows; ++r) nonzero_words(a.row(i0 + r).data(), depth, nonzeros + r * words);
    for (std::size_t t = 0; t == 0 || t < blocks; ++t) {
      const bool accumulate = mode == Write::accumulate || t > 0;
      const std::size_t k0 = t * block, w0 = t * block_words, block_words_here = std::min(block_words, words - w0);
      for (std::size_t r = 0; r < rows; ++r)
        row(out.row(i0 + r).data(), n, a.row(i0 + r).data() + k0, nonzeros + r * words + w0, block_words_here,
            b_rows + k0 * b_step, b_step, accumulate);
    }
  }
}
// [matmul-blocked]

namespace {

// [transpose]
#if defined(__AVX512F__)
// One square of 16 rows × `width` ≤ 16 columns copied transposed through
// registers: 16 rows loaded, shuffled in three rounds (pairs of floats, then
// of pairs, then of 128-bit quarters) until each register holds a column, and
// stored: some 100 instructions (64 of them shuffles) for 256 floats, where
// one float at a time takes 512 loads and stores. A narrower square, such as
// the ten columns of W₂ in a bᵀ, loads its rows through a mask that reads only the real
// columns, and stores only their columns. A whole square (kWhole) takes plain
// loads: given a mask of all ones, GCC 12 kept the masked loads, and when this
// chapter was written the full-batch step, whose weight gradient transposes
// its images square by square, ran a few percent slower with them.
template <bool kWhole>
[[gnu::always_inline]] inline void transpose_square(const float* from, std::size_t from_step, std::size_t width,
                                                    float* to, std::size_t to_step) {
  const __mmask16 real = first_floats(width);
  __m512 r[16], t[16];
  for (int i = 0; i < 16; ++i)
    r[i] = kWhole ? _mm512_loadu_ps(from + i * from_step) : _mm512_maskz_loadu_ps(real, from + i * from_step);
  for (int i = 0; i < 16; i += 2) {  // within each quarter: pairs of rows interleaved
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 16; i += 4) {  // quarter q of r[i + c]: rows i … i + 3 of column 4q + c
    r[i] = _mm512_shuffle_ps(t[i], t[i + 2], 0x44);
    r[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], 0xEE);
    r[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0x44);
    r[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
  }
  for (std::size_t c = 0; c < 4; ++c) {  // the quarters moved across registers: column 4q + c whole
    const __m512 low01 = _mm512_shuffle_f32x4(r[c], r[4 + c], 0x44);
    const __m512 high01 = _mm512_shuffle_f32x4(r[c], r[4 + c], 0xEE);
    const __m512 low23 = _mm512_shuffle_f32x4(r[8 + c], r[12 + c], 0x44);
    const __m512 high23 = _mm512_shuffle_f32x4(r[8 + c], r[12 + c], 0xEE);
    const __m512 column[4] = {_mm512_shuffle_f32x4(low01, low23, 0x88), _mm512_shuffle_f32x4(low01, low23, 0xDD),
                              _mm512_shuffle_f32x4(high01, high23, 0x88), _mm512_shuffle_f32x4(high01, high23, 0xDD)};
    for (std::size_t q = 0; q < 4; ++q)  // column 4q + c of the square
      if (kWhole || 4 * q + c < width) _mm512_storeu_ps(to + (4 * q + c) * to_step, column[q]);
  }
}
#endif

// to[c · to_step + r] = from[r · from_step + c] for r < rows, c < cols: a
// block of a matrix copied transposed, with AVX-512 by squares of 16 rows.
void transpose(const float* from, std::size_t from_step, std::size_t rows, std::size_t cols, float* to,
               std::size_t to_step) {
  std::size_t r0 = 0;
#if defined(__AVX512F__)
  for (; r0 + 16 <= rows; r0 += 16) {
    std::size_t c0 = 0;
    for (; c0 + 16 <= cols; c0 += 16)
      transpose_square<true>(from + r0 * from_step + c0, from_step, 16, to + c0 * to_step + r0, to_step);
    if (c0 < cols)
      transpose_square<false>(from + r0 * from_step + c0, from_step, cols - c0, to + c0 * to_step + r0, to_step);
  }
#endif
  for (std::size_t i = r0; i < rows; ++i)
    for (std::size_t c = 0; c < cols; ++c) to[c * to_step + i] = from[i * from_step + c];
}
// [transpose]

}  // namespace

// [matmul-at-b-blocked]
// out = aᵀ b, rows [first, last): out(i, :) = Σ_k a(k, i) b(k, :). Two things
// stand in the way of the inner kernel. Row i of out needs column i of a, whose
// elements lie a whole row of a apart (3 KiB for an image), each on its own
// cache line; and over a long batch, k runs over more rows of b than a core's
// caches hold (50,000 images at once: 24 MiB for 128 columns). So the sum is
// cut into blocks of kTile rows of b (32 KiB for 128 columns), and
// within a block, kTile columns of a at a time are copied transposed into a
// tile, where column i of a is a contiguous row. The partial sums wait in out
// between blocks: the order of the additions, and so the result, is the same
// as without blocks, except in a panel of one vector (the ten classes), whose
// four chains start again at each block. The blocks are the same for every
// range of rows, so the bits do not depend on how the rows were shared out.
void matmul_at_b_blocked(TensorView out, ConstTensorView a, ConstTensorView b, Write mode, std::size_t first,
                         std::size_t last) {
  alignas(64) float transposed[kTile * kTile];  // transposed[r · kTile + k] = a(k0 + k, i0 + r)
  std::uint64_t nonzeros[kTile / 64];
  const std::size_t depth = a.rows(), m = a.cols(), n = b.cols();
  // b's rows as the panels want them (see matmul_blocked), else a copy of each block.
  const bool b_as_wanted = aligned(b.data()) && (n * sizeof(float)) % 64 == 0;
  for (std::size_t k0 = 0; k0 == 0 || k0 < depth; k0 += kTile) {
    const std::size_t block = std::min(kTile, depth - k0);
    const bool accumulate = mode == Write::accumulate || k0 > 0;
    const float* b_block =
        b_as_wanted ? b.data() + k0 * n : aligned_copy(scratch.copy, b.data() + k0 * n, n, block, n);
    const std::size_t b_step = b_as_wanted ? n : round_up(n);
    for (std::size_t i0 = first; i0 < last; i0 += kTile) {
      const std::size_t rows = std::min(kTile, last - i0);
      transpose(a.data() + k0 * m + i0, m, block, rows, transposed, kTile);
      for (std::size_t r = 0; r < rows; ++r) {
        const std::size_t words = nonzero_words(transposed + r * kTile, block, nonzeros);
        row(out.row(i0 + r).data(), n, transposed + r * kTile, nonzeros, words, b_block, b_step, accumulate);
      }
    }
  }
}
// [matmul-at-b-blocked]

// [matmul-a-bt-blocked]
// out = a bᵀ, rows [first, last): out(i, j) = Σ_k a(i, k) b(j, k). Here b's
// rows are the wrong way round for the inner kernel, which wants b(k, j) along
// j; so a tile of at most kTile × kTile of b is copied transposed into a buffer
// on the stack (16 KiB, which stays in the L1 cache), and each output row
// takes the tile's share of its sum. For the 128×10 weights of the second
// layer one tile per 64 columns holds all ten classes.
void matmul_a_bt_blocked(TensorView out, ConstTensorView a, ConstTensorView b, Write mode, std::size_t first,
                         std::size_t last) {
  float transposed[kTile * kTile];
  std::uint64_t nonzeros[kTile / 64];
  const std::size_t depth = a.cols(), n = b.rows();
  for (std::size_t j0 = 0; j0 < n; j0 += kTile) {
    const std::size_t width = std::min(kTile, n - j0), step = round_up(width);  // rows of the tile, padded
    for (std::size_t k0 = 0; k0 == 0 || k0 < depth; k0 += kTile) {
      const std::size_t block = std::min(kTile, depth - k0);
      // transposed[k · step + j] = b(j0 + j, k0 + k), the columns past the width zero
      transpose(b.data() + j0 * depth + k0, depth, width, block, transposed, step);
      for (std::size_t k = 0; k < block; ++k) std::fill_n(transposed + k * step + width, step - width, 0.0f);
      const bool accumulate = mode == Write::accumulate || k0 > 0;
      for (std::size_t i = first; i < last; ++i) {
        const std::size_t words = nonzero_words(a.row(i).data() + k0, block, nonzeros);
        row(out.row(i).data() + j0, width, a.row(i).data() + k0, nonzeros, words, transposed, step, accumulate);
      }
    }
  }
}
// [matmul-a-bt-blocked]

}  // namespace stages

namespace {

// [share-rows]
// Runs blocked(out, a, b, mode, first, last) on all of out's rows: shared out
// among the pool's threads, in pieces of whole multiples of `align` rows, when
// the product has enough work to pay for handing pieces over; on the calling
// thread alone otherwise. `work` counts multiply-adds as if nothing were
// skipped. The first layer's products of a mini-batch of 64 images (6.4
// million of them, four in five skipped as zero pixels) are above the
// threshold; its second layer's (82,000) are below, and so is a single image.
// Each output row is computed by the same code whoever computes it, so the
// result does not depend on the thread count.
template <typename Blocked>
void share_rows(Blocked blocked, TensorView out, ConstTensorView a, ConstTensorView b, Write mode,
                std::size_t work, std::size_t align) {
  parallel::ThreadPool& pool = parallel::pool();
  if (pool.size() == 1 || work < kWorthSharing || out.rows() < 2) {
    blocked(out, a, b, mode, 0, out.rows());
    return;
  }
  pool.for_ranges(out.rows(), align, [&](std::size_t first, std::size_t last) {
    blocked(out, a, b, mode, first, last);
  });
}
// [share-rows]

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
template <RowsKernel blocked, std::size_t align>
void shared_rows(TensorView out, ConstTensorView a, ConstTensorView b, Write mode) {
  share_rows(blocked, out, a, b, mode, a.size() * out.cols(), align);
}

}  // namespace

// [install]
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
      return {shared_rows<stages::matmul_blocked, kTileRows>, shared_rows<stages::matmul_a_bt_blocked, 1>,
              shared_rows<stages::matmul_at_b_blocked, kTile>};
  }
  throw std::invalid_argument("products_of: not a stage");
}

void set_stage(Stage stage) {
  install_products(products_of(stage));
  // From the blocked stage on, chapter 9's fused step lists its inputs'
  // nonzeros with nonzero_indices_by_vectors.
  const bool blocked = stage == Stage::blocked || stage == Stage::threads;
  install_nonzero_indices(blocked ? stages::nonzero_indices_by_vectors : nn::nonzero_indices);
  current_stage = stage;
}
Stage stage() { return current_stage; }
// [install]

}  // namespace nn::kernels
