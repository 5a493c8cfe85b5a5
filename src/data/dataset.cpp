#include "aemigap/data/dataset.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "aemigap/core/config.hpp"
#include "aemigap/core/error.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/core/store_schema.hpp"
#include "aemigap/core/text.hpp"
#include "aemigap/data/fasta.hpp"
#include "aemigap/data/pairs.hpp"

namespace aemigap {

namespace {
std::string with_commas(std::uint64_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), ",");
  return s;
}
}  // namespace

std::string IngestReport::to_text() const {
  std::ostringstream os;
  auto n = [](std::uint64_t v) { return with_commas(v); };
  os << "pairs file        " << pairs_path << " (" << pairs_format << "): " << n(pair_records) << " records";
  if (skipped_species) os << ", " << n(skipped_species) << " non-human rows skipped";
  os << ", " << n(distinct_input_pairs) << " distinct pairs\n";
  os << "sequences         " << n(fasta_mirnas) << " miRNAs, " << n(fasta_genes) << " genes in FASTA";
  if (fasta_duplicates_merged) os << " (" << n(fasta_duplicates_merged) << " identical duplicates merged)";
  os << "\n";
  os << "aliases           " << n(aliases) << " entries; " << n(symbols_renamed)
     << " pair symbols mapped to a different FASTA key\n";
  os << "dropped           " << n(dropped_no_mirna_seq) << " pairs: miRNA has no sequence ("
     << n(mirnas_without_seq) << " miRNAs)\n";
  os << "                  " << n(dropped_no_gene_seq) << " pairs: gene has no sequence (" << n(symbols_without_seq)
     << " symbols)\n";
  os << "                  " << n(dropped_neither) << " pairs: neither has a sequence\n";
  os << "merged            " << n(merged_by_mapping) << " pairs that became duplicates after alias mapping\n";
  os << "kept              " << n(positives) << " positive pairs, " << n(mirnas) << " miRNAs, " << n(genes)
     << " genes\n";
  os << "unknown pool      " << n(pool) << " pairs (" << n(mirnas) << " x " << n(genes) << " - " << n(positives)
     << ")\n";
  return os.str();
}

Dataset ingest(const Config& cfg, IngestReport* report_out) {
  IngestReport rep;
  Stopwatch sw;

  std::size_t dup_m = 0, dup_g = 0;
  auto mirna_fa = read_fasta(cfg.mirna_fasta, Alphabet::Rna, &dup_m);
  auto gene_fa = read_fasta(cfg.gene_fasta, cfg.gene_alphabet == GeneAlphabet::Protein ? Alphabet::Protein : Alphabet::Nucleotide,
                            &dup_g);
  rep.fasta_mirnas = mirna_fa.size();
  rep.fasta_genes = gene_fa.size();
  rep.fasta_duplicates_merged = dup_m + dup_g;
  std::unordered_map<std::string, const FastaRecord*> mseq, gseq;
  for (const auto& r : mirna_fa) mseq.emplace(r.id, &r);
  for (const auto& r : gene_fa) gseq.emplace(r.id, &r);
  log_debug("read FASTA in " + human_seconds(sw.seconds()));

  std::unordered_map<std::string, std::string> aliases;
  if (!cfg.aliases.empty()) aliases = read_aliases(cfg.aliases);
  rep.aliases = aliases.size();

  PairsFormat fmt = resolve_pair_format(cfg.pairs, cfg.pairs_format);
  PairReadStats pst;
  auto raw = read_pairs(cfg.pairs, fmt, &pst);
  rep.pairs_path = cfg.pairs;
  rep.pairs_format = name_of(fmt);
  rep.pair_records = pst.records;
  rep.skipped_species = pst.skipped_species;

  // Distinct input pairs, then map: miRNA by name, gene symbol -> alias (or itself) -> FASTA key.
  std::set<std::pair<std::string, std::string>> distinct;
  for (const auto& p : raw) distinct.emplace(p.mirna, p.gene);
  rep.distinct_input_pairs = distinct.size();

  std::set<std::string> missing_m, missing_g;
  std::set<std::pair<std::string, std::string>> kept;  // (miRNA, gene key)
  std::map<std::string, std::set<std::string>> symbols_of_key;
  std::unordered_set<std::string> renamed;
  for (const auto& [m, sym] : distinct) {
    auto a = aliases.find(sym);
    const std::string& key = a == aliases.end() ? sym : a->second;
    bool hm = mseq.count(m) > 0, hg = gseq.count(key) > 0;
    if (!hm) missing_m.insert(m);
    if (!hg) missing_g.insert(sym);
    if (!hm && !hg) ++rep.dropped_neither;
    else if (!hm) ++rep.dropped_no_mirna_seq;
    else if (!hg) ++rep.dropped_no_gene_seq;
    else {
      if (!kept.emplace(m, key).second) ++rep.merged_by_mapping;
      symbols_of_key[key].insert(sym);
      if (key != sym) renamed.insert(sym);
    }
  }
  rep.mirnas_without_seq = missing_m.size();
  rep.symbols_without_seq = missing_g.size();
  rep.symbols_renamed = renamed.size();

  Dataset d;
  std::set<std::string> mset, gset;
  for (const auto& [m, g] : kept) {
    mset.insert(m);
    gset.insert(g);
  }
  std::unordered_map<std::string, std::int32_t> mi, gi;
  for (const auto& m : mset) {
    mi.emplace(m, static_cast<std::int32_t>(d.mirna_names.size()));
    d.mirna_names.push_back(m);
    d.mirna_sequences.push_back(mseq.at(m)->sequence);
  }
  for (const auto& g : gset) {
    gi.emplace(g, static_cast<std::int32_t>(d.gene_names.size()));
    d.gene_names.push_back(g);
    d.gene_sequences.push_back(gseq.at(g)->sequence);
    std::string syms;
    for (const auto& s : symbols_of_key[g]) syms += (syms.empty() ? "" : ";") + s;
    d.gene_symbols.push_back(syms);
  }
  d.positives.reserve(kept.size());
  for (const auto& [m, g] : kept) d.positives.push_back({mi.at(m), gi.at(g)});
  std::sort(d.positives.begin(), d.positives.end());

  rep.positives = d.positives.size();
  rep.mirnas = d.mirna_names.size();
  rep.genes = d.gene_names.size();
  rep.pool = d.pool_size();
  if (d.positives.empty())
    throw InputError(cfg.pairs, 0, "no pair has sequences for both its miRNA and its gene: check that the names in " +
                                       cfg.pairs + " match the FASTA ids (and the alias table)");
  if (report_out) *report_out = rep;
  return d;
}

void write_dataset(Store& s, const Dataset& d) {
  s.write_strings(schema::kMirnaName, d.mirna_names);
  s.write_strings(schema::kMirnaSequence, d.mirna_sequences);
  s.write_strings(schema::kGeneName, d.gene_names);
  s.write_strings(schema::kGeneSymbols, d.gene_symbols);
  s.write_strings(schema::kGeneSequence, d.gene_sequences);
  write_pair_table(s, schema::kPositives, d.positives);
  s.set_attr(schema::kPairs, schema::kAttrNPositive, static_cast<std::int64_t>(d.positives.size()));
  s.set_attr(schema::kPairs, schema::kAttrNMirna, static_cast<std::int64_t>(d.n_mirna()));
  s.set_attr(schema::kPairs, schema::kAttrNGene, static_cast<std::int64_t>(d.n_gene()));
  s.set_attr(schema::kPairs, schema::kAttrNUnknownPool, static_cast<std::int64_t>(d.pool_size()));
}

Dataset read_dataset(const Store& s) {
  if (!s.exists(schema::kPositives))
    throw InputError(s.path(), 0, "store has no ingested dataset (/pairs/positive): run `aemigap ingest` first");
  Dataset d;
  d.mirna_names = s.read_strings(schema::kMirnaName);
  d.mirna_sequences = s.read_strings(schema::kMirnaSequence);
  d.gene_names = s.read_strings(schema::kGeneName);
  d.gene_symbols = s.read_strings(schema::kGeneSymbols);
  d.gene_sequences = s.read_strings(schema::kGeneSequence);
  d.positives = read_pair_table(s, schema::kPositives);
  // A store edited by hand, or cut short, must not index past a table.
  if (d.mirna_sequences.size() != d.mirna_names.size())
    throw InputError(s.path(), 0, "/mirna/name has " + std::to_string(d.mirna_names.size()) + " entries, /mirna/sequence " +
                                      std::to_string(d.mirna_sequences.size()) + ": an inconsistent store; ingest it again");
  if (d.gene_sequences.size() != d.gene_names.size() || d.gene_symbols.size() != d.gene_names.size())
    throw InputError(s.path(), 0, "/gene/name has " + std::to_string(d.gene_names.size()) + " entries, /gene/symbols " +
                                      std::to_string(d.gene_symbols.size()) + ", /gene/sequence " +
                                      std::to_string(d.gene_sequences.size()) + ": an inconsistent store; ingest it again");
  for (std::size_t i = 0; i < d.positives.size(); ++i) {
    const auto& p = d.positives[i];
    if (p[0] < 0 || static_cast<std::uint64_t>(p[0]) >= d.n_mirna() || p[1] < 0 || static_cast<std::uint64_t>(p[1]) >= d.n_gene())
      throw InputError(s.path(), 0, "/pairs/positive row " + std::to_string(i) + " indexes past the name tables");
  }
  return d;
}

void write_pair_table(Store& s, const std::string& name, const std::vector<PairIndex>& pairs) {
  std::vector<std::int32_t> flat;
  flat.reserve(pairs.size() * 2);
  for (const auto& p : pairs) {
    flat.push_back(p[0]);
    flat.push_back(p[1]);
  }
  s.write(name, flat, {pairs.size(), 2});
  s.set_attr(name, schema::kAttrColumns, std::string("mirna_index,gene_index"));
}

std::vector<PairIndex> read_pair_table(const Store& s, const std::string& name) {
  std::vector<std::uint64_t> dims;
  auto flat = s.read<std::int32_t>(name, &dims);
  if (dims.size() != 2 || dims[1] != 2) throw InputError(s.path(), 0, name + " must have shape [n, 2]");
  std::vector<PairIndex> out(dims[0]);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = {flat[2 * i], flat[2 * i + 1]};
  return out;
}

std::optional<std::size_t> find_gene(const Dataset& d, std::string_view name) {
  for (std::size_t g = 0; g < d.gene_names.size(); ++g) {
    if (d.gene_names[g] == name) return g;
    for (auto sym : split(d.gene_symbols[g], ';'))
      if (sym == name) return g;
  }
  return std::nullopt;
}

std::optional<std::size_t> find_mirna(const Dataset& d, std::string_view name) {
  for (std::size_t m = 0; m < d.mirna_names.size(); ++m)
    if (d.mirna_names[m] == name) return m;
  return std::nullopt;
}

namespace {
[[noreturn]] void unknown_name(const char* what, const std::string& name, const std::vector<std::string>& names,
                               const std::string& context) {
  auto close = closest_matches(name, names, 3);
  std::string hint;
  for (std::size_t i = 0; i < close.size(); ++i) hint += (i ? ", " : " (did you mean ") + close[i];
  throw ConfigError(context + "unknown " + what + " '" + name + "'" + (hint.empty() ? "" : hint + "?)"));
}
}  // namespace

std::size_t require_gene(const Dataset& d, const std::string& name, const std::string& context) {
  if (auto g = find_gene(d, name)) return *g;
  unknown_name("gene", name, d.gene_names, context);
}

std::size_t require_mirna(const Dataset& d, const std::string& name, const std::string& context) {
  if (auto m = find_mirna(d, name)) return *m;
  unknown_name("miRNA", name, d.mirna_names, context);
}

MappedPairs map_pairs(const Dataset& d, const std::vector<RawPair>& raw,
                      const std::unordered_map<std::string, std::string>& aliases) {
  MappedPairs out;
  std::unordered_map<std::string, std::int32_t> mirna, gene;
  for (std::size_t i = 0; i < d.mirna_names.size(); ++i) mirna.emplace(d.mirna_names[i], static_cast<std::int32_t>(i));
  for (std::size_t i = 0; i < d.gene_names.size(); ++i) gene.emplace(d.gene_names[i], static_cast<std::int32_t>(i));
  for (std::size_t i = 0; i < d.gene_symbols.size(); ++i)  // a pair-table symbol, where it is not a key itself
    for (auto sym : split(d.gene_symbols[i], ';')) gene.emplace(std::string(sym), static_cast<std::int32_t>(i));
  std::set<std::string> names, lost;
  for (const auto& r : raw) {
    ++out.rows;
    names.insert(r.mirna);
    auto m = mirna.find(r.mirna);
    if (m == mirna.end()) {
      ++out.unknown_mirna;
      lost.insert(r.mirna);
      continue;
    }
    auto a = aliases.find(r.gene);
    auto g = gene.find(a == aliases.end() ? r.gene : a->second);
    if (g == gene.end()) g = gene.find(r.gene);
    if (g == gene.end()) {
      ++out.unknown_gene;
      continue;
    }
    out.pairs.push_back({m->second, g->second});
  }
  std::sort(out.pairs.begin(), out.pairs.end());
  const std::size_t before = out.pairs.size();
  out.pairs.erase(std::unique(out.pairs.begin(), out.pairs.end()), out.pairs.end());
  out.duplicates = before - out.pairs.size();
  out.mirna_names = names.size();
  out.mirna_names_mapped = names.size() - lost.size();
  out.lost_mirnas.assign(lost.begin(), lost.end());
  return out;
}

std::string MappedPairs::summary() const {
  std::ostringstream o;
  o << rows << " rows: " << pairs.size() << " distinct pairs of the store; " << mirna_names_mapped << " of "
    << mirna_names << " miRNA names found";
  if (!lost_mirnas.empty()) {
    o << " (not in the store:";
    for (std::size_t i = 0; i < lost_mirnas.size() && i < 8; ++i) o << " " << lost_mirnas[i];
    if (lost_mirnas.size() > 8) o << " ...";
    o << ")";
  }
  o << "; rows lost: " << unknown_mirna << " unknown miRNA, " << unknown_gene << " unknown gene";
  return o.str();
}

}  // namespace aemigap
