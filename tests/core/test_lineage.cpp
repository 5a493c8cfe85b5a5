// Lineage ids and the block checksums of the pool matrices, on a hand-made store.
#include <gtest/gtest.h>

#include <cmath>

#include "aemigap/core/checked_matrix.hpp"
#include "aemigap/core/error.hpp"
#include "aemigap/core/lineage.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/core/store_schema.hpp"
#include "test_util.hpp"

using namespace aemigap;
using namespace aemigap::test;
namespace sc = schema;
using lineage::Product;

namespace {
// The tables ingest writes, just enough of them to hash.
void write_pairs(Store& s, const std::string& seq) {
  s.write_strings(sc::kMirnaName, {"m1", "m2"});
  s.write_strings(sc::kMirnaSequence, {"ACGU", seq});
  s.write_strings(sc::kGeneName, {"g1", "g2", "g3"});
  s.write_strings(sc::kGeneSequence, {"MKV", "MKL", "MAA"});
  s.write<std::int32_t>(sc::kPositives, {0, 1, 1, 2}, {2, 2});
  lineage::record(s, Product::Pairs);
}
void write_embeddings(Store& s, float v) {
  s.write<float>(sc::kMirnaEmbedding, {v, 2}, {2, 1});
  s.write<float>(sc::kGeneEmbedding, {1, 2, 3}, {3, 1});
  s.write<std::int32_t>(std::string(sc::kEmbed) + "/marker", {1}, {1});  // makes the group
  lineage::record(s, Product::Embeddings);
}
}  // namespace

TEST(Lineage, IdsFollowContentAndStaleProductsAreRefused) {
  TempDir t;
  Store s = Store::create(t.file("s.h5"));
  write_pairs(s, "UUUU");
  write_embeddings(s, 1);
  const std::string e1 = lineage::id_of(s, Product::Embeddings);
  s.write<std::int32_t>(sc::kNegatives, {0, 0}, {1, 2});
  lineage::record(s, Product::Negatives);
  EXPECT_NO_THROW(lineage::require_current(s, Product::Negatives, "test"));
  EXPECT_TRUE(lineage::stale(s).empty());

  write_embeddings(s, 1);  // the same values: the same id, nothing stale
  EXPECT_EQ(lineage::id_of(s, Product::Embeddings), e1);
  EXPECT_TRUE(lineage::stale(s).empty());

  write_embeddings(s, 5);  // new values: the negatives are stale
  EXPECT_NE(lineage::id_of(s, Product::Embeddings), e1);
  try {
    lineage::require_current(s, Product::Negatives, "train-ae");
    FAIL() << "stale negatives were accepted";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("train-ae: the training negatives (/pairs/negative) stem from other embeddings"), std::string::npos)
        << what;
    EXPECT_NE(what.find(e1 + " then"), std::string::npos) << what;
    EXPECT_NE(what.find("rerun `aemigap negatives`"), std::string::npos) << what;
  }
  EXPECT_EQ(lineage::stale(s), std::vector<Product>{Product::Negatives});

  // A changed sequence changes the pairs' id, so the embeddings are stale too (and named first).
  write_pairs(s, "GGGG");
  EXPECT_EQ(lineage::stale(s), (std::vector<Product>{Product::Embeddings, Product::Negatives}));
}

TEST(Lineage, ContentHashSeesValuesShapesAndGroupMembers) {
  TempDir t;
  Store s = Store::create(t.file("h.h5"));
  s.write<float>("/g/a", {1, 2, 3, 4}, {2, 2});
  const auto h1 = s.content_hash("/g");
  s.write<float>("/g/a", {1, 2, 3, 4}, {4, 1});  // same bytes, other shape
  const auto h2 = s.content_hash("/g");
  EXPECT_NE(h1, h2);
  s.write<float>("/g/b", {0}, {1});  // one more member
  EXPECT_NE(s.content_hash("/g"), h2);
  s.write_strings("/g/s", {"ab", "c"});
  const auto h3 = s.content_hash("/g");
  s.write_strings("/g/s", {"a", "bc"});  // the same characters, split otherwise
  EXPECT_NE(s.content_hash("/g"), h3);
}

TEST(CheckedMatrix, ReadsVerifiedBlocksAndNamesDamagedRows) {
  TempDir t;
  const std::string p = t.file("m.h5");
  const std::uint64_t rows = 5, cols = 3, br = 2, nb = 3;
  std::vector<float> m(rows * cols);
  for (std::size_t i = 0; i < m.size(); ++i) m[i] = static_cast<float>(i) * 0.5f;
  m[4] = NAN;
  {
    Store s = Store::create(p);
    s.create_dataset<float>(sc::kScoreMatrix, rows, cols, br, false);
    s.write_rows(sc::kScoreMatrix, 0, rows, m.data());
    std::vector<std::uint64_t> sums;
    for (std::uint64_t r0 = 0; r0 < rows; r0 += br)
      sums.push_back(block_checksum(m.data() + r0 * cols, (std::min(rows, r0 + br) - r0) * cols));
    s.write<std::uint64_t>(sc::kScoreChecksum, sums, {nb, 1}, false);
    s.write<std::uint8_t>(sc::kScoreDone, {1, 1, 0}, {nb, 1}, false);
    s.set_attr(sc::kScores, sc::kAttrBlockRows, static_cast<std::int64_t>(br));
  }
  {
    Store s = Store::open(p);
    const CheckedMatrix c(s, sc::kScoreMatrix);
    std::vector<float> got(3 * cols);
    c.read_rows(1, 3, got.data());  // spans blocks 0 and 1
    for (std::size_t i = 0; i < got.size(); ++i) {
      const float want = m[cols + i];
      EXPECT_TRUE(std::isnan(want) ? std::isnan(got[i]) : got[i] == want) << i;
    }
    std::vector<float> last(cols);
    EXPECT_THROW(c.read_rows(4, 1, last.data()), InputError);  // block 2 is not done
  }
  {
    Store s = Store::open(p, Store::Mode::ReadWrite);
    const float bad = 3.4e38f;
    s.write_rows(sc::kScoreMatrix, 2, 1, std::vector<float>{bad, bad, bad}.data());
  }
  Store s = Store::open(p);
  const CheckedMatrix c(s, sc::kScoreMatrix);
  std::vector<float> row(cols);
  EXPECT_NO_THROW(c.read_rows(0, 1, row.data()));
  try {
    c.read_rows(3, 1, row.data());
    FAIL() << "a damaged block was read";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/scores/matrix rows 2-3 (block 1) fail their checksum"), std::string::npos)
        << e.what();
  }
}
