#include "aemigap/embed/corpus.hpp"

#include <algorithm>

#include "aemigap/core/error.hpp"

namespace aemigap::embed {

std::vector<std::string> frame_kmers(std::string_view seq, int k, int frame) {
  std::vector<std::string> out;
  for (std::size_t i = static_cast<std::size_t>(frame); i + static_cast<std::size_t>(k) <= seq.size(); i += static_cast<std::size_t>(k))
    out.emplace_back(seq.substr(i, static_cast<std::size_t>(k)));
  return out;
}

std::uint64_t word_key(char ns, std::string_view kmer) {
  AEMIGAP_CHECK(kmer.size() <= 7, "k-mers longer than 7 letters are not supported");
  std::uint64_t key = static_cast<unsigned char>(ns);
  for (char c : kmer) key = (key << 8) | static_cast<unsigned char>(c);
  return key;
}

std::string word_text(std::uint64_t key) {
  std::string s;
  while (key) {
    s.insert(s.begin(), static_cast<char>(key & 0xFF));
    key >>= 8;
  }
  if (!s.empty()) s.insert(1, ":");
  return s;
}

CorpusBuilder::CorpusBuilder(int k, int frames) : k_(k), frames_(frames) {
  AEMIGAP_CHECK(k >= 1 && k <= 7, "k must be 1..7, got " << k);
  AEMIGAP_CHECK(frames >= 1 && frames <= k, "frames must be 1..k, got " << frames);
}

std::int32_t CorpusBuilder::add(char ns, std::string_view seq) {
  std::int32_t tag = next_tag_++;
  for (int f = 0; f < frames_; ++f) {
    for (std::size_t i = static_cast<std::size_t>(f); i + static_cast<std::size_t>(k_) <= seq.size();
         i += static_cast<std::size_t>(k_))
      keys_.push_back(word_key(ns, seq.substr(i, static_cast<std::size_t>(k_))));
    offsets_.push_back(keys_.size());
    tags_.push_back(tag);
  }
  return tag;
}

Corpus CorpusBuilder::finish(std::uint64_t min_count) {
  std::unordered_map<std::uint64_t, std::uint64_t> counts;
  for (auto key : keys_) ++counts[key];
  std::vector<std::pair<std::uint64_t, std::uint64_t>> by_freq;  // (key, count)
  for (const auto& kv : counts)
    if (kv.second >= min_count) by_freq.push_back(kv);
  // Most frequent first (as gensim); ties by the word itself, so ids are deterministic.
  std::sort(by_freq.begin(), by_freq.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  std::unordered_map<std::uint64_t, std::int32_t> id;
  Corpus c;
  for (const auto& [key, n] : by_freq) {
    id.emplace(key, static_cast<std::int32_t>(c.vocab.size()));
    c.vocab.push_back(word_text(key));
    c.counts.push_back(n);
  }
  c.doc_offsets.push_back(0);
  for (std::size_t d = 0; d + 1 < offsets_.size(); ++d) {
    for (std::uint64_t i = offsets_[d]; i < offsets_[d + 1]; ++i) {
      auto it = id.find(keys_[i]);
      if (it != id.end()) c.words.push_back(it->second);
    }
    c.doc_offsets.push_back(c.words.size());
  }
  c.doc_tags = tags_;
  c.n_tags = static_cast<std::size_t>(next_tag_);
  return c;
}

std::vector<std::vector<std::int32_t>> CorpusBuilder::encode(const Corpus& c, char ns, std::string_view seq, int k,
                                                             int frames) {
  std::unordered_map<std::string, std::int32_t> id;
  for (std::size_t i = 0; i < c.vocab.size(); ++i) id.emplace(c.vocab[i], static_cast<std::int32_t>(i));
  std::vector<std::vector<std::int32_t>> docs(static_cast<std::size_t>(frames));
  for (int f = 0; f < frames; ++f)
    for (const auto& km : frame_kmers(seq, k, f)) {
      auto it = id.find(std::string(1, ns) + ":" + km);
      if (it != id.end()) docs[static_cast<std::size_t>(f)].push_back(it->second);
    }
  return docs;
}

}  // namespace aemigap::embed
