#include "aemigap/model/lstm_kernel.hpp"

#include <cstring>
#include <vector>

#include "aemigap/core/cpu_dispatch.hpp"

namespace aemigap::model {

namespace {
#define AEMIGAP_KERNEL_BODY "../model/lstm_kernel_body.inc"
#include "../core/cpu_levels.inc"
}  // namespace

void LstmStack::score(const float* h0, const float* c0, const float* x, std::size_t n, int steps, float* prob) const {
  static const auto fn = core::by_level(&level_base::score, &level_v3::score, &level_v4::score);
  fn(*this, h0, c0, x, n, steps, prob);
}

void LstmStack::prefix_state(const float* x, int steps, float* hout, float* cout) const {
  static const auto fn = core::by_level(&level_base::prefix_state, &level_v3::prefix_state, &level_v4::prefix_state);
  fn(*this, x, steps, hout, cout);
}

}  // namespace aemigap::model
