// Data-parallel glue for the torch training loops (private to src/train).
//
// All ranks of a communicator hold the same model. broadcast_params() makes rank 0's
// initial parameters everyone's; allreduce_grads() sums every parameter's gradient, plus a
// few scalars (the loss), in ONE fused buffer and one all-reduce per step. Each rank scales
// its local loss by its share of the global batch (n_local / n_global) before backward, so
// the sum is exactly the full-batch mean gradient, even for uneven or empty slices. The
// optimizer then takes identical steps everywhere.
//
// With the NCCL backend the fused buffer stays on the device; with MPI it lives in host
// memory (staged through a host copy when the model is on a GPU).
#pragma once

#include <torch/torch.h>

#include <vector>

#include "aemigap/core/error.hpp"
#include "aemigap/dist/communicator.hpp"

namespace aemigap::train {

class GradSync {
 public:
  // comm may be null or of size 1: then nothing is communicated.
  GradSync(std::vector<torch::Tensor> params, dist::Communicator* comm) : params_(std::move(params)), comm_(comm) {
    for (const auto& p : params_) numel_ += p.numel();
    if (active() && comm_->device_memory())
      AEMIGAP_CHECK(params_.empty() || params_[0].is_cuda(),
                    "backend " << comm_->backend() << " works on device memory: train with device = cuda");
  }
  bool active() const { return comm_ && comm_->size() > 1; }
  int rank() const { return comm_ ? comm_->rank() : 0; }
  int size() const { return comm_ ? comm_->size() : 1; }
  std::int64_t numel() const { return numel_; }

  void broadcast_params() {
    if (!active()) return;
    torch::NoGradGuard ng;
    auto flat = comm_buffer(numel_);
    flatten_into(flat, /*grads=*/false);
    comm_->broadcast(flat.data_ptr<float>(), static_cast<std::size_t>(numel_), dist::DType::Float32, 0);
    unflatten_from(flat, /*grads=*/false);
  }

  // Sums the gradients and `extra` over ranks (in place).
  void allreduce_grads(std::vector<float>& extra) {
    if (!active()) return;
    torch::NoGradGuard ng;
    const auto n = numel_ + static_cast<std::int64_t>(extra.size());
    auto flat = comm_buffer(n);
    flatten_into(flat, /*grads=*/true);
    if (!extra.empty()) {
      auto tail = torch::from_blob(extra.data(), {static_cast<std::int64_t>(extra.size())}).to(flat.device());
      flat.narrow(0, numel_, static_cast<std::int64_t>(extra.size())).copy_(tail);
    }
    comm_->allreduce(flat.data_ptr<float>(), static_cast<std::size_t>(n), dist::DType::Float32, dist::ReduceOp::Sum);
    unflatten_from(flat, /*grads=*/true);
    if (!extra.empty()) {
      auto tail = flat.narrow(0, numel_, static_cast<std::int64_t>(extra.size())).to(torch::kCPU).contiguous();
      std::copy_n(tail.data_ptr<float>(), extra.size(), extra.begin());
    }
  }

 private:
  // The fused buffer lives where the backend works: the device for NCCL, host for MPI.
  torch::Tensor comm_buffer(std::int64_t n) {
    auto dev = comm_->device_memory() ? params_[0].device() : torch::Device(torch::kCPU);
    if (!buf_.defined() || buf_.numel() != n || buf_.device() != dev)
      buf_ = torch::empty({n}, torch::TensorOptions().dtype(torch::kFloat32).device(dev));
    return buf_;
  }
  void flatten_into(torch::Tensor& flat, bool grads) {
    std::int64_t off = 0;
    for (auto& p : params_) {
      auto dst = flat.narrow(0, off, p.numel());
      if (grads) {
        if (p.grad().defined()) dst.copy_(p.grad().reshape({-1}));
        else dst.zero_();
      } else {
        dst.copy_(p.detach().reshape({-1}));
      }
      off += p.numel();
    }
  }
  void unflatten_from(const torch::Tensor& flat, bool grads) {
    std::int64_t off = 0;
    for (auto& p : params_) {
      auto src = flat.narrow(0, off, p.numel()).view(p.sizes());
      if (grads) {
        if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
        p.mutable_grad().copy_(src);
      } else {
        p.detach().copy_(src);
      }
      off += p.numel();
    }
  }

  std::vector<torch::Tensor> params_;
  dist::Communicator* comm_;
  std::int64_t numel_ = 0;
  torch::Tensor buf_;
};

}  // namespace aemigap::train
