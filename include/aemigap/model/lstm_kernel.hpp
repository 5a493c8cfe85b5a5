// LSTM inference for scoring, without LibTorch: the fused fast path's recurrent core.
//
// Per layer and step, one product [tile x (in + H)] x [(in + H) x 4H] (input and hidden
// weights stacked) by a register-blocked kernel, then the gates (PyTorch order i, f, g, o)
// in one fused pass with a vectorised exp; tiles of sequences stay in cache. Compiled per
// x86-64 level and chosen at run time (core/cpu_dispatch.hpp; body: lstm_kernel_body.inc).
// Results match LibTorch's LSTM to float rounding (the test allows 1e-5 on probabilities).
#pragma once

#include <cstddef>
#include <vector>

namespace aemigap::model {

struct LstmStack {
  int in0 = 16, hidden = 128, layers = 3;
  // Per layer: W [(in_l + H) x 4H] row-major (= [W_ih | W_hh] transposed), bias [4H] (b_ih + b_hh).
  std::vector<std::vector<float>> w, b;
  std::vector<float> head_w;  // [H]
  float head_b = 0;

  // Runs `steps` steps over n sequences x [n x steps x in0], all starting from the same
  // per-layer state h0, c0 ([layers x H]); writes sigmoid(head(h_last)) to prob[n].
  void score(const float* h0, const float* c0, const float* x, std::size_t n, int steps, float* prob) const;
  // The state after running one sequence x [steps x in0] from zeros: h, c [layers x H].
  void prefix_state(const float* x, int steps, float* h, float* c) const;
};

}  // namespace aemigap::model
