// aemigap query: answers from the stored scores, TSV to stdout. `score` is what orders the
// pairs (/scores/ranking when the ranker built one, else the classifier's probability);
// `probability` is the classifier's (/scores/matrix).
//   --pair MIRNA,GENE    one pair's score (or "validated" for a positive)
//   --mirna X --top N    the N best genes of a miRNA (one row read)
//   --gene Y --top N     the N best miRNAs of a gene (one column, read by row blocks)
//   --sequence SEQ       a sequence not in the store, by the classifier alone (it has no
//                        known pairs, so the graph side of a ranker cannot score it)
#include <cctype>
#include <cmath>
#include <cstdio>

#include "aemigap/core/error.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/core/text.hpp"
#include "aemigap/data/dataset.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/threads.hpp"
#include "aemigap/embed/corpus.hpp"
#include "aemigap/embed/doc2vec.hpp"
#include "aemigap/embed/embed_stage.hpp"
#include "aemigap/rank/ranking.hpp"
#include "aemigap/score/topk.hpp"
#include "aemigap/train/models.hpp"
#include "commands.hpp"

namespace aemigap::cli {

namespace {
std::size_t find_name(const std::vector<std::string>& names, const std::vector<std::string>* symbols,
                      const std::string& want, const char* what) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == want) return i;
    if (symbols)
      for (auto s : split((*symbols)[i], ';'))
        if (s == want) return i;
  }
  auto close = closest_matches(want, names, 3);
  std::string hint;
  for (std::size_t i = 0; i < close.size(); ++i) hint += (i ? ", " : " (did you mean ") + close[i];
  throw ConfigError(std::string("unknown ") + what + " '" + want + "'" + (hint.empty() ? "" : hint + "?)"));
}
// A new sequence: infer its vector with the stored doc2vec model of its kind (frozen), then
// score it against every partner with the checkpoint (the plain forward pass).
int query_sequence(const Config& cfg) {
  Store s = Store::open(cfg.store);
  Dataset d = read_dataset(s);
  const bool is_mirna = cfg.sequence_kind == "mirna";
  const std::string g = is_mirna ? "/embed/mirna" : "/embed/gene";
  if (!s.exists(g + "/word_vectors")) throw InputError(cfg.store, 0, "store has no embedding model (" + g + "): run `aemigap embed` first");
  embed::Corpus vocab;
  vocab.vocab = s.read_strings(g + "/vocab");
  auto counts = s.read<std::int64_t>(g + "/word_counts");
  embed::Doc2VecOptions o;
  o.dims = static_cast<int>(s.attr_int("/embed", "dims"));
  o.window = static_cast<int>(s.attr_int(g, "window"));
  o.epochs = static_cast<int>(s.attr_int(g, "epochs"));
  o.negative = static_cast<int>(s.attr_int("/embed", "negative"));
  o.dm = s.attr_string("/embed", "mode") == "dm";
  o.dm_mean = s.attr_int("/embed", "dm_mean") != 0;
  o.alpha = s.attr_double("/embed", "alpha");
  o.min_alpha = s.attr_double("/embed", "min_alpha");
  o.sample = s.attr_double("/embed", "sample");
  const int k = static_cast<int>(s.attr_int("/embed", "k")), frames = static_cast<int>(s.attr_int("/embed", "frames"));
  const char ns = s.attr_string(g, "namespace")[0];
  std::string seq;
  for (char c : cfg.sequence) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (ns == 'n' && c == 'T') c = 'U';
    if (ns == 'd' && c == 'U') c = 'T';
    seq += c;
  }
  auto docs = embed::CorpusBuilder::encode(vocab, ns, seq, k, frames);
  std::size_t words = 0;
  for (const auto& doc : docs) words += doc.size();
  if (words == 0) throw ConfigError("--sequence: none of its " + std::to_string(k) + "-mers is in the " + cfg.sequence_kind + " vocabulary");
  embed::Doc2Vec model;
  model.restore(o, s.read<float>(g + "/word_vectors"), s.read<float>(g + "/output_weights"),
                std::vector<std::uint64_t>(counts.begin(), counts.end()));
  auto v = model.infer(docs, o.epochs, cfg.seed);
  std::vector<float> mirna, gene;
  std::size_t dims = 0;
  embed::read_embeddings(s, mirna, gene, dims);
  const std::string ckpt = cfg.checkpoint.empty() ? cfg.results_dir + "/model.pt" : cfg.checkpoint;
  auto ck = train::Checkpoint::load(ckpt);
  std::vector<std::int32_t> mi, gi;
  const std::size_t partners = is_mirna ? d.n_gene() : d.n_mirna();
  for (std::size_t j = 0; j < partners; ++j) {
    mi.push_back(is_mirna ? 0 : static_cast<std::int32_t>(j));
    gi.push_back(is_mirna ? static_cast<std::int32_t>(j) : 0);
  }
  auto x = train::pair_features(is_mirna ? v : mirna, is_mirna ? gene : v, dims, mi, gi, ck.feature_set, ck.ae.get());
  auto p = ck.classifier.predict(x.data(), partners, resolve_threads(cfg.threads));
  log_info("[query] a new sequence has no validated pairs: scored by the classifier alone");
  score::TopK top(static_cast<std::size_t>(std::max(1, cfg.top)));
  for (std::size_t j = 0; j < partners; ++j) top.add({p[j], mi[j], gi[j]});
  std::printf("rank\t%s\tscore\n", is_mirna ? "gene" : "mirna");
  auto best = top.sorted();
  for (std::size_t i = 0; i < best.size(); ++i)
    std::printf("%zu\t%s\t%.6f\n", i + 1,
                is_mirna ? d.gene_names[static_cast<std::size_t>(best[i].gene)].c_str()
                         : d.mirna_names[static_cast<std::size_t>(best[i].mirna)].c_str(),
                best[i].score);
  return 0;
}

}  // namespace

int run_query(Context& ctx) {
  if (ctx.rank != 0) return 0;
  const Config& cfg = ctx.cfg;
  int modes = !cfg.pair.empty() + !cfg.mirna.empty() + !cfg.gene.empty() + !cfg.sequence.empty();
  if (modes != 1) throw ConfigError("query needs exactly one of --pair MIRNA,GENE, --mirna X, --gene Y, --sequence SEQ");
  if (!cfg.sequence.empty()) return query_sequence(cfg);
  Store s = Store::open(cfg.store);
  if (!s.exists("/scores/done")) throw InputError(cfg.store, 0, "store has no scores: run `aemigap score` first");
  Dataset d = read_dataset(s);
  const std::size_t ng = d.gene_names.size(), nm = d.mirna_names.size();
  auto done = s.read<std::uint8_t>("/scores/done");
  const auto br = static_cast<std::size_t>(s.attr_int("/scores", "block_rows"));
  auto row_done = [&](std::size_t r) { return done[r / br] != 0; };
  const std::string ds = rank::ranking_dataset(s);
  const bool ranked = ds != "/scores/matrix";
  std::vector<float> row(ng), prob(ng);
  if (!cfg.pair.empty()) {
    auto parts = split(cfg.pair, ',');
    if (parts.size() != 2) throw ConfigError("--pair takes MIRNA,GENE");
    std::size_t m = find_name(d.mirna_names, nullptr, std::string(trim(parts[0])), "miRNA");
    std::size_t g = find_name(d.gene_names, &d.gene_symbols, std::string(trim(parts[1])), "gene");
    if (!row_done(m)) throw InputError(cfg.store, 0, "this miRNA's scores are not computed yet (run `aemigap score --resume`)");
    s.read_rows(ds, m, 1, row.data());
    s.read_rows("/scores/matrix", m, 1, prob.data());
    auto show = [](float v) {
      char b[32];
      std::snprintf(b, sizeof b, "%.6f", v);
      return std::isnan(v) ? std::string("validated") : std::string(b);
    };
    std::printf("mirna\tgene\tscore\tprobability\n%s\t%s\t%s\t%s\n", d.mirna_names[m].c_str(), d.gene_names[g].c_str(),
                show(row[g]).c_str(), show(prob[g]).c_str());
    return 0;
  }
  score::TopK top(static_cast<std::size_t>(std::max(1, cfg.top)));
  if (!cfg.mirna.empty()) {
    std::size_t m = find_name(d.mirna_names, nullptr, cfg.mirna, "miRNA");
    if (!row_done(m)) throw InputError(cfg.store, 0, "this miRNA's scores are not computed yet (run `aemigap score --resume`)");
    s.read_rows(ds, m, 1, row.data());
    for (std::size_t g = 0; g < ng; ++g) top.add({row[g], static_cast<std::int32_t>(m), static_cast<std::int32_t>(g)});
  } else {
    std::size_t g = find_name(d.gene_names, &d.gene_symbols, cfg.gene, "gene");
    const std::size_t chunk = br * 16;
    std::vector<float> buf;
    for (std::size_t r0 = 0; r0 < nm; r0 += chunk) {
      std::size_t rows = std::min(nm, r0 + chunk) - r0;
      buf.resize(rows * ng);
      s.read_rows(ds, r0, rows, buf.data());
      for (std::size_t r = 0; r < rows; ++r)
        if (row_done(r0 + r)) top.add({buf[r * ng + g], static_cast<std::int32_t>(r0 + r), static_cast<std::int32_t>(g)});
    }
  }
  std::printf("rank\tmirna\tgene\tsymbols\tscore\tprobability\n");
  auto best = top.sorted();
  std::size_t prob_row = nm;  // the miRNA row in `prob` (none yet); --mirna reads it once
  for (std::size_t i = 0; i < best.size(); ++i) {
    const auto m = static_cast<std::size_t>(best[i].mirna), g = static_cast<std::size_t>(best[i].gene);
    float p = best[i].score;
    if (ranked) {
      if (prob_row != m) s.read_rows("/scores/matrix", prob_row = m, 1, prob.data());
      p = prob[g];
    }
    std::printf("%zu\t%s\t%s\t%s\t%.6f\t%.6f\n", i + 1, d.mirna_names[m].c_str(), d.gene_names[g].c_str(),
                d.gene_symbols[g].c_str(), best[i].score, p);
  }
  return 0;
}

}  // namespace aemigap::cli
