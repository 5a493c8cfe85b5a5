#include "aemigap/core/config.hpp"

#include <boost/program_options.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <cstdlib>
#include <type_traits>

#include "aemigap/core/error.hpp"
#include "aemigap/core/text.hpp"
#include "aemigap/core/version.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace aemigap {

namespace {

template <class T> const char* type_name() {
  if constexpr (std::is_same_v<T, std::string>) return "string";
  else if constexpr (std::is_same_v<T, bool>) return "bool";
  else if constexpr (std::is_same_v<T, double>) return "float";
  else if constexpr (std::is_same_v<T, int>) return "int";
  else if constexpr (std::is_same_v<T, std::int64_t>) return "int64";
  else if constexpr (std::is_same_v<T, std::uint64_t>) return "uint64";
  else static_assert(sizeof(T) == 0, "add the type to type_name()");
}

template <class T> std::string to_text(const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    return v ? "true" : "false";
  } else {
    std::ostringstream os;
    os << v;
    return os.str();
  }
}

// Paths in a config file are relative to the file's folder.
template <class T> void resolve_relative(T&, const fs::path&) {}
template <> void resolve_relative<std::string>(std::string& v, const fs::path& dir) {
  if (!v.empty() && fs::path(v).is_relative()) v = (dir / v).lexically_normal().string();
}

// A bool given without a value ("--deterministic") means true.
template <class T> po::typed_value<T>* make_value() {
  if constexpr (std::is_same_v<T, bool>) return po::value<T>()->implicit_value(true, "true");
  else return po::value<T>();
}

po::options_description make_options(bool with_config) {
  po::options_description desc;
  if (with_config) desc.add_options()("config", po::value<std::string>(), "INI config file");
#define AEMIGAP_ADD(type, member, name, section, kind, def, help) desc.add_options()(name, make_value<type>(), help);
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
// the line of each key for the value errors that Program_options reports later.
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

void check_choice(const std::string& option, const std::string& value, std::initializer_list<const char*> choices) {
  std::string list;
  for (const char* c : choices) {
    if (value == c) return;
    list += list.empty() ? c : std::string(" | ") + c;
  }
  throw ConfigError("option '" + option + "': '" + value + "' is not one of " + list);
}

}  // namespace

const std::vector<FieldInfo>& config_fields() {
  static const std::vector<FieldInfo> fields = [] {
    std::vector<FieldInfo> v;
#define AEMIGAP_INFO(type, member, name, section, kind, def, help) \
  v.push_back({name, section, type_name<type>(), to_text<type>(def), help, FieldKind::kind});
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
  if (cli.count("config")) {
    std::string path = cli["config"].as<std::string>();
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, 0, "cannot open config file");
    std::stringstream buf;
    buf << in.rdbuf();
    std::string text = buf.str();
    auto line_of = scan_ini(path, text);
    std::istringstream is(text);
    try {
      po::store(po::parse_config_file(is, make_options(false), false), file);
    } catch (const po::error_with_option_name& e) {
      std::string key = strip_dashes(e.get_option_name());
      std::size_t line = line_of.count(key) ? line_of[key] : 0;
      throw InputError(path, line, e.what());
    } catch (const po::error& e) {
      throw InputError(path, 0, e.what());
    }
    cfg_dir = fs::absolute(fs::path(path)).parent_path();
  }

  Config c;
#define AEMIGAP_MERGE(type, member, name, section, kind, def, help) \
  if (cli.count(name)) {                                            \
    c.member = cli[name].as<type>();                                \
  } else if (file.count(name)) {                                    \
    c.member = file[name].as<type>();                               \
    if (FieldKind::kind == FieldKind::Path) resolve_relative(c.member, cfg_dir); \
  }                                                                 \
  if (FieldKind::kind == FieldKind::Path) resolve_relative(c.member, fs::current_path());
  AEMIGAP_CONFIG_FIELDS(AEMIGAP_MERGE)
#undef AEMIGAP_MERGE
  c.validate();
  return c;
}

void Config::validate() const {
  check_choice("log-level", log_level, {"quiet", "info", "debug"});
  check_choice("pairs-format", pairs_format, {"auto", "tsv", "gmt", "mti-csv"});
  check_choice("gene-alphabet", gene_alphabet, {"protein", "nucleotide"});
  check_choice("device", device, {"auto", "cpu", "cuda"});
  check_choice("dist-backend", dist_backend, {"auto", "mpi", "nccl"});
  if (threads < 0) throw ConfigError("option 'threads' must be >= 0 (0 = automatic)");
  if (train_replicas < 0) throw ConfigError("option 'train-replicas' must be >= 0 (0 = one per thread)");
  if (train_checkpoint_every < 0) throw ConfigError("option 'train-checkpoint-every' must be >= 0 (0 = none)");
  if (cv_task < 0) throw ConfigError("option 'cv-task' must be >= 0 (0 = every task)");
  if (cv_task > 0 && cv_merge) throw ConfigError("options 'cv-task' and 'cv-merge' exclude each other");
  if (!(progress_interval > 0)) throw ConfigError("option 'progress-interval' must be > 0 seconds");
  if (store.empty()) throw ConfigError("option 'store' must name a file");
  check_choice("embed-mode", embed_mode, {"dm", "dbow"});
  if (embed_k < 1 || embed_k > 7) throw ConfigError("option 'embed-k' must be 1..7");
  if (embed_frames < 1 || embed_frames > embed_k) throw ConfigError("option 'embed-frames' must be 1..embed-k");
  if (embed_dims < 1 || embed_window < 1 || embed_negative < 1 || embed_epochs < 1 || embed_min_count < 1)
    throw ConfigError("options embed-dims, embed-window, embed-negative, embed-epochs, embed-min-count must be >= 1");
  if (!(embed_alpha > 0) || embed_min_alpha < 0 || embed_min_alpha > embed_alpha)
    throw ConfigError("options embed-alpha > 0 and 0 <= embed-min-alpha <= embed-alpha");
  if (embed_mirna_epochs < 0 || embed_mirna_window < 0)
    throw ConfigError("options embed-mirna-epochs and embed-mirna-window must be >= 0 (0 = as for genes)");
  if (embed_sample < 0) throw ConfigError("option 'embed-sample' must be >= 0");
  check_choice("negatives-method", negatives_method, {"distance", "uniform"});
  check_choice("features", features, {"pair", "latent", "pair+latent"});
  check_choice("classifier", classifier, {"lstm", "bilstm", "gru", "transformer"});
  for (std::string_view p : split(cv_protocols, ','))
    check_choice("cv-protocols", std::string(trim(p)), {"paper", "uniform", "cold-mirna", "cold-gene"});
  for (std::string_view w : split(ae_hidden, ','))
    if (std::atoi(std::string(trim(w)).c_str()) <= 0)
      throw ConfigError("option 'ae-hidden': '" + ae_hidden + "' is not a comma-separated list of widths");
  if (ae_latent < 1 || ae_epochs < 1 || ae_batch < 1 || !(ae_lr > 0)) throw ConfigError("autoencoder options must be positive");
  if (!(ae_test_fraction >= 0 && ae_test_fraction < 1)) throw ConfigError("option 'ae-test-fraction' must be in [0, 1)");
  if (step_width < 1 || rnn_hidden < 1 || rnn_layers < 1 || tf_heads < 1 || tf_ff < 1 || tf_layers < 1)
    throw ConfigError("classifier sizes must be >= 1");
  if (rnn_hidden % tf_heads != 0 && classifier == "transformer")
    throw ConfigError("option 'rnn-hidden' must be divisible by 'tf-heads' for the transformer");
  if (train_samples < 1 || batch < 1 || !(lr > 0)) throw ConfigError("train-samples, batch and lr must be positive");
  if (cv_folds < 2) throw ConfigError("option 'cv-folds' must be >= 2");
  check_choice("sequence-kind", sequence_kind, {"mirna", "gene"});
  if (report_top < 1 || report_per_gene < 1) throw ConfigError("options report-top and report-per-gene must be >= 1");
  if (score_block_rows < 1) throw ConfigError("option 'score-block-rows' must be >= 1");
  if (cv_subsample < 0) throw ConfigError("option 'cv-subsample' must be >= 0");
  if (!(negatives_ratio > 0)) throw ConfigError("option 'negatives-ratio' must be > 0");
  for (std::string_view p : split(recovery_splits, ','))
    check_choice("recovery-splits", std::string(trim(p)), {"random", "mirna-stratified", "cold-mirna"});
  for (std::string_view p : split(recovery_models, ','))
    check_choice("recovery-models", std::string(trim(p)),
                 {"lstm-paper", "lstm-pool", "als", "als+lstm-pool", "als+lstm-paper", "degree-product",
                  "gene-popularity", "embedding-distance", "random"});
  if (!(recovery_fraction > 0 && recovery_fraction < 1)) throw ConfigError("option 'recovery-fraction' must be in (0, 1)");
  if (!(recovery_pool_fraction > 0 && recovery_pool_fraction <= 1))
    throw ConfigError("option 'recovery-pool-fraction' must be in (0, 1]");
  check_choice("ranker", ranker, {"lstm", "als", "als+lstm"});
  if (als_factors < 1 || als_iterations < 1 || als_alpha < 0 || !(als_lambda > 0))
    throw ConfigError("ALS options: als-factors, als-iterations >= 1, als-alpha >= 0, als-lambda > 0");
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
#define AEMIGAP_INI(type, member, name, sec, kind, def, help) \
  emit_section(sec);                                          \
  os << name << " = " << to_text<type>(member) << "\n";
  AEMIGAP_CONFIG_FIELDS(AEMIGAP_INI)
#undef AEMIGAP_INI
  return os.str();
}

std::string config_help() {
  std::ostringstream os;
  std::string section;
  for (const auto& f : config_fields()) {
    if (f.section != section) {
      section = f.section;
      os << "\n" << section << " options:\n";
    }
    std::string head = "  --" + f.name + " <" + f.type + ">";
    os << head << std::string(head.size() < 32 ? 32 - head.size() : 1, ' ') << f.help
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
      os << "\n## " << section << "\n\n| option | type | default | description |\n|---|---|---|---|\n";
    }
    std::string help = f.help;
    for (std::size_t p = 0; (p = help.find('|', p)) != std::string::npos; p += 2) help.replace(p, 1, "\\|");
    os << "| `" << f.name << "` | " << f.type << " | `" << f.default_value << "` | " << help
       << (f.kind == FieldKind::Path ? " (path)" : "") << " |\n";
  }
  return os.str();
}

}  // namespace aemigap
