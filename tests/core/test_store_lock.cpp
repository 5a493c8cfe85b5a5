#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "aemigap/core/error.hpp"
#include "aemigap/core/store_lock.hpp"
#include "test_util.hpp"

using namespace aemigap;
using namespace aemigap::test;

namespace {
// The message of the Error a take throws ("" when it takes the lock).
std::string refusal(const std::string& store, StoreLock::Mode mode) {
  try {
    StoreLock l = StoreLock::take(store, mode, "test");
    return "";
  } catch (const Error& e) {
    return e.what();
  }
}
}  // namespace

// flock locks belong to open file descriptions, so one process can play both sides.
TEST(StoreLock, WritersExcludeEveryoneReadersShare) {
  TempDir t;
  const std::string store = t.file("s.h5");
  const std::string me = "pid " + std::to_string(getpid()) + " (stage score)";
  {
    StoreLock w = StoreLock::take(store, StoreLock::Mode::Exclusive, "score");
    EXPECT_TRUE(w.held());
    EXPECT_NE(refusal(store, StoreLock::Mode::Shared).find("is being written by " + me), std::string::npos);
    EXPECT_NE(refusal(store, StoreLock::Mode::Shared).find("may be incomplete"), std::string::npos);
    EXPECT_NE(refusal(store, StoreLock::Mode::Exclusive).find("is being written by " + me), std::string::npos);
  }
  // Released: readers go side by side, a writer is refused while they read.
  StoreLock r1 = StoreLock::take(store, StoreLock::Mode::Shared, "query");
  EXPECT_EQ(refusal(store, StoreLock::Mode::Shared), "");
  EXPECT_NE(refusal(store, StoreLock::Mode::Exclusive).find("is being read by another aemigap process"),
            std::string::npos);
  r1 = StoreLock();
  EXPECT_EQ(refusal(store, StoreLock::Mode::Exclusive), "");
}
