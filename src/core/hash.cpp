#include "aemigap/core/hash.hpp"

#include <cstdio>
#include <fstream>
#include <iterator>

#include "aemigap/core/error.hpp"

namespace aemigap {

std::string hash_file_hex(const std::string& path, const std::string& missing) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, 0, missing);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  char out[20];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(hash_bytes(bytes.data(), bytes.size())));
  return out;
}

}  // namespace aemigap
