// docs/store.md and include/aemigap/core/store_schema.hpp describe the same store: every
// group, dataset and attribute of the schema is named in the document, and every dataset
// path the document's tables list is in the schema.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "aemigap/core/store_schema.hpp"

using namespace aemigap;

namespace {
std::string store_md() {
  std::ifstream in(std::string(AEMIGAP_SOURCE_DIR) + "/docs/store.md");
  std::stringstream b;
  b << in.rdbuf();
  return b.str();
}
}  // namespace

TEST(StoreSchema, EveryEntryIsDocumented) {
  const std::string md = store_md();
  ASSERT_FALSE(md.empty()) << "docs/store.md not found";
  for (const auto& e : schema::entries()) {
    std::string path = e.path;
    if (e.kind == schema::Kind::Part) {  // "/scaler_min" is written `scaler_min` or as part of a longer path
      while (!path.empty() && path.front() == '/') path.erase(0, 1);
      while (!path.empty() && path.back() == '/') path.pop_back();
      EXPECT_NE(md.find(path), std::string::npos) << e.constant << " (" << e.path << ") is not in docs/store.md";
    } else {
      EXPECT_NE(md.find("`" + path + "`"), std::string::npos)
          << e.constant << " (`" << path << "`) is not in docs/store.md";
    }
  }
}

TEST(StoreSchema, EveryDocumentedDatasetIsInTheSchema) {
  std::set<std::string> known;
  for (const auto& e : schema::entries())
    if (e.kind == schema::Kind::Dataset || e.kind == schema::Kind::Group) known.insert(e.path);
  // The first cell of a table row that names an absolute path: | `/a/b` | ...
  const std::regex row(R"(^\| `(/[a-z_/]+)`)");
  std::istringstream in(store_md());
  std::string line;
  int rows = 0;
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_search(line, m, row)) continue;
    ++rows;
    EXPECT_TRUE(known.count(m[1].str())) << m[1].str() << " is in docs/store.md but not in store_schema.hpp";
  }
  EXPECT_GT(rows, 10);
}

TEST(StoreSchema, NamesAreUnique) {
  std::set<std::string> constants, paths;
  for (const auto& e : schema::entries()) {
    EXPECT_TRUE(constants.insert(e.constant).second) << e.constant;
    EXPECT_TRUE(paths.insert(std::to_string(static_cast<int>(e.kind)) + e.path).second) << e.path;
    EXPECT_GT(std::string(e.comment).size(), 3u) << e.constant;
  }
  EXPECT_EQ(schema::cv_roc("paper", 3), "/cv/paper/roc_fold3");
  EXPECT_EQ(schema::cv_metrics("uniform"), "/cv/uniform/metrics");
}
