// WebAssembly only: tensor.cpp sends float products to chapter 11's kernels,
// whose fast paths share rows among a pool of threads. The page runs one small
// image at a time in one thread, so here those calls go to chapter 1's loops,
// nn::reference, which the kernels are tested against.
#include "kernels.hpp"

namespace nn::kernels {

void matmul(TensorView out, ConstTensorView a, ConstTensorView b, Write mode) { reference::matmul(out, a, b, mode); }
void matmul_a_bt(TensorView out, ConstTensorView a, ConstTensorView b, Write mode) {
  reference::matmul_a_bt(out, a, b, mode);
}
void matmul_at_b(TensorView out, ConstTensorView a, ConstTensorView b, Write mode) {
  reference::matmul_at_b(out, a, b, mode);
}

}  // namespace nn::kernels
