#include <gtest/gtest.h>

#include <filesystem>

#include "aemigap/core/error.hpp"
#include "aemigap/core/store.hpp"
#include "test_util.hpp"

using namespace aemigap;
using namespace aemigap::test;

TEST(Store, RoundTripStringsNumbersAttributes) {
  TempDir t;
  std::string p = t.file("s.h5");
  {
    Store s = Store::create(p);
    s.write_strings("/mirna/name", {"hsa-miR-1", "", "caf\xc3\xa9"});
    std::vector<float> m{1, 2, 3, 4, 5, 6};
    s.write("/x/m", m, {2, 3});
    s.write<std::int32_t>("/x/empty", {}, {0, 2});
    s.set_attr("/x/m", "what", std::string("a matrix"));
    s.set_attr("/x", "n", std::int64_t{-5});
    s.set_attr("/", "pi", 3.25);
    s.set_attr("/x", "v", std::vector<double>{0.5, 1.5});
  }
  Store s = Store::open(p);
  EXPECT_EQ(s.read_strings("/mirna/name"), (std::vector<std::string>{"hsa-miR-1", "", "caf\xc3\xa9"}));
  std::vector<std::uint64_t> dims;
  EXPECT_EQ(s.read<float>("/x/m", &dims), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(dims, (std::vector<std::uint64_t>{2, 3}));
  EXPECT_TRUE(s.read<std::int32_t>("/x/empty").empty());
  EXPECT_EQ(s.attr_string("/x/m", "what"), "a matrix");
  EXPECT_EQ(s.attr_int("/x", "n"), -5);
  EXPECT_EQ(s.attr_double("/", "pi"), 3.25);
  EXPECT_EQ(s.attr_doubles("/x", "v"), (std::vector<double>{0.5, 1.5}));
  EXPECT_TRUE(s.exists("/x/m"));
  EXPECT_FALSE(s.exists("/x/nope"));
  EXPECT_FALSE(s.exists("/nope/deeper"));
  EXPECT_FALSE(s.has_attr("/x", "missing"));
  EXPECT_THROW(s.read<float>("/nope"), InputError);
}

TEST(Store, RowBlocksSerial) {
  TempDir t;
  Store s = Store::create(t.file("r.h5"));
  s.create_dataset<float>("/scores/matrix", 10, 3, 4, /*compress=*/true);
  std::vector<float> rows(9);
  for (int i = 0; i < 9; ++i) rows[i] = static_cast<float>(i);
  s.write_rows("/scores/matrix", 7, 3, rows.data());
  std::vector<float> back(9, -1);
  s.read_rows("/scores/matrix", 7, 3, back.data());
  EXPECT_EQ(back, rows);
  EXPECT_THROW(s.write_rows("/scores/matrix", 9, 3, rows.data()), Error);  // past the end
}

TEST(Store, OpenErrorsAreClear) {
  TempDir t;
  EXPECT_INPUT_ERROR(Store::open(t.file("none.h5")), 0, "not found");
  EXPECT_INPUT_ERROR(Store::open(write_file(t.file("text.h5"), "hello")), 0, "not an HDF5 file");
}

TEST(StoreUpdate, UncommittedUpdateLeavesThePreviousStoreUntouched) {
  TempDir t;
  std::string p = t.file("s.h5");
  {
    StoreUpdate up(p, /*fresh=*/true);
    up.store().write<double>("/a", {1.0, 2.0}, {2});
    up.commit();
  }
  std::string before = read_file(p);
  try {
    StoreUpdate up(p, /*fresh=*/false);
    up.store().write<double>("/b", {3.0}, {1});
    up.store().remove("/a");
    throw std::runtime_error("stage failed");  // no commit
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(read_file(p), before) << "the failed stage changed the store";
  for (const auto& e : std::filesystem::directory_iterator(t.path()))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << "left temp file " << e.path();

  {
    StoreUpdate up(p, false);
    up.store().write<double>("/b", {3.0}, {1});
    up.commit();
  }
  Store s = Store::open(p);
  EXPECT_EQ(s.read<double>("/a"), (std::vector<double>{1.0, 2.0}));
  EXPECT_EQ(s.read<double>("/b"), (std::vector<double>{3.0}));
}

TEST(StoreUpdate, NeedsAnExistingStoreUnlessFresh) {
  TempDir t;
  EXPECT_INPUT_ERROR(StoreUpdate up(t.file("missing.h5"), false), 0, "aemigap ingest");
}
