#include <gtest/gtest.h>

#include "aemigap/core/error.hpp"
#include "aemigap/core/line_reader.hpp"
#include "test_util.hpp"

using namespace aemigap;
using namespace aemigap::test;

namespace {
std::vector<std::string> all_lines(const std::string& path) {
  LineReader in(path);
  std::vector<std::string> out;
  std::string_view l;
  while (in.next(l)) out.emplace_back(l);
  return out;
}
}  // namespace

TEST(LineReader, PlainAndGzipReadAlike) {
  TempDir t;
  std::string text = "a\r\nb\n\nlast without newline";
  auto plain = all_lines(write_file(t.file("x.txt"), text));
  auto gz = all_lines(write_gz(t.file("x.txt.gz"), text));
  std::vector<std::string> want{"a", "b", "", "last without newline"};
  EXPECT_EQ(plain, want);
  EXPECT_EQ(gz, want);
}

TEST(LineReader, LongLinesAcrossBufferBoundaries) {
  TempDir t;
  std::string big(700000, 'Q');
  auto lines = all_lines(write_gz(t.file("big.gz"), "x\n" + big + "\ny\n"));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1], big);
}

TEST(LineReader, MissingFileAndDirectory) {
  TempDir t;
  EXPECT_INPUT_ERROR(LineReader r(t.file("nope.tsv")), 0, "not found");
  EXPECT_INPUT_ERROR(LineReader r(t.path().string()), 0, "directory");
}

TEST(LineReader, NonUtf8NamesTheLine) {
  TempDir t;
  auto p = write_file(t.file("latin1.tsv"), "ok\nstill ok\ncaf\xe9\n");
  EXPECT_INPUT_ERROR(all_lines(p), 3, "UTF-8");
}

TEST(LineReader, NulByteIsBinary) {
  TempDir t;
  auto p = write_file(t.file("bin"), std::string("a\nb\0c\n", 6));
  EXPECT_INPUT_ERROR(all_lines(p), 2, "binary");
}

TEST(LineReader, TruncatedGzipIsAnError) {
  TempDir t;
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "hsa-miR-" + std::to_string(i) + "\tGENE" + std::to_string(i * 7) + "\n";
  auto full = read_file(write_gz(t.file("full.gz"), text));
  auto cut = write_file(t.file("cut.gz"), full.substr(0, full.size() / 2));
  try {
    all_lines(cut);
    FAIL() << "truncated gzip read without error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
    EXPECT_GT(e.line(), 0u);
  }
}
