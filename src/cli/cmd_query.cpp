// aemigap query: answers from the stored score matrix, TSV to stdout.
//   --pair MIRNA,GENE    one pair's score (or "validated" for a positive)
//   --mirna X --top N    the N best genes of a miRNA (one row read)
//   --gene Y --top N     the N best miRNAs of a gene (one column, read by row blocks)
#include <cmath>
#include <cstdio>

#include "aemigap/core/error.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/core/text.hpp"
#include "aemigap/data/dataset.hpp"
#include "aemigap/score/topk.hpp"
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
}  // namespace

int run_query(Context& ctx) {
  if (ctx.rank != 0) return 0;
  const Config& cfg = ctx.cfg;
  int modes = !cfg.pair.empty() + !cfg.mirna.empty() + !cfg.gene.empty();
  if (modes != 1) throw ConfigError("query needs exactly one of --pair MIRNA,GENE, --mirna X, --gene Y");
  Store s = Store::open(cfg.store);
  if (!s.exists("/scores/done")) throw InputError(cfg.store, 0, "store has no scores: run `aemigap score` first");
  Dataset d = read_dataset(s);
  const std::size_t ng = d.gene_names.size(), nm = d.mirna_names.size();
  auto done = s.read<std::uint8_t>("/scores/done");
  const auto br = static_cast<std::size_t>(s.attr_int("/scores", "block_rows"));
  auto row_done = [&](std::size_t r) { return done[r / br] != 0; };
  std::vector<float> row(ng);
  if (!cfg.pair.empty()) {
    auto parts = split(cfg.pair, ',');
    if (parts.size() != 2) throw ConfigError("--pair takes MIRNA,GENE");
    std::size_t m = find_name(d.mirna_names, nullptr, std::string(trim(parts[0])), "miRNA");
    std::size_t g = find_name(d.gene_names, &d.gene_symbols, std::string(trim(parts[1])), "gene");
    if (!row_done(m)) throw InputError(cfg.store, 0, "this miRNA's scores are not computed yet (run `aemigap score --resume`)");
    s.read_rows("/scores/matrix", m, 1, row.data());
    std::printf("mirna\tgene\tscore\n%s\t%s\t%s\n", d.mirna_names[m].c_str(), d.gene_names[g].c_str(),
                std::isnan(row[g]) ? "validated" : std::to_string(row[g]).c_str());
    return 0;
  }
  score::TopK top(static_cast<std::size_t>(std::max(1, cfg.top)));
  if (!cfg.mirna.empty()) {
    std::size_t m = find_name(d.mirna_names, nullptr, cfg.mirna, "miRNA");
    if (!row_done(m)) throw InputError(cfg.store, 0, "this miRNA's scores are not computed yet (run `aemigap score --resume`)");
    s.read_rows("/scores/matrix", m, 1, row.data());
    for (std::size_t g = 0; g < ng; ++g) top.add({row[g], static_cast<std::int32_t>(m), static_cast<std::int32_t>(g)});
  } else {
    std::size_t g = find_name(d.gene_names, &d.gene_symbols, cfg.gene, "gene");
    const std::size_t chunk = br * 16;
    std::vector<float> buf;
    for (std::size_t r0 = 0; r0 < nm; r0 += chunk) {
      std::size_t rows = std::min(nm, r0 + chunk) - r0;
      buf.resize(rows * ng);
      s.read_rows("/scores/matrix", r0, rows, buf.data());
      for (std::size_t r = 0; r < rows; ++r)
        if (row_done(r0 + r)) top.add({buf[r * ng + g], static_cast<std::int32_t>(r0 + r), static_cast<std::int32_t>(g)});
    }
  }
  std::printf("rank\tmirna\tgene\tsymbols\tscore\n");
  auto best = top.sorted();
  for (std::size_t i = 0; i < best.size(); ++i) {
    const auto m = static_cast<std::size_t>(best[i].mirna), g = static_cast<std::size_t>(best[i].gene);
    std::printf("%zu\t%s\t%s\t%s\t%.6f\n", i + 1, d.mirna_names[m].c_str(), d.gene_names[g].c_str(),
                d.gene_symbols[g].c_str(), best[i].score);
  }
  return 0;
}

}  // namespace aemigap::cli
