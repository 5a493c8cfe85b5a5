// A 64-bit content hash (FNV-1a over 8-byte words), for fingerprints of inputs and models:
// resume checks that a checkpoint belongs to the same inputs. Not cryptographic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace aemigap {

inline std::uint64_t hash_bytes(const void* data, std::size_t n, std::uint64_t h = 0xcbf29ce484222325ull) {
  const auto* p = static_cast<const unsigned char*>(data);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    h = (h ^ w) * 0x100000001b3ull;
    h ^= h >> 29;
  }
  for (; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}
inline std::uint64_t hash_string(const std::string& s, std::uint64_t h = 0xcbf29ce484222325ull) {
  return hash_bytes(s.data(), s.size(), h);
}

}  // namespace aemigap

namespace aemigap {
// hash_bytes of a whole file, as 16 hex digits (identifies a checkpoint file). Throws
// InputError(path, 0, missing) when the file cannot be read.
std::string hash_file_hex(const std::string& path, const std::string& missing);
}  // namespace aemigap
