// The model `score` and `query` load: classifier + scaler + feature set (+ the autoencoder
// that made its features). One file (LibTorch's archive), written by `cv`; it carries its
// own sizes (the classifier and autoencoder specs) and the config that trained it.
#pragma once

#include <memory>
#include <string>

#include "aemigap/core/config.hpp"
#include "aemigap/model/autoencoder.hpp"
#include "aemigap/model/classifier.hpp"

namespace torch::serialize {
class OutputArchive;
class InputArchive;
}  // namespace torch::serialize

namespace aemigap::model {

// The archive's format tag (its "format" entry).
inline constexpr const char* kCheckpointFormat = "aemigap-checkpoint-1";

class Checkpoint {
 public:
  FeatureSet feature_set = FeatureSet::PairLatent;
  std::string config_ini;  // the config that trained it
  std::string protocol;    // e.g. "paper, fold 3 of 5"
  double auc = 0;
  Classifier classifier;
  std::unique_ptr<AutoencoderModel> ae;  // set when the features use the latent

  void save(const std::string& path) const;  // atomic: temp file + rename
  static Checkpoint load(const std::string& path);
  std::string to_bytes() const;  // the same archive in memory (to send between ranks)
  static Checkpoint from_bytes(const std::string& bytes, const std::string& where);
  // "lstm on pair+latent features (checkpoint <shown_path>: paper, fold 3 of 5, CV AUC 0.8122)"
  std::string describe(const std::string& shown_path) const;

 private:
  void to_archive(torch::serialize::OutputArchive& ar) const;
  static Checkpoint from_archive(torch::serialize::InputArchive& ar, const std::string& where);
};

// The checkpoint a config scores with: `checkpoint`, else <results-dir>/model.pt.
std::string checkpoint_path(const Config& cfg);

// Device::Auto -> Cuda when LibTorch has CUDA and sees a GPU, else Cpu; others unchanged.
Device resolve_device(Device configured);

}  // namespace aemigap::model
