#include "aemigap/embed/stored_model.hpp"

#include "aemigap/core/error.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/core/store_schema.hpp"
#include "aemigap/data/fasta.hpp"
#include "aemigap/embed/embed_stage.hpp"

namespace aemigap::embed {

namespace sc = schema;

StoredModel StoredModel::read(const Store& s, SequenceKind kind) {
  const std::string g = kind == SequenceKind::Mirna ? sc::kEmbedMirna : sc::kEmbedGene;
  if (!s.exists(g + sc::kEmbedWordVectors))
    throw InputError(s.path(), 0, "store has no embedding model (" + g + "): run `aemigap embed` first");
  StoredModel m;
  m.vocab.vocab = s.read_strings(g + sc::kEmbedVocab);
  auto counts = s.read<std::int64_t>(g + sc::kEmbedWordCounts);
  auto& o = m.options;
  o.dims = static_cast<int>(s.attr_int(sc::kEmbed, sc::kAttrDims));
  o.window = static_cast<int>(s.attr_int(g, sc::kAttrWindow));
  o.epochs = static_cast<int>(s.attr_int(g, sc::kAttrEpochs));
  o.negative = static_cast<int>(s.attr_int(sc::kEmbed, sc::kAttrNegative));
  o.dm = parse_choice<EmbedMode>(s.attr_string(sc::kEmbed, sc::kAttrMode)) == EmbedMode::Dm;
  o.dm_mean = s.attr_int(sc::kEmbed, sc::kAttrDmMean) != 0;
  o.alpha = s.attr_double(sc::kEmbed, sc::kAttrAlpha);
  o.min_alpha = s.attr_double(sc::kEmbed, sc::kAttrMinAlpha);
  o.sample = s.attr_double(sc::kEmbed, sc::kAttrSample);
  m.k = static_cast<int>(s.attr_int(sc::kEmbed, sc::kAttrK));
  m.frames = static_cast<int>(s.attr_int(sc::kEmbed, sc::kAttrFrames));
  m.ns = s.attr_string(g, sc::kAttrNamespace)[0];
  m.model.restore(o, s.read<float>(g + sc::kEmbedWordVectors), s.read<float>(g + sc::kEmbedOutputWeights),
                  std::vector<std::uint64_t>(counts.begin(), counts.end()));
  return m;
}

std::vector<float> StoredModel::infer(const std::string& raw_sequence, std::uint64_t seed, std::string* normalised) const {
  const Alphabet alphabet = ns == kMirnaNs ? Alphabet::Rna : ns == 'p' ? Alphabet::Protein : Alphabet::Nucleotide;
  const std::string seq = normalise_sequence(raw_sequence, alphabet);
  if (normalised) *normalised = seq;
  auto docs = CorpusBuilder::encode(vocab, ns, seq, k, frames);
  std::size_t words = 0;
  for (const auto& doc : docs) words += doc.size();
  if (words == 0)
    throw ConfigError("sequence " + seq + ": none of its " + std::to_string(k) + "-mers is in the " +
                      (ns == kMirnaNs ? "miRNA" : "gene") + " vocabulary");
  return model.infer(docs, options.epochs, seed);
}

}  // namespace aemigap::embed
