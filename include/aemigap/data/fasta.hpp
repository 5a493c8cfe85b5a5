// FASTA reading with alphabet checks and normalisation.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace aemigap {

enum class Alphabet {
  Rna,         // miRNAs: A C G U N; T is read as U
  Nucleotide,  // genes as DNA: A C G T N; U is read as T
  Protein,     // 20 amino acids + U O X B Z J; a final '*' (stop) is dropped
};
const char* alphabet_name(Alphabet a);

struct FastaRecord {
  std::string id;        // first word of the header
  std::string sequence;  // upper case, normalised
  std::size_t line = 0;  // line of the header
};

// A sequence typed by a user (query --sequence): whitespace dropped, upper case, the
// alphabet's substitutions (T -> U for RNA, U -> T for DNA); a letter outside the alphabet
// is a ConfigError naming it and its position.
std::string normalise_sequence(std::string_view raw, Alphabet alphabet);

// Reads every record, in file order. Errors (InputError, naming file and line): missing or
// unreadable file, no records, sequence before the first header, empty id, empty sequence,
// illegal letter, and a duplicate id with a different sequence. Exact duplicates are merged;
// *merged_duplicates (if given) counts them.
std::vector<FastaRecord> read_fasta(const std::string& path, Alphabet alphabet,
                                    std::size_t* merged_duplicates = nullptr);

}  // namespace aemigap
