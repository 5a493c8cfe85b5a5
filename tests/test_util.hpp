// Helpers shared by the unit tests: a temporary folder and small file writers.
#pragma once

#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace aemigap::test {

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("aemigap-test-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string write_file(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

inline std::string write_gz(const std::string& path, const std::string& content) {
  gzFile f = gzopen(path.c_str(), "wb");
  gzwrite(f, content.data(), static_cast<unsigned>(content.size()));
  gzclose(f);
  return path;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline std::string bundled(const std::string& name) { return std::string(AEMIGAP_SOURCE_DIR) + "/data/" + name; }

}  // namespace aemigap::test

// EXPECT that `stmt` throws InputError whose message contains `needle` and names `line`.
#define EXPECT_INPUT_ERROR(stmt, expected_line, needle)                                              \
  do {                                                                                               \
    try {                                                                                            \
      stmt;                                                                                          \
      ADD_FAILURE() << "no InputError thrown by " #stmt;                                             \
    } catch (const ::aemigap::InputError& e) {                                                       \
      EXPECT_EQ(e.line(), static_cast<std::size_t>(expected_line)) << e.what();                      \
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();                  \
      EXPECT_NE(std::string(e.what()).find(e.file()), std::string::npos) << "message names the file"; \
    }                                                                                                \
  } while (0)
