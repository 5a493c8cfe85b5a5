#include "aemigap/data/pairs.hpp"

#include "aemigap/core/error.hpp"
#include "aemigap/core/line_reader.hpp"
#include "aemigap/core/text.hpp"

namespace aemigap {

PairsFormat resolve_pair_format(const std::string& path, PairsFormat configured) {
  if (configured != PairsFormat::Auto) return configured;
  std::string name = to_lower(path);
  if (ends_with(name, ".gz")) name.resize(name.size() - 3);
  if (ends_with(name, ".tsv") || ends_with(name, ".txt")) return PairsFormat::Tsv;
  if (ends_with(name, ".gmt")) return PairsFormat::Gmt;
  if (ends_with(name, ".csv")) return PairsFormat::MtiCsv;
  throw InputError(path, 0,
                   "unknown pair-table format (extension is not .tsv, .txt, .gmt or .csv); "
                   "set pairs-format to tsv, gmt or mti-csv");
}

namespace {

void read_tsv(LineReader& in, std::vector<RawPair>& out, PairReadStats& st) {
  std::string_view line;
  bool first = true;
  while (in.next(line)) {
    if (trim(line).empty()) continue;
    auto cols = split(line, '\t');
    if (cols.size() != 2)
      in.fail("expected 2 tab-separated columns (miRNA, gene), found " + std::to_string(cols.size()));
    std::string_view m = trim(cols[0]), g = trim(cols[1]);
    if (first) {
      first = false;
      if (to_lower(m) == "mirna") continue;  // header
    }
    if (m.empty()) in.fail("empty miRNA name");
    if (g.empty()) in.fail("empty gene symbol (truncated line?)");
    out.push_back({std::string(m), std::string(g), in.line_number()});
    ++st.records;
  }
}

void read_gmt(LineReader& in, std::vector<RawPair>& out, PairReadStats& st) {
  std::string_view line;
  while (in.next(line)) {
    if (trim(line).empty()) continue;
    auto cols = split(line, '\t');
    if (cols.size() < 3)
      in.fail("GMT line needs a set name, a description and at least one gene; found " + std::to_string(cols.size()) +
              " tab-separated field(s)");
    std::string_view m = trim(cols[0]);
    if (m.empty()) in.fail("empty miRNA (gene-set) name");
    std::size_t genes = 0;
    for (std::size_t i = 2; i < cols.size(); ++i) {
      std::string_view g = trim(cols[i]);
      if (g.empty()) continue;  // Enrichr files often end lines with a tab
      out.push_back({std::string(m), std::string(g), in.line_number()});
      ++genes;
    }
    if (genes == 0) in.fail("GMT line for '" + std::string(m) + "' lists no genes");
    st.records += genes;
  }
}

// RFC 4180 fields of one line (no embedded newlines in miRTarBase exports).
std::vector<std::string> csv_fields(LineReader& in, std::string_view line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          out.back() += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  if (quoted) in.fail("unbalanced double quote");
  return out;
}

void read_mti_csv(LineReader& in, std::vector<RawPair>& out, PairReadStats& st) {
  std::string_view line;
  while (in.next(line) && trim(line).empty()) {
  }
  if (in.line_number() == 0 || trim(line).empty()) in.fail("empty file: expected a miRTarBase MTI header");
  auto header = csv_fields(in, line);
  auto column = [&](const char* name) {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (std::string(trim(header[i])) == name) return i;
    in.fail(std::string("MTI header has no column \"") + name +
            "\" (expected miRTarBase columns: miRTarBase ID, miRNA, Species (miRNA), Target Gene, ...)");
  };
  std::size_t c_mirna = column("miRNA"), c_msp = column("Species (miRNA)"), c_gene = column("Target Gene"),
              c_gsp = column("Species (Target Gene)");
  while (in.next(line)) {
    if (trim(line).empty()) continue;
    auto f = csv_fields(in, line);
    if (f.size() != header.size())
      in.fail("expected " + std::to_string(header.size()) + " comma-separated columns (as the header), found " +
              std::to_string(f.size()));
    if (trim(f[c_msp]) != "Homo sapiens" || trim(f[c_gsp]) != "Homo sapiens") {
      ++st.skipped_species;
      continue;
    }
    std::string_view m = trim(f[c_mirna]), g = trim(f[c_gene]);
    if (m.empty()) in.fail("empty miRNA name");
    if (g.empty()) in.fail("empty target gene symbol");
    out.push_back({std::string(m), std::string(g), in.line_number()});
    ++st.records;
  }
}

}  // namespace

std::vector<RawPair> read_pairs(const std::string& path, PairsFormat format, PairReadStats* stats) {
  LineReader in(path);
  std::vector<RawPair> out;
  PairReadStats st;
  format = resolve_pair_format(path, format);
  switch (format) {
    case PairsFormat::Auto: break;  // resolved above
    case PairsFormat::Tsv: read_tsv(in, out, st); break;
    case PairsFormat::Gmt: read_gmt(in, out, st); break;
    case PairsFormat::MtiCsv: read_mti_csv(in, out, st); break;
  }
  if (out.empty()) throw InputError(path, 0, std::string("no pairs found (format ") + name_of(format) + ")");
  if (stats) *stats = st;
  return out;
}

std::unordered_map<std::string, std::string> read_aliases(const std::string& path) {
  LineReader in(path);
  std::unordered_map<std::string, std::string> map;
  std::unordered_map<std::string, std::size_t> line_of;
  std::string_view line;
  bool header = true;
  while (in.next(line)) {
    if (trim(line).empty()) continue;
    auto cols = split(line, '\t');
    if (cols.size() != 2)
      in.fail("expected 2 tab-separated columns (pair symbol, FASTA key), found " + std::to_string(cols.size()));
    if (header) {
      header = false;
      continue;
    }
    std::string from(trim(cols[0])), to(trim(cols[1]));
    if (from.empty() || to.empty()) in.fail("empty symbol");
    auto it = map.find(from);
    if (it != map.end()) {
      if (it->second != to)
        in.fail("symbol '" + from + "' maps to '" + to + "' here but to '" + it->second + "' on line " +
                std::to_string(line_of[from]));
      continue;
    }
    map.emplace(from, to);
    line_of.emplace(from, in.line_number());
  }
  return map;
}

}  // namespace aemigap
