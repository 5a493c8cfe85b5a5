#include "aemigap/core/config.hpp"

#include <algorithm>
#include <boost/program_options.hpp>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <type_traits>

#include "aemigap/core/error.hpp"
#include "aemigap/core/text.hpp"
#include "aemigap/core/version.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace aemigap {

namespace {

using namespace bound;  // the bounds written in AEMIGAP_CONFIG_FIELDS

template <class T> struct is_list : std::false_type {};
template <class E> struct is_list<ChoiceList<E>> : std::true_type {};

template <class T> std::string type_name() {
  if constexpr (std::is_same_v<T, std::string>) return "string";
  else if constexpr (std::is_same_v<T, bool>) return "bool";
  else if constexpr (std::is_same_v<T, double>) return "float";
  else if constexpr (std::is_same_v<T, int>) return "int";
  else if constexpr (std::is_same_v<T, std::int64_t>) return "int64";
  else if constexpr (std::is_same_v<T, std::uint64_t>) return "uint64";
  else if constexpr (std::is_same_v<T, std::vector<int>>) return "int,...";
  else if constexpr (is_list<T>::value) return "choice,...";
  else if constexpr (is_choice<T>::value) return "choice";
  else static_assert(sizeof(T) == 0, "add the type to type_name()");
}

template <class T> std::string to_text(const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    return v ? "true" : "false";
  } else if constexpr (std::is_same_v<T, std::string>) {
    return v;
  } else if constexpr (std::is_same_v<T, std::vector<int>>) {
    std::string s;
    for (int x : v) s += (s.empty() ? "" : ",") + std::to_string(x);
    return s;
  } else if constexpr (is_list<T>::value) {
    return v.text();
  } else if constexpr (is_choice<T>::value) {
    return name_of(v);
  } else {
    std::ostringstream os;
    os << v;
    return os.str();
  }
}

// What an option accepts, for help and docs: its choices or its bound.
template <class T> std::string values_text(const Bound& b) {
  if constexpr (is_list<T>::value) return choice_names<typename T::value_type>();
  else if constexpr (is_choice<T>::value) return choice_names<T>();
  else if constexpr (std::is_same_v<T, bool>) return "true | false";
  else return b.text();
}

std::string quoted_choices(const std::string& value, const std::string& names) {
  std::vector<std::string> list;
  for (auto n : split(names, '|')) list.emplace_back(trim(n));
  auto close = closest_matches(value, list, 1);
  return "'" + value + "' is not one of " + names + (close.empty() ? "" : " (did you mean " + close[0] + "?)");
}

// Parses one option's text; throws ConfigError("problem") without the option's name (the
// caller adds where the value came from).
template <class T> T from_text(const std::string& raw) {
  const std::string t(trim(raw));
  if constexpr (std::is_same_v<T, std::string>) {
    return raw;
  } else if constexpr (std::is_same_v<T, bool>) {
    const std::string l = to_lower(t);
    if (l == "true" || l == "1" || l == "yes" || l == "on") return true;
    if (l == "false" || l == "0" || l == "no" || l == "off") return false;
    throw ConfigError("'" + raw + "' is not a bool (true | false)");
  } else if constexpr (std::is_same_v<T, std::vector<int>>) {
    std::vector<int> v;
    for (auto part : split(t, ',')) v.push_back(from_text<int>(std::string(part)));
    return v;
  } else if constexpr (is_list<T>::value) {
    using E = typename T::value_type;
    T list;
    for (auto part : split(t, ',')) {
      const std::string item(trim(part));
      if (item.empty()) continue;
      auto e = parse_choice<E>(item);
      if (!e) throw ConfigError(quoted_choices(item, choice_names<E>()));
      list.add(*e);
    }
    if (list.empty()) throw ConfigError("needs at least one of " + choice_names<E>());
    return list;
  } else if constexpr (is_choice<T>::value) {
    auto e = parse_choice<T>(t);
    if (!e) throw ConfigError(quoted_choices(t, choice_names<T>()));
    return *e;
  } else if constexpr (std::is_floating_point_v<T>) {
    char* end = nullptr;
    errno = 0;
    const double v = t.empty() ? 0 : std::strtod(t.c_str(), &end);
    if (t.empty() || *end != '\0' || errno == ERANGE) throw ConfigError("'" + raw + "' is not a number");
    return static_cast<T>(v);
  } else {
    static_assert(std::is_integral_v<T>);
    T v{};
    const char* b = t.data();
    const char* e = t.data() + t.size();
    if (std::is_unsigned_v<T> && !t.empty() && t[0] == '-')
      throw ConfigError("'" + raw + "' is negative; it must be a whole number >= 0");
    auto [ptr, ec] = std::from_chars(b, e, v);
    if (t.empty() || ec != std::errc() || ptr != e)
      throw ConfigError("'" + raw + "' is not a whole number" +
                        (ec == std::errc::result_out_of_range ? " in range" : ""));
    return v;
  }
}

// The field's bound (and finiteness) on a parsed value; throws ConfigError naming the option.
template <class T> void check_bound(const char* option, const T& v, const Bound& b) {
  if constexpr (std::is_same_v<T, std::vector<int>>) {
    if (v.empty()) throw ConfigError("option '" + std::string(option) + "' needs at least one value");
    for (int x : v) check_bound(option, x, b);
  } else if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) {
    const double d = static_cast<double>(v);
    if (!std::isfinite(d))
      throw ConfigError("option '" + std::string(option) + "' must be a finite number (got " + to_text(v) + ")");
    if (!b.contains(d))
      throw ConfigError("option '" + std::string(option) + "' must be " + b.text() + " (got " + to_text(v) + ")");
  }
}

// Paths in a config file are relative to the file's folder (only strings are paths).
template <class T> void resolve_relative(T&, const fs::path&) {}
void resolve_relative(std::string& v, const fs::path& dir) {
  if (!v.empty() && fs::path(v).is_relative()) v = (dir / v).lexically_normal().string();
}

// Every option is read as text and converted by from_text (one parser, one kind of error);
// a bool given without a value ("--deterministic") means true.
po::options_description make_options(bool with_config) {
  po::options_description desc;
  if (with_config) desc.add_options()("config", po::value<std::string>(), "INI config file");
#define AEMIGAP_ADD(type, member, name, section, kind, def, bound, help)                  \
  if constexpr (std::is_same_v<type, bool>)                                                \
    desc.add_options()(name, po::value<std::string>()->implicit_value("true"), help);      \
  else                                                                                     \
    desc.add_options()(name, po::value<std::string>(), help);
  AEMIGAP_CONFIG_FIELDS(AEMIGAP_ADD)
#undef AEMIGAP_ADD
  return desc;
}

std::vector<std::string> field_names() {
  std::vector<std::string> out;
  for (const auto& f : config_fields()) out.push_back(f.name);
  return out;
}

std::string did_you_mean(const std::string& name) {
  auto m = closest_matches(name, field_names());
  if (m.empty()) return "";
  std::string s = " (did you mean";
  for (std::size_t i = 0; i < m.size(); ++i) s += (i ? ", " : " ") + m[i];
  return s + "?)";
}

// Checks the file's structure line by line (so every error names its line) and returns
// the line of each key for the value errors found later.
std::map<std::string, std::size_t> scan_ini(const std::string& path, const std::string& text) {
  std::set<std::string> known;
  for (const auto& f : config_fields()) known.insert(f.name);
  std::map<std::string, std::size_t> line_of;
  std::size_t lineno = 0;
  for (std::string_view line : split(text, '\n')) {
    ++lineno;
    if (utf8_valid_prefix(line) != line.size()) throw InputError(path, lineno, "not valid UTF-8");
    std::string_view t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t[0] == '[')
      throw InputError(path, lineno, "sections are not used in aemigap config files; write 'key = value' lines");
    auto eq = t.find('=');
    if (eq == std::string_view::npos) throw InputError(path, lineno, "expected 'key = value', found '" + std::string(t) + "'");
    std::string key(trim(t.substr(0, eq)));
    if (key == "config") throw InputError(path, lineno, "a config file cannot include another (option 'config')");
    if (!known.count(key)) throw InputError(path, lineno, "unknown option '" + key + "'" + did_you_mean(key));
    if (line_of.count(key))
      throw InputError(path, lineno, "option '" + key + "' set twice (first on line " + std::to_string(line_of[key]) + ")");
    line_of[key] = lineno;
  }
  return line_of;
}

std::string strip_dashes(std::string s) {
  while (!s.empty() && s[0] == '-') s.erase(0, 1);
  return s;
}

}  // namespace

std::string Bound::text() const {
  auto num = [](double v) { return to_text(v); };
  const bool has_lo = std::isfinite(lo), has_hi = std::isfinite(hi);
  if (!has_lo && !has_hi) return "";
  if (!has_hi) return (lo_open ? "> " : ">= ") + num(lo);
  if (!has_lo) return (hi_open ? "< " : "<= ") + num(hi);
  return std::string(lo_open ? "(" : "[") + num(lo) + ", " + num(hi) + (hi_open ? ")" : "]");
}

const std::vector<FieldInfo>& config_fields() {
  static const std::vector<FieldInfo> fields = [] {
    std::vector<FieldInfo> v;
#define AEMIGAP_INFO(type, member, name, section, kind, def, bound, help) \
  v.push_back({name, section, type_name<type>(), to_text<type>(def), help, FieldKind::kind, values_text<type>(bound)});
    AEMIGAP_CONFIG_FIELDS(AEMIGAP_INFO)
#undef AEMIGAP_INFO
    return v;
  }();
  return fields;
}

Config parse_config(const std::vector<std::string>& args) {
  po::variables_map cli;
  try {
    po::store(po::command_line_parser(args).options(make_options(true)).run(), cli);
  } catch (const po::unknown_option& e) {
    throw ConfigError(std::string(e.what()) + did_you_mean(strip_dashes(e.get_option_name())) +
                      "; `aemigap --help` lists every option");
  } catch (const po::error& e) {
    throw ConfigError(std::string("command line: ") + e.what());
  }

  po::variables_map file;
  fs::path cfg_dir;
  std::string cfg_path;
  std::map<std::string, std::size_t> line_of;
  if (cli.count("config")) {
    cfg_path = cli["config"].as<std::string>();
    std::ifstream in(cfg_path, std::ios::binary);
    if (!in) throw InputError(cfg_path, 0, "cannot open config file");
    std::stringstream buf;
    buf << in.rdbuf();
    std::string text = buf.str();
    line_of = scan_ini(cfg_path, text);
    std::istringstream is(text);
    try {
      po::store(po::parse_config_file(is, make_options(false), false), file);
    } catch (const po::error_with_option_name& e) {
      std::string key = strip_dashes(e.get_option_name());
      throw InputError(cfg_path, line_of.count(key) ? line_of[key] : 0, e.what());
    } catch (const po::error& e) {
      throw InputError(cfg_path, 0, e.what());
    }
    cfg_dir = fs::absolute(fs::path(cfg_path)).parent_path();
  }

  // Each value is converted and checked against its field's bound where it was given, so
  // an error names the option and, for a config file, the file and line.
  Config c;
#define AEMIGAP_MERGE(type, member, name, section, kind, def, bound, help)                    \
  if (cli.count(name)) {                                                                      \
    try {                                                                                     \
      c.member = from_text<type>(cli[name].as<std::string>());                                \
      check_bound(name, c.member, bound);                                                     \
    } catch (const ConfigError& e) {                                                          \
      const std::string what = e.what();                                                      \
      throw ConfigError(what.rfind("option '", 0) == 0 ? what : "option '" name "': " + what);   \
    }                                                                                         \
  } else if (file.count(name)) {                                                              \
    try {                                                                                     \
      c.member = from_text<type>(file[name].as<std::string>());                               \
      check_bound(name, c.member, bound);                                                     \
    } catch (const ConfigError& e) {                                                          \
      const std::string what = e.what();                                                      \
      throw InputError(cfg_path, line_of[name], what.rfind("option '", 0) == 0 ? what : "option '" name "': " + what); \
    }                                                                                         \
    if (FieldKind::kind == FieldKind::Path) resolve_relative(c.member, cfg_dir);              \
  }                                                                                           \
  if (FieldKind::kind == FieldKind::Path) resolve_relative(c.member, fs::current_path());
  AEMIGAP_CONFIG_FIELDS(AEMIGAP_MERGE)
#undef AEMIGAP_MERGE
  c.validate();
  return c;
}

void Config::validate() const {
  // Every field's own bound (parse_config checked them where they were read; a Config made
  // or edited in code is checked here).
#define AEMIGAP_BOUND(type, member, name, section, kind, def, bound, help) check_bound(name, member, bound);
  AEMIGAP_CONFIG_FIELDS(AEMIGAP_BOUND)
#undef AEMIGAP_BOUND
  // Rules that tie options together.
  if (store.empty()) throw ConfigError("option 'store' must name a file");
  if (embed_frames > embed_k) throw ConfigError("option 'embed-frames' must be <= embed-k");
  if (embed_min_alpha > embed_alpha) throw ConfigError("option 'embed-min-alpha' must be <= embed-alpha");
  if (cv_task > 0 && cv_merge) throw ConfigError("options 'cv-task' and 'cv-merge' exclude each other");
  if (experiment_task > 0 && experiment_merge)
    throw ConfigError("options 'experiment-task' and 'experiment-merge' exclude each other");
  if (classifier == Arch::Transformer && rnn_hidden % tf_heads != 0)
    throw ConfigError("option 'rnn-hidden' must be divisible by 'tf-heads' for the transformer");
}

std::string Config::to_ini() const {
  std::ostringstream os;
  os << "# aemigap " << version() << " (" << git_commit() << ")\n";
  std::string section;
  auto emit_section = [&](const char* s) {
    if (section != s) {
      section = s;
      os << "\n# " << s << "\n";
    }
  };
#define AEMIGAP_INI(type, member, name, sec, kind, def, bound, help) \
  emit_section(sec);                                          \
  os << name << " = " << to_text<type>(member) << "\n";
  AEMIGAP_CONFIG_FIELDS(AEMIGAP_INI)
#undef AEMIGAP_INI
  return os.str();
}

std::string config_help(const std::vector<std::string>& sections) {
  std::ostringstream os;
  std::string section;
  for (const auto& f : config_fields()) {
    if (!sections.empty() && std::find(sections.begin(), sections.end(), f.section) == sections.end()) continue;
    if (f.section != section) {
      section = f.section;
      os << "\n" << section << " options:\n";
    }
    std::string head = "  --" + f.name + " <" + f.type + ">";
    os << head << std::string(head.size() < 32 ? 32 - head.size() : 1, ' ') << f.help
       << (f.values.empty() ? "" : " [" + f.values + "]")
       << " [default: " << (f.default_value.empty() ? "\"\"" : f.default_value) << "]\n";
  }
  return os.str();
}

std::string config_markdown() {
  std::ostringstream os;
  os << "# Configuration reference\n\n"
     << "Generated by `aemigap config --markdown` from the one `Config` definition\n"
     << "(include/aemigap/core/config.hpp); a test fails when this file is out of date.\n\n"
     << "Every option works on the command line (`--name value`) and in an INI file given with\n"
     << "`--config FILE` (`name = value` lines, `#` comments). The command line wins over the file,\n"
     << "the file over the default. Relative paths in a config file are relative to the file's folder.\n";
  std::string section;
  for (const auto& f : config_fields()) {
    if (f.section != section) {
      section = f.section;
      os << "\n## " << section << "\n\n| option | type | values | default | description |\n|---|---|---|---|---|\n";
    }
    auto cell = [](std::string t) {
      for (std::size_t p = 0; (p = t.find('|', p)) != std::string::npos; p += 2) t.replace(p, 1, "\\|");
      return t;
    };
    os << "| `" << f.name << "` | " << f.type << " | " << cell(f.values) << " | `" << f.default_value << "` | "
       << cell(f.help) << (f.kind == FieldKind::Path ? " (path)" : "") << " |\n";
  }
  return os.str();
}

}  // namespace aemigap
