#include "aemigap/data/fasta.hpp"

#include <array>
#include <cctype>
#include <cstdio>
#include <unordered_map>

#include "aemigap/core/error.hpp"
#include "aemigap/core/line_reader.hpp"
#include "aemigap/core/text.hpp"

namespace aemigap {

const char* alphabet_name(Alphabet a) {
  switch (a) {
    case Alphabet::Rna: return "RNA (ACGUN; T read as U)";
    case Alphabet::Nucleotide: return "nucleotide (ACGTN; U read as T)";
    case Alphabet::Protein: return "protein (ACDEFGHIKLMNPQRSTVWY + UOXBZJ)";
  }
  return "?";
}

namespace {

// Lookup table: input byte -> normalised letter, or 0 if illegal.
std::array<char, 256> letter_table(Alphabet a) {
  std::array<char, 256> t{};
  auto allow = [&](const char* letters) {
    for (const char* p = letters; *p; ++p) {
      t[static_cast<unsigned char>(*p)] = *p;
      t[static_cast<unsigned char>(*p - 'A' + 'a')] = *p;
    }
  };
  switch (a) {
    case Alphabet::Rna:
      allow("ACGUN");
      t['T'] = t['t'] = 'U';
      break;
    case Alphabet::Nucleotide:
      allow("ACGTN");
      t['U'] = t['u'] = 'T';
      break;
    case Alphabet::Protein:
      allow("ACDEFGHIKLMNPQRSTVWYUOXBZJ");
      break;
  }
  return t;
}

std::string describe_byte(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  if (u >= 0x21 && u < 0x7f) return std::string("'") + c + "'";
  char buf[16];
  std::snprintf(buf, sizeof buf, "byte 0x%02X", u);
  return buf;
}

}  // namespace

std::string normalise_sequence(std::string_view raw, Alphabet alphabet) {
  const auto table = letter_table(alphabet);
  std::string out;
  std::size_t pos = 0;
  for (char c : raw) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    ++pos;
    const char n = table[static_cast<unsigned char>(c)];
    if (!n)
      throw ConfigError("sequence: " + describe_byte(c) + " at position " + std::to_string(pos) + " is not a letter of " +
                        alphabet_name(alphabet));
    out += n;
  }
  return out;
}

std::vector<FastaRecord> read_fasta(const std::string& path, Alphabet alphabet, std::size_t* merged_duplicates) {
  const auto table = letter_table(alphabet);
  LineReader in(path);
  std::vector<FastaRecord> records;
  std::unordered_map<std::string, std::size_t> index;  // id -> position in records
  std::size_t merged = 0;
  bool open = false;         // a header was read and its record is being filled
  bool ended_by_stop = false;

  auto close_record = [&]() {
    if (!open) return;
    FastaRecord& r = records.back();
    if (r.sequence.empty())
      throw InputError(path, r.line, "sequence '" + r.id + "' is empty (header with no sequence lines)");
    auto it = index.find(r.id);
    if (it != index.end()) {
      const FastaRecord& first = records[it->second];
      if (first.sequence != r.sequence)
        throw InputError(path, r.line, "duplicate id '" + r.id + "' with a different sequence (first on line " +
                                           std::to_string(first.line) + ")");
      records.pop_back();
      ++merged;
    } else {
      index.emplace(r.id, records.size() - 1);
    }
    open = false;
  };

  std::string_view line;
  while (in.next(line)) {
    if (!line.empty() && line[0] == '>') {
      close_record();
      std::string_view head = trim(line.substr(1));
      std::size_t sp = head.find_first_of(" \t");
      std::string id(head.substr(0, sp));
      if (id.empty()) in.fail("FASTA header without an id");
      records.push_back({id, {}, in.line_number()});
      open = true;
      ended_by_stop = false;
      continue;
    }
    std::string_view seq = trim(line);
    if (seq.empty()) continue;
    if (seq[0] == ';') continue;  // old-style FASTA comment
    if (!open) in.fail("sequence data before the first '>' header (is this a FASTA file?)");
    if (ended_by_stop) in.fail("sequence continues after a '*' stop");
    std::string& out = records.back().sequence;
    for (std::size_t i = 0; i < seq.size(); ++i) {
      char c = table[static_cast<unsigned char>(seq[i])];
      if (c == 0) {
        if (seq[i] == '*' && alphabet == Alphabet::Protein && i + 1 == seq.size()) {
          ended_by_stop = true;
          break;
        }
        // column is 1-based within the raw line
        std::size_t col = static_cast<std::size_t>(seq.data() - line.data()) + i + 1;
        in.fail("illegal letter " + describe_byte(seq[i]) + " at column " + std::to_string(col) + " of sequence '" +
                records.back().id + "'; expected " + alphabet_name(alphabet));
      }
      out.push_back(c);
    }
  }
  close_record();
  if (records.empty()) throw InputError(path, 0, "no FASTA records (empty file or not FASTA)");
  if (merged_duplicates) *merged_duplicates = merged;
  return records;
}

}  // namespace aemigap
