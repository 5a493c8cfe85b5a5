#include "aemigap/data/identifiers.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "aemigap/core/config.hpp"
#include "aemigap/core/error.hpp"
#include "aemigap/core/line_reader.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/text.hpp"
#include "aemigap/data/dataset.hpp"

namespace aemigap {

namespace {
bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}
// TargetScan's isoform suffix ".1", ".2" (as ingest strips it).
std::string strip_isoform(std::string id) {
  if (id.size() > 2 && id[id.size() - 2] == '.' && std::isdigit(static_cast<unsigned char>(id.back()))) id.resize(id.size() - 2);
  return id;
}
}  // namespace

std::vector<MirnaFamilyRow> read_mirna_family_table(const std::string& path) {
  LineReader in(path);
  std::string_view line;
  if (!in.next(line)) in.fail("empty file: expected TargetScan miR_Family_Info");
  const auto header = quoted_fields(line);
  auto col = [&](const char* name) {
    auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) in.fail(std::string("header has no column \"") + name + "\"");
    return static_cast<std::size_t>(it - header.begin());
  };
  const std::size_t c_id = col("MiRBase.ID"), c_seed = col("Seed.m8"), c_acc = col("MiRBase.Accession");
  std::vector<MirnaFamilyRow> rows;
  while (in.next(line)) {
    if (trim(line).empty()) continue;
    const auto f = quoted_fields(line);
    const std::size_t shift = f.size() == header.size() + 1 ? 1 : 0;  // R's unnamed row-name column
    if (f.size() != header.size() + shift)
      in.fail("expected " + std::to_string(header.size()) + " fields, found " + std::to_string(f.size()));
    rows.push_back({strip_isoform(f[c_id + shift]), f[c_seed + shift], f[c_acc + shift]});
  }
  return rows;
}

Identifiers Identifiers::load(const Config& cfg, const Dataset& d) {
  Identifiers ids;
  ids.d_ = &d;
  const std::size_t ng = d.n_gene(), nm = d.n_mirna();
  ids.entrez_.assign(ng, "");
  ids.ensembl_.assign(ng, "");
  ids.mimat_.assign(nm, "");
  // The store's own names first: they win over anything the tables say.
  for (std::size_t g = 0; g < ng; ++g) {
    ids.gene_by_.emplace(to_upper(d.gene_names[g]), static_cast<std::int64_t>(g));
    for (auto sym : split(d.gene_symbols[g], ';'))
      if (!sym.empty()) ids.gene_by_.emplace(to_upper(sym), static_cast<std::int64_t>(g));
  }
  for (std::size_t m = 0; m < nm; ++m) ids.mirna_by_.emplace(to_lower(d.mirna_names[m]), static_cast<std::int64_t>(m));

  // The default tables are where a checkout has them; run from elsewhere without a preset
  // that names them, those ids are left out with a warning (a path the user gave must exist).
  auto usable = [](const std::string& path, const std::string& fallback, const char* option, const char* lost) {
    if (path.empty() || std::filesystem::exists(path) ||
        path != (std::filesystem::current_path() / fallback).lexically_normal().string())
      return path;
    log_warn(std::string(option) + ": " + path + " not found: " + lost + " (pass --" + option +
             " PATH, or a --config preset of configs/)");
    return std::string();
  };
  const Config defaults;
  const std::string gene_ids = usable(cfg.gene_ids, defaults.gene_ids, "gene-ids", "genes are known by their symbols only");
  const std::string families =
      usable(cfg.mirna_families, defaults.mirna_families, "mirna-families", "miRNAs are known by their names only");
  if (!gene_ids.empty()) {
    LineReader in(gene_ids);
    std::string_view line;
    if (!in.next(line) || trim(line) != "symbol\tentrez_id\tensembl_gene_id\taliases")
      in.fail("expected the header 'symbol<TAB>entrez_id<TAB>ensembl_gene_id<TAB>aliases' (data/gene_ids.tsv.gz)");
    struct Row {
      std::string symbol, entrez, ensembl, aliases;
    };
    std::vector<Row> rows;
    while (in.next(line)) {
      if (trim(line).empty()) continue;
      auto f = split(line, '\t');
      if (f.size() != 4) in.fail("expected 4 tab-separated fields, found " + std::to_string(f.size()));
      Row r{std::string(f[0]), std::string(f[1]), std::string(f[2]), std::string(f[3])};
      if (r.symbol.empty() || !all_digits(r.entrez)) in.fail("a gene needs a symbol and a numeric Entrez id");
      rows.push_back(std::move(r));
    }
    // A store gene takes the ids of the row whose symbol it carries; failing that, of the one
    // row with its key among the aliases (an older symbol).
    std::unordered_map<std::string, std::vector<std::size_t>> rows_by_alias;
    for (std::size_t i = 0; i < rows.size(); ++i)
      for (auto a : split(rows[i].aliases, ';'))
        if (!a.empty()) rows_by_alias[to_upper(a)].push_back(i);
    for (int pass = 0; pass < 2; ++pass)
      for (std::size_t i = 0; i < rows.size(); ++i) {
        const Row& r = rows[i];
        std::int64_t g = -1;
        if (pass == 0) {
          auto it = ids.gene_by_.find(to_upper(r.symbol));
          if (it != ids.gene_by_.end()) g = it->second;
        } else {
          for (auto a : split(r.aliases, ';')) {
            auto it = ids.gene_by_.find(to_upper(a));
            if (it != ids.gene_by_.end() && rows_by_alias[to_upper(a)].size() == 1) g = it->second;
          }
        }
        if (g < 0 || !ids.entrez_[static_cast<std::size_t>(g)].empty()) continue;
        ids.entrez_[static_cast<std::size_t>(g)] = r.entrez;
        ids.ensembl_[static_cast<std::size_t>(g)] = r.ensembl;
      }
    for (std::size_t g = 0; g < ng; ++g) {
      if (!ids.entrez_[g].empty()) ids.gene_by_.emplace(ids.entrez_[g], static_cast<std::int64_t>(g));
      for (auto e : split(ids.ensembl_[g], ';'))
        if (!e.empty()) ids.gene_by_.emplace(to_upper(e), static_cast<std::int64_t>(g));
    }
    for (const auto& r : rows) {
      ids.symbol_of_entrez_.emplace(r.entrez, r.symbol);
      for (auto e : split(r.ensembl, ';'))
        if (!e.empty()) ids.symbol_of_entrez_.emplace(to_upper(e), r.symbol);
      ids.symbol_of_entrez_.emplace(to_upper(r.symbol), r.symbol);
      for (auto a : split(r.aliases, ';'))
        if (!a.empty()) ids.alias_[to_upper(a)].push_back(r.symbol);
    }
  }

  if (!families.empty()) {
    for (const auto& r : read_mirna_family_table(families)) {
      if (r.accession.empty()) continue;
      ids.mirna_of_mimat_.emplace(to_upper(r.accession), r.mirna);
      auto it = ids.mirna_by_.find(to_lower(r.mirna));
      if (it == ids.mirna_by_.end()) continue;
      auto& slot = ids.mimat_[static_cast<std::size_t>(it->second)];
      if (slot.empty()) slot = r.accession;  // first isoform kept
    }
    for (std::size_t m = 0; m < nm; ++m)
      if (!ids.mimat_[m].empty()) ids.mirna_by_.emplace(to_upper(ids.mimat_[m]), static_cast<std::int64_t>(m));
  }
  return ids;
}

IdLookup Identifiers::gene(const std::string& raw) const {
  const std::string id = to_upper(trim(raw));
  if (id.empty()) return {-1, "empty gene identifier"};
  if (auto it = gene_by_.find(id); it != gene_by_.end()) return {it->second, ""};
  if (auto a = alias_.find(id); a != alias_.end()) {
    std::vector<std::int64_t> hits;
    for (const auto& sym : a->second)
      if (auto it = gene_by_.find(to_upper(sym)); it != gene_by_.end()) hits.push_back(it->second);
    std::sort(hits.begin(), hits.end());
    hits.erase(std::unique(hits.begin(), hits.end()), hits.end());
    if (hits.size() == 1) return {hits[0], ""};
    std::string names;
    for (const auto& sym : a->second) names += (names.empty() ? "" : ", ") + sym;
    if (hits.size() > 1) return {-1, "alias '" + raw + "' is ambiguous: " + names};
    return {-1, "alias '" + raw + "' of " + names + ": not in the store (no sequence)"};
  }
  if (auto it = symbol_of_entrez_.find(id); it != symbol_of_entrez_.end())
    return {-1, "'" + raw + "' is " + it->second + ": not in the store (no sequence)"};
  return {-1, "unknown gene identifier '" + raw + "'"};
}

IdLookup Identifiers::mirna(const std::string& raw) const {
  const std::string id(trim(raw));
  if (id.empty()) return {-1, "empty miRNA identifier"};
  if (auto it = mirna_by_.find(to_lower(id)); it != mirna_by_.end()) return {it->second, ""};
  if (auto it = mirna_by_.find(to_upper(id)); it != mirna_by_.end()) return {it->second, ""};
  if (auto it = mirna_of_mimat_.find(to_upper(id)); it != mirna_of_mimat_.end())
    return {-1, "'" + raw + "' is " + it->second + ": not in the store"};
  return {-1, "unknown miRNA identifier '" + raw + "'"};
}

namespace {
[[noreturn]] void refuse(const IdLookup& hit, const std::string& id, const std::vector<std::string>& names,
                         const std::string& context) {
  auto close = closest_matches(id, names, 3);
  std::string hint;
  for (std::size_t i = 0; i < close.size(); ++i) hint += (i ? ", " : " (did you mean ") + close[i];
  throw ConfigError(context + hit.reason + (hint.empty() ? "" : hint + "?)"));
}
}  // namespace

std::size_t Identifiers::require_gene(const std::string& id, const std::string& context) const {
  const IdLookup hit = gene(id);
  if (!hit.found()) refuse(hit, id, d_->gene_names, context);
  return static_cast<std::size_t>(hit.index);
}

std::size_t Identifiers::require_mirna(const std::string& id, const std::string& context) const {
  const IdLookup hit = mirna(id);
  if (!hit.found()) refuse(hit, id, d_->mirna_names, context);
  return static_cast<std::size_t>(hit.index);
}

std::string Identifiers::summary() const {
  auto count = [](const std::vector<std::string>& v) {
    return std::to_string(std::count_if(v.begin(), v.end(), [](const std::string& s) { return !s.empty(); }));
  };
  return "genes: " + count(entrez_) + " of " + std::to_string(entrez_.size()) + " with an Entrez id, " +
         count(ensembl_) + " with an Ensembl id; miRNAs: " + count(mimat_) + " of " + std::to_string(mimat_.size()) +
         " with a MIMAT accession";
}

}  // namespace aemigap
