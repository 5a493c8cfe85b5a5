#include "lstm_grad.hpp"

#include <cmath>

namespace aemigap::train {

namespace {
void set_grad(torch::Tensor p, const torch::Tensor& g) {
  if (!p.grad().defined()) p.mutable_grad() = g.detach().clone();
  else p.mutable_grad().copy_(g);
}
}  // namespace

float lstm_loss_and_grad(model::SequenceClassifierImpl& net, const torch::Tensor& x_in, const torch::Tensor& y,
                         double share) {
  torch::NoGradGuard ng;
  const auto& o = net.options;
  const int64_t B = x_in.size(0), T = o.steps(), S = o.step_width, H = o.hidden, L = o.layers, G = 4 * H;
  // Time-major input [T, B, S], zero-padded to whole steps.
  torch::Tensor x = x_in.size(1) == T * S ? x_in : torch::constant_pad_nd(x_in, {0, T * S - x_in.size(1)});
  torch::Tensor X0 = x.view({B, T, S}).transpose(0, 1).contiguous();  // [T, B, S]
  auto params = net.lstm->named_parameters();
  std::vector<torch::Tensor> Wih(L), Whh(L), bias(L), In(L + 1), A(L), C(L), TC(L);
  for (int64_t l = 0; l < L; ++l) {
    auto k = std::to_string(l);
    Wih[l] = params["weight_ih_l" + k];
    Whh[l] = params["weight_hh_l" + k];
    bias[l] = params["bias_ih_l" + k] + params["bias_hh_l" + k];
  }
  // Projection: [T*B, S] -> [T*B, H].
  In[0] = torch::addmm(net.proj->bias, X0.view({T * B, S}), net.proj->weight.t());
  for (int64_t l = 0; l < L; ++l) {
    // Input parts of all steps' gates at once, then the recurrence step by step.
    A[l] = torch::addmm(bias[l], In[l], Wih[l].t()).view({T, B, G});
    C[l] = torch::empty({T, B, H});
    TC[l] = torch::empty({T, B, H});
    torch::Tensor Hout = torch::empty({T, B, H});
    torch::Tensor h = torch::zeros({B, H}), c = torch::zeros({B, H});
    auto WhhT = Whh[l].t();
    for (int64_t t = 0; t < T; ++t) {
      torch::Tensor g = A[l][t];  // [B, 4H]: i, f, g, o (PyTorch's order)
      if (t > 0) g.addmm_(h, WhhT);
      g.narrow(1, 0, 2 * H).sigmoid_();
      g.narrow(1, 2 * H, H).tanh_();
      g.narrow(1, 3 * H, H).sigmoid_();
      const float* gp = g.data_ptr<float>();
      const float* cprev = t > 0 ? C[l][t - 1].data_ptr<float>() : nullptr;
      float* cp = C[l][t].data_ptr<float>();
      for (int64_t b = 0; b < B; ++b)
        for (int64_t j = 0; j < H; ++j) {
          const float* gb = gp + b * G;
          float cv = gb[j] * gb[2 * H + j] + (cprev ? gb[H + j] * cprev[b * H + j] : 0.0f);
          cp[b * H + j] = cv;
        }
      torch::Tensor tc = TC[l][t], ht = Hout[t];
      torch::tanh_out(tc, C[l][t]);
      torch::mul_out(ht, g.narrow(1, 3 * H, H), tc);
      h = ht;
    }
    In[l + 1] = Hout.view({T * B, H});
  }
  // Head on the last step, loss, and its gradient.
  torch::Tensor hlast = In[L].view({T, B, H})[T - 1];
  torch::Tensor z = torch::addmm(net.head->bias, hlast, net.head->weight.t()).view({B});
  const float* zp = z.data_ptr<float>();
  const float* yp = y.data_ptr<float>();
  std::vector<float> dz(static_cast<std::size_t>(B));
  double loss = 0;
  const double scale = share / static_cast<double>(B);
  for (int64_t b = 0; b < B; ++b) {
    const double zb = zp[b], yb = yp[b];
    loss += std::max(zb, 0.0) - zb * yb + std::log1p(std::exp(-std::fabs(zb)));
    dz[static_cast<std::size_t>(b)] = static_cast<float>(scale * (1.0 / (1.0 + std::exp(-zb)) - yb));
  }
  torch::Tensor dZ = torch::from_blob(dz.data(), {B, 1}).clone();
  set_grad(net.head->weight, torch::mm(dZ.t(), hlast));
  set_grad(net.head->bias, dZ.sum(0));
  // Gradient w.r.t. each layer's outputs, [T, B, H]: at the top only the last step's.
  torch::Tensor dOut = torch::zeros({T, B, H});
  dOut[T - 1].copy_(torch::mm(dZ, net.head->weight));
  for (int64_t l = L - 1; l >= 0; --l) {
    torch::Tensor dG = torch::empty({T, B, G});
    torch::Tensor dh_next = torch::zeros({B, H});
    std::vector<float> dc_next(static_cast<std::size_t>(B * H), 0.0f);
    for (int64_t t = T - 1; t >= 0; --t) {
      torch::Tensor dh = dOut[t] + dh_next;
      const float* dhp = dh.data_ptr<float>();
      const float* gp = A[l][t].data_ptr<float>();
      const float* tcp = TC[l][t].data_ptr<float>();
      const float* cprev = t > 0 ? C[l][t - 1].data_ptr<float>() : nullptr;
      float* dgp = dG[t].data_ptr<float>();
      for (int64_t b = 0; b < B; ++b) {
        const float* gb = gp + b * G;
        float* db = dgp + b * G;
        for (int64_t j = 0; j < H; ++j) {
          const float i = gb[j], f = gb[H + j], g = gb[2 * H + j], og = gb[3 * H + j];
          const float tc = tcp[b * H + j], d = dhp[b * H + j];
          float& dcn = dc_next[static_cast<std::size_t>(b * H + j)];
          const float dc = d * og * (1.0f - tc * tc) + dcn;
          const float cp = cprev ? cprev[b * H + j] : 0.0f;
          db[j] = dc * g * i * (1.0f - i);
          db[H + j] = dc * cp * f * (1.0f - f);
          db[2 * H + j] = dc * i * (1.0f - g * g);
          db[3 * H + j] = d * tc * og * (1.0f - og);
          dcn = dc * f;
        }
      }
      if (t > 0) dh_next = torch::mm(dG[t], Whh[l]);
    }
    torch::Tensor dG2 = dG.view({T * B, G});
    // Recurrent weights: step t's gates against step t-1's output (none at t = 0).
    torch::Tensor Hprev = In[l + 1].view({T, B, H}).narrow(0, 0, T - 1).reshape({(T - 1) * B, H});
    set_grad(Whh[l], torch::mm(dG.narrow(0, 1, T - 1).reshape({(T - 1) * B, G}).t(), Hprev));
    set_grad(Wih[l], torch::mm(dG2.t(), In[l]));
    torch::Tensor db = dG2.sum(0);
    auto k = std::to_string(l);
    set_grad(params["bias_ih_l" + k], db);
    set_grad(params["bias_hh_l" + k], db);
    dOut = torch::mm(dG2, Wih[l]).view({T, B, H});  // w.r.t. layer l's input (H wide at every layer)
  }
  torch::Tensor dP = dOut.view({T * B, H});
  set_grad(net.proj->weight, torch::mm(dP.t(), X0.view({T * B, S})));
  set_grad(net.proj->bias, dP.sum(0));
  return static_cast<float>(loss * scale);
}

}  // namespace aemigap::train
