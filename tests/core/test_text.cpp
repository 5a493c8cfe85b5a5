#include <gtest/gtest.h>

#include "aemigap/core/text.hpp"

using namespace aemigap;

TEST(Text, SplitKeepsEmptyFields) {
  auto v = split("a\t\tb\t", '\t');
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0], "a");
  EXPECT_EQ(v[1], "");
  EXPECT_EQ(v[2], "b");
  EXPECT_EQ(v[3], "");
}

TEST(Text, Trim) {
  EXPECT_EQ(trim("  x y \t"), "x y");
  EXPECT_EQ(trim("   "), "");
}

TEST(Text, Utf8Validation) {
  EXPECT_EQ(utf8_valid_prefix("plain ascii"), 11u);
  EXPECT_EQ(utf8_valid_prefix("caf\xc3\xa9"), 5u);             // é
  EXPECT_EQ(utf8_valid_prefix("ab\xe9z"), 2u);                 // Latin-1 é
  EXPECT_EQ(utf8_valid_prefix("\xc0\xaf"), 0u);                // overlong '/'
  EXPECT_EQ(utf8_valid_prefix("x\xed\xa0\x80"), 1u);           // UTF-16 surrogate
  EXPECT_EQ(utf8_valid_prefix("\xf0\x9f\x98\x80 ok"), 7u);     // emoji
  EXPECT_EQ(utf8_valid_prefix("\xe2\x82"), 0u);                // truncated sequence
}

TEST(Text, EditDistanceAndSuggestions) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("KRSA", "KRAS"), 1u);  // adjacent transposition
  auto m = closest_matches("mirna-fsta", {"mirna-fasta", "gene-fasta", "seed", "store"});
  ASSERT_FALSE(m.empty());
  EXPECT_EQ(m[0], "mirna-fasta");
  EXPECT_TRUE(closest_matches("zzzzzzzz", {"seed", "store"}).empty());
}
