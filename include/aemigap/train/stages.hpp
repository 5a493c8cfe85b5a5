// The train-ae and cv stages: read the store, train (data-parallel over the ranks of
// `world`, with the gradient backend the config asks for), write the results.
#pragma once

#include <string>

#include "aemigap/core/fwd.hpp"

namespace aemigap::dist {
class Communicator;
}

namespace aemigap::train {

// The autoencoder over every positive and negative pair vector; rank 0 writes /ae and
// <results-dir>/ae_loss.tsv.
void train_ae_stage(const Config& cfg, dist::Communicator& world);

// Cross-validation as units over groups of ranks (train/cv.hpp); rank 0 writes the outputs,
// the checkpoint (<results-dir>/model.pt) and /cv, and gets the summary table back ("" on
// the other ranks and for a cv-task run, which writes its part only).
std::string cv_stage(const Config& cfg, dist::Communicator& world);

}  // namespace aemigap::train
