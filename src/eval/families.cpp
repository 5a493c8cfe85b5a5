#include "aemigap/eval/families.hpp"

#include <cctype>

namespace aemigap::eval {

std::string seed_of(std::string_view mature, int length) {
  const auto n = static_cast<std::size_t>(length);
  if (mature.size() < n + 1) return "";
  std::string s(mature.substr(1, n));
  for (char& c : s) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (c == 'T') c = 'U';
  }
  return s;
}

SeedFamilies SeedFamilies::from(const std::vector<std::string>& seqs, int seed_length) {
  SeedFamilies f;
  f.seed_length = seed_length;
  f.family.assign(seqs.size(), -1);
  for (std::size_t m = 0; m < seqs.size(); ++m) {
    const std::string s = seed_of(seqs[m], seed_length);
    if (s.empty()) continue;
    auto [it, fresh] = f.by_seed.emplace(s, static_cast<std::int32_t>(f.members.size()));
    if (fresh) {
      f.members.emplace_back();
      f.seeds.push_back(s);
    }
    f.family[m] = it->second;
    f.members[static_cast<std::size_t>(it->second)].push_back(static_cast<std::int32_t>(m));
  }
  return f;
}

std::vector<std::int32_t> SeedFamilies::others(std::int32_t m) const {
  std::vector<std::int32_t> out;
  const std::int32_t id = family[static_cast<std::size_t>(m)];
  if (id < 0) return out;
  for (auto x : members[static_cast<std::size_t>(id)])
    if (x != m) out.push_back(x);
  return out;
}

const std::vector<std::int32_t>* SeedFamilies::members_of_seed(const std::string& seed) const {
  auto it = by_seed.find(seed);
  return it == by_seed.end() ? nullptr : &members[static_cast<std::size_t>(it->second)];
}

}  // namespace aemigap::eval
