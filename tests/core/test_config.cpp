#include <gtest/gtest.h>

#include <filesystem>

#include "aemigap/core/config.hpp"
#include "aemigap/core/error.hpp"
#include "test_util.hpp"

using namespace aemigap;
using aemigap::test::TempDir;
using aemigap::test::write_file;

TEST(Config, DefaultsComeFromTheFieldTable) {
  Config c = parse_config({});
  EXPECT_EQ(c.store, (std::filesystem::current_path() / "aemigap.h5").string());  // absolute
  EXPECT_EQ(c.seed, 42u);
  EXPECT_EQ(c.pairs_format, PairsFormat::Auto);
  bool found = false;
  for (const auto& f : config_fields())
    if (f.name == "seed") {
      found = true;
      EXPECT_EQ(f.default_value, "42");
      EXPECT_EQ(f.section, "general");
    }
  EXPECT_TRUE(found);
}

TEST(Config, CommandLineOverridesFileOverridesDefault) {
  TempDir t;
  auto ini = write_file(t.file("a.ini"), "# comment\nseed = 7\nthreads = 3\n\nlog-level = debug\n");
  Config c = parse_config({"--config", ini, "--seed", "9"});
  EXPECT_EQ(c.seed, 9u);        // command line
  EXPECT_EQ(c.threads, 3);      // file
  EXPECT_EQ(c.log_level, LogLevel::debug);
  EXPECT_EQ(c.pairs_format, PairsFormat::Auto);  // default
}

TEST(Config, PathsInAFileAreRelativeToTheFile) {
  TempDir t;
  std::filesystem::create_directories(t.path() / "configs");
  auto ini = write_file(t.file("configs/p.ini"), "pairs = ../data/x.tsv\nstore = /abs/s.h5\naliases =\n");
  Config c = parse_config({"--config", ini});
  EXPECT_EQ(c.pairs, (t.path() / "data/x.tsv").string());
  EXPECT_EQ(c.store, "/abs/s.h5");
  EXPECT_EQ(c.aliases, "");  // empty stays empty (= no alias table)
  Config d = parse_config({"--config", ini, "--pairs", "rel.tsv"});
  EXPECT_EQ(d.pairs, (std::filesystem::current_path() / "rel.tsv").string());  // command line: working directory
}

TEST(Config, UnknownOptionInFileNamesLineAndSuggests) {
  TempDir t;
  auto ini = write_file(t.file("bad.ini"), "seed = 1\n\nmirna-fsta = x.fa\n");
  EXPECT_INPUT_ERROR(parse_config({"--config", ini}), 3, "did you mean mirna-fasta");
}

TEST(Config, BadValueInFileNamesLine) {
  TempDir t;
  auto ini = write_file(t.file("bad.ini"), "# x\nthreads = lots\n");
  EXPECT_INPUT_ERROR(parse_config({"--config", ini}), 2, "threads");
}

TEST(Config, StructuralErrorsInFile) {
  TempDir t;
  EXPECT_INPUT_ERROR(parse_config({"--config", write_file(t.file("a.ini"), "seed 1\n")}), 1, "key = value");
  EXPECT_INPUT_ERROR(parse_config({"--config", write_file(t.file("b.ini"), "seed=1\nseed=2\n")}), 2, "set twice");
  EXPECT_INPUT_ERROR(parse_config({"--config", write_file(t.file("c.ini"), "[ingest]\n")}), 1, "sections");
  EXPECT_INPUT_ERROR(parse_config({"--config", t.file("missing.ini")}), 0, "cannot open");
}

TEST(Config, CommandLineErrors) {
  EXPECT_THROW(parse_config({"--seeed", "3"}), ConfigError);
  EXPECT_THROW(parse_config({"--threads", "-1"}), ConfigError);
  EXPECT_THROW(parse_config({"--pairs-format", "xlsx"}), ConfigError);
  try {
    parse_config({"--mirna-fsta", "x"});
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("mirna-fasta"), std::string::npos) << e.what();
  }
}

TEST(Config, IniDumpRoundTrips) {
  TempDir t;
  Config c = parse_config({"--seed", "123", "--pairs", "/x/p.gmt", "--aliases", ""});
  auto ini = write_file(t.file("dump.ini"), c.to_ini());
  Config d = parse_config({"--config", ini});
  EXPECT_EQ(d.to_ini(), c.to_ini());
  EXPECT_EQ(d.seed, 123u);
  EXPECT_EQ(d.aliases, "");
}

TEST(Config, HelpAndMarkdownListEveryOption) {
  std::string help = config_help(), md = config_markdown();
  for (const auto& f : config_fields()) {
    EXPECT_NE(help.find("--" + f.name), std::string::npos) << f.name;
    EXPECT_NE(md.find("`" + f.name + "`"), std::string::npos) << f.name;
  }
}
