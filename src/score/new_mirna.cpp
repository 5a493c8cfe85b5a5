#include "aemigap/score/new_mirna.hpp"

#include "aemigap/core/store.hpp"
#include "aemigap/embed/embed_stage.hpp"
#include "aemigap/eval/evidence.hpp"
#include "aemigap/eval/families.hpp"
#include "aemigap/model/features.hpp"
#include "aemigap/rank/ensemble.hpp"
#include "aemigap/rank/stored.hpp"

namespace aemigap::score {

NewMirnaScorer::NewMirnaScorer(const Config& cfg, const Store& s, const Dataset& d, const rank::StoredRanking* stored,
                               int threads)
    : cfg_(cfg), d_(d), stored_(stored), threads_(threads), doc2vec_(embed::StoredModel::read(s, SequenceKind::Mirna)),
      ck_(model::Checkpoint::load(model::checkpoint_path(cfg))) {
  std::vector<float> mirna_emb;
  embed::read_embeddings(s, mirna_emb, gene_emb_, dims_);
}

bool NewMirnaScorer::by_ensemble() const { return stored_ != nullptr && stored_->ensemble != nullptr; }

NewMirnaScores NewMirnaScorer::score(const std::string& raw_sequence) const {
  NewMirnaScores r;
  const auto v = doc2vec_.infer(raw_sequence, cfg_.seed, &r.sequence);
  r.seed = eval::seed_of(r.sequence);
  const std::size_t ng = d_.n_gene();
  std::vector<std::int32_t> mi(ng, 0), gi(ng);
  for (std::size_t j = 0; j < ng; ++j) gi[j] = static_cast<std::int32_t>(j);
  const auto x = model::pair_features(v, gene_emb_, dims_, mi, gi, ck_.feature_set, ck_.ae.get());
  r.probability = ck_.classifier.predict(x.data(), ng, threads_);
  if (by_ensemble()) {
    r.features = stored_->evidence->new_mirna(r.sequence, v);
    r.score = stored_->ensemble->predict(r.features, ng);
    r.by_ensemble = true;
  } else {
    r.score = r.probability;
  }
  return r;
}

}  // namespace aemigap::score
