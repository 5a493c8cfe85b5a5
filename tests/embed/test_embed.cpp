#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "aemigap/core/rng.hpp"
#include "aemigap/embed/corpus.hpp"
#include "aemigap/embed/doc2vec.hpp"
#include "aemigap/embed/family_eval.hpp"
#include "test_util.hpp"

using namespace aemigap;
using namespace aemigap::embed;

TEST(Kmers, ReadingFramesAreNonOverlapping) {
  EXPECT_EQ(frame_kmers("ABCDEFGH", 3, 0), (std::vector<std::string>{"ABC", "DEF"}));
  EXPECT_EQ(frame_kmers("ABCDEFGH", 3, 1), (std::vector<std::string>{"BCD", "EFG"}));
  EXPECT_EQ(frame_kmers("ABCDEFGH", 3, 2), (std::vector<std::string>{"CDE", "FGH"}));
  EXPECT_TRUE(frame_kmers("AB", 3, 0).empty());
}

TEST(Corpus, DocumentsPerFrameAndNamespacedWords) {
  CorpusBuilder b(3, 3);
  b.add('n', "ACGACG");  // frames: [ACG ACG] [CGA] [GAC]
  b.add('p', "ACGAC");   // frames: [ACG] [CGA] [GAC]
  Corpus c = b.finish(1);
  EXPECT_EQ(c.n_tags, 2u);
  EXPECT_EQ(c.n_docs(), 6u);
  EXPECT_EQ(c.doc_tags, (std::vector<std::int32_t>{0, 0, 0, 1, 1, 1}));
  EXPECT_EQ(c.total_words(), 7u);
  // "n:ACG" and "p:ACG" are different words.
  EXPECT_EQ(c.vocab.size(), 6u);
  EXPECT_EQ(c.vocab[0], "n:ACG");  // the most frequent word first
  EXPECT_EQ(c.counts[0], 2u);
  EXPECT_NE(std::find(c.vocab.begin(), c.vocab.end(), "p:ACG"), c.vocab.end());
  EXPECT_EQ(c.words[0], c.words[1]);
  EXPECT_NE(c.words[0], c.words[4]);  // n:ACG vs p:ACG
  auto enc = CorpusBuilder::encode(c, 'p', "ACGAC", 3, 3);
  EXPECT_EQ(enc[0].size(), 1u);
  EXPECT_EQ(enc[0][0], c.words[4]);
}

TEST(Corpus, MinCountDropsRareWords) {
  CorpusBuilder b(1, 1);
  b.add('n', "AAAC");
  Corpus c = b.finish(2);
  EXPECT_EQ(c.vocab, (std::vector<std::string>{"n:A"}));
  EXPECT_EQ(c.total_words(), 3u);
}

TEST(AliasTable, DrawsFollowTheWeights) {
  AliasTable t;
  std::vector<double> w{1, 2, 3, 10, 0.5};
  t.build(w);
  std::vector<double> hits(w.size(), 0);
  Rng rng(1);
  const int n = 2000000;
  for (int i = 0; i < n; ++i) hits[static_cast<std::size_t>(t.sample(rng.next()))] += 1;
  double sum = 16.5;
  for (std::size_t i = 0; i < w.size(); ++i) EXPECT_NEAR(hits[i] / n, w[i] / sum, 0.002) << i;
}

namespace {
// Two groups of sequences over disjoint halves of an alphabet: a working doc2vec must place
// each sequence nearer its own group than the other.
Corpus two_group_corpus(std::vector<int>* group) {
  Rng rng(5);
  CorpusBuilder b(1, 1);
  const std::string ga = "ABCDEFGH", gb = "IJKLMNOP";
  for (int s = 0; s < 60; ++s) {
    const std::string& alpha = s % 2 ? gb : ga;
    std::string seq;
    for (int i = 0; i < 60; ++i) seq += alpha[rng.uniform_below(alpha.size())];
    b.add('p', seq);
    group->push_back(s % 2);
  }
  return b.finish(1);
}
double cosine(const float* a, const float* b, int n) {
  double ab = 0, aa = 0, bb = 0;
  for (int i = 0; i < n; ++i) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / std::sqrt(aa * bb);
}
}  // namespace

TEST(Doc2Vec, DeterministicModeReproduces) {
  std::vector<int> g;
  Corpus c = two_group_corpus(&g);
  Doc2VecOptions o;
  o.dims = 16;
  o.epochs = 3;
  o.deterministic = true;
  Doc2Vec a, b, other;
  a.train(c, o);
  b.train(c, o);
  EXPECT_EQ(a.doc_vectors, b.doc_vectors);
  EXPECT_EQ(a.word_vectors, b.word_vectors);
  o.seed = 43;
  other.train(c, o);
  EXPECT_NE(a.doc_vectors, other.doc_vectors);
}

// Threads train copies of the words and output weights and merge their changes: the shared
// arrays must end up as trained as with one thread (a lost merge leaves the zero-initialised
// output weights far smaller, or zero).
TEST(Doc2Vec, ThreadCopiesMergeIntoTheSharedModel) {
  std::vector<int> g;
  Corpus c = two_group_corpus(&g);
  Doc2VecOptions o;
  o.dims = 16;
  o.epochs = 5;
  auto norm = [](const std::vector<float>& v) {
    double s = 0;
    for (float x : v) s += static_cast<double>(x) * x;
    return std::sqrt(s);
  };
  Doc2Vec one, two;
  o.threads = 1;
  one.train(c, o);
  o.threads = 2;
  two.train(c, o);
  ASSERT_GT(norm(one.output_weights), 0.0);
  EXPECT_GT(norm(two.output_weights), 0.7 * norm(one.output_weights));
  EXPECT_LT(norm(two.output_weights), 1.4 * norm(one.output_weights));
}

class Doc2VecModes : public ::testing::TestWithParam<std::tuple<bool, int, int>> {};

TEST_P(Doc2VecModes, SeparatesTwoVocabularies) {
  auto [dm, dims, threads] = GetParam();
  std::vector<int> g;
  Corpus c = two_group_corpus(&g);
  Doc2VecOptions o;
  o.dm = dm;
  o.dims = dims;
  o.window = 3;
  o.epochs = 40;
  o.sample = 0;
  o.threads = threads;
  Doc2Vec m;
  m.train(c, o);
  for (float x : m.doc_vectors) ASSERT_TRUE(std::isfinite(x));
  // Nearest other sequence (cosine) is from the same group for nearly every sequence.
  int right = 0;
  const int n = static_cast<int>(g.size());
  for (int i = 0; i < n; ++i) {
    int best = -1;
    double bs = -2;
    for (int j = 0; j < n; ++j)
      if (j != i) {
        double s = cosine(&m.doc_vectors[i * dims], &m.doc_vectors[j * dims], dims);
        if (s > bs) bs = s, best = j;
      }
    right += g[static_cast<std::size_t>(best)] == g[static_cast<std::size_t>(i)];
  }
  EXPECT_GE(right, n * 9 / 10) << "dm=" << dm << " dims=" << dims;

  // infer(): a re-inferred training sequence lands among its own group.
  std::vector<std::vector<std::int32_t>> doc0(1);
  doc0[0].assign(c.words.begin() + static_cast<long>(c.doc_offsets[0]), c.words.begin() + static_cast<long>(c.doc_offsets[1]));
  auto v = m.infer(doc0, 50, 9);
  double same = 0, diff = 0;
  for (int j = 0; j < n; ++j) (g[static_cast<std::size_t>(j)] == g[0] ? same : diff) += cosine(v.data(), &m.doc_vectors[j * dims], dims);
  EXPECT_GT(same, diff);
}

INSTANTIATE_TEST_SUITE_P(All, Doc2VecModes,
                         ::testing::Values(std::make_tuple(true, 64, 1), std::make_tuple(true, 16, 2),
                                           std::make_tuple(false, 64, 2)));

TEST(FamilyEval, PrecisionOnAConstructedExample) {
  // 4 vectors in 2 dims: two families, each family's members identical.
  std::vector<float> v{1, 0, 1, 0.01f, 0, 1, 0.01f, 1};
  std::vector<std::string> seeds{"AAA", "AAA", "CCC", "CCC"};
  auto p = seed_family_precision(v, 2, seeds, 1);
  EXPECT_EQ(p.queries, 4u);
  EXPECT_DOUBLE_EQ(p.precision, 1.0);
  std::vector<std::string> crossed{"AAA", "CCC", "AAA", "CCC"};
  EXPECT_DOUBLE_EQ(seed_family_precision(v, 2, crossed, 1).precision, 0.0);
}

TEST(FamilyEval, ReadsTheBundledTargetScanTable) {
  auto f = read_seed_families(aemigap::test::bundled("targetscan8_human_miR_family_info.txt.gz"));
  EXPECT_EQ(f.at("hsa-let-7a-5p"), "GAGGUAG");
  EXPECT_EQ(f.at("hsa-let-7b-5p"), "GAGGUAG");
  EXPECT_GT(f.size(), 2000u);
}
