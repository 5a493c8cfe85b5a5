// The pair-vector autoencoder (3 encoder layers down to the latent, 3 back) with the
// min-max scaler of its training rows: its latent is a feature set of the classifier.
// Stored in the HDF5 store under /ae (train-ae) and inside every checkpoint that uses it.
// Torch-free header (the network is behind Impl, model/impl.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "aemigap/core/fwd.hpp"
#include "aemigap/model/scalers.hpp"

namespace aemigap::model {

struct AutoencoderSpec {
  int input = 128;
  std::vector<int> hidden{112, 96};  // widths between input and latent
  int latent = 64;
  // 2 x embed-dims in, ae-hidden, ae-latent.
  static AutoencoderSpec from(const Config& cfg);
};

class AutoencoderModel {
 public:
  AutoencoderModel();
  ~AutoencoderModel();
  AutoencoderModel(AutoencoderModel&&) noexcept;
  AutoencoderModel& operator=(AutoencoderModel&&) noexcept;

  // A new network of `spec`, initialised from torch's current seed, with `minmax`.
  static AutoencoderModel create(const AutoencoderSpec& spec, Scaler minmax);

  std::vector<float> encode(const float* x, std::size_t n) const;  // raw rows -> latent [n x latent]
  AutoencoderModel clone() const;
  const Scaler& minmax() const;
  const AutoencoderSpec& spec() const;
  std::uint64_t fingerprint() const;  // hash of the scaler and parameters

  // HDF5: weights as datasets "<group>/params/<parameter name>", the scaler and the spec.
  void write(Store& s, const std::string& group) const;
  // Throws InputError naming the store when it has no autoencoder at `group`.
  static AutoencoderModel read(const Store& s, const std::string& group);

  struct Impl;
  Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace aemigap::model
