// Small string helpers shared by the parsers and the CLI.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace aemigap {

std::string_view trim(std::string_view s);
std::vector<std::string_view> split(std::string_view s, char sep);
bool ends_with(std::string_view s, std::string_view suffix);
bool starts_with(std::string_view s, std::string_view prefix);
std::string to_lower(std::string_view s);
std::string to_upper(std::string_view s);
// Fields of a space-separated line whose fields may be "double-quoted" (R's write.table).
std::vector<std::string> quoted_fields(std::string_view line);

// Number of bytes of the longest valid UTF-8 prefix; == s.size() when s is valid UTF-8.
std::size_t utf8_valid_prefix(std::string_view s);

// Levenshtein distance, and the candidates closest to `name` (for "did you mean" hints).
std::size_t edit_distance(std::string_view a, std::string_view b);
std::vector<std::string> closest_matches(std::string_view name, const std::vector<std::string>& candidates,
                                         std::size_t max_results = 3);

}  // namespace aemigap
