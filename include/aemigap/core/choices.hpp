// Closed choices of the configuration, as enums with their names written once.
//
// Each enum is declared beside its option in config.hpp with AEMIGAP_CHOICES(E, {E::X,
// "x"}, ...): that one table is what the config parses (once, when it is read), what
// --help, docs/config.md and the INI dump print, and what error messages list. Code
// downstream compares enums, never option strings. ChoiceList<E> is a comma-separated
// list of one enum (cv-protocols, recovery-splits, ...).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace aemigap {

// Specialised by AEMIGAP_CHOICES for each enum: `items` pairs every value with its name.
template <class E> struct Choices;

#define AEMIGAP_CHOICES(E, ...)                                            \
  template <> struct Choices<E> {                                          \
    static constexpr std::pair<E, const char*> items[] = {__VA_ARGS__};    \
  }

template <class E, class = void> struct is_choice : std::false_type {};
template <class E> struct is_choice<E, std::void_t<decltype(Choices<E>::items)>> : std::true_type {};

// The name of a value, as written in configs ("als", "pair+latent").
template <class E> const char* name_of(E e) {
  for (const auto& [v, n] : Choices<E>::items)
    if (v == e) return n;
  return "?";
}

template <class E> std::optional<E> parse_choice(std::string_view text) {
  for (const auto& [v, n] : Choices<E>::items)
    if (text == n) return v;
  return std::nullopt;
}

// "a | b | c", for help and errors.
template <class E> std::string choice_names(const char* sep = " | ") {
  std::string s;
  for (const auto& [v, n] : Choices<E>::items) s += (s.empty() ? "" : sep) + std::string(n);
  return s;
}

// A comma-separated list of choices, in the order given, without repeats.
template <class E> struct ChoiceList {
  using value_type = E;
  std::vector<E> items;
  ChoiceList() = default;
  ChoiceList(std::initializer_list<E> l) {
    for (E e : l) add(e);
  }
  void add(E e) {
    if (!contains(e)) items.push_back(e);
  }
  bool contains(E e) const {
    for (E x : items)
      if (x == e) return true;
    return false;
  }
  bool empty() const { return items.empty(); }
  std::size_t size() const { return items.size(); }
  E front() const { return items.front(); }
  E operator[](std::size_t i) const { return items[i]; }
  auto begin() const { return items.begin(); }
  auto end() const { return items.end(); }
  std::string text() const {  // "a,b" (as in a config file)
    std::string s;
    for (E e : items) s += (s.empty() ? "" : ",") + std::string(name_of(e));
    return s;
  }
};

}  // namespace aemigap
