// The run manifest: <results-dir>/runs/<command>.json, what one command did (inputs with
// their hashes, the store's products before and after, files written, version, config,
// timings, exit status). A workflow manager's rule can name it as the command's output; a
// person can read it to learn what produced a result.
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <sstream>

#include "aemigap/core/atomic_file.hpp"
#include "aemigap/core/cpu_dispatch.hpp"
#include "aemigap/core/hash.hpp"
#include "aemigap/core/lineage.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/core/text.hpp"
#include "aemigap/core/version.hpp"
#include "commands.hpp"

namespace aemigap::cli {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string utc(std::time_t t) {
  char b[32];
  std::strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return b;
}

// The options of the command's sections that are paths, with their values (from to_ini).
std::vector<std::pair<std::string, std::string>> path_options(const Context& ctx, const Command& c) {
  std::vector<std::pair<std::string, std::string>> out;
  std::istringstream ini(ctx.cfg.to_ini());
  std::string line;
  std::vector<std::pair<std::string, std::string>> values;
  while (std::getline(ini, line)) {
    const auto eq = line.find(" = ");
    if (eq != std::string::npos && line[0] != '#') values.emplace_back(line.substr(0, eq), line.substr(eq + 3));
  }
  for (const auto& f : config_fields()) {
    if (f.kind != FieldKind::Path || f.name == "store" || f.name == "output" || f.name == "results-dir") continue;
    if (!c.sections.empty() && std::find(c.sections.begin(), c.sections.end(), f.section) == c.sections.end()) continue;
    for (const auto& [k, v] : values)
      if (k == f.name && !v.empty()) out.emplace_back(k, v);
  }
  return out;
}

json file_entry(const std::string& path) {
  std::error_code ec;
  return {{"path", fs::absolute(path, ec).string()}, {"bytes", fs::file_size(path, ec)},
          {"hash", hash_file_hex(path, "cannot read")}};
}

}  // namespace

ProductIds product_ids(const std::string& store) {
  ProductIds ids;
  std::error_code ec;
  if (store.empty() || !fs::exists(store, ec)) return ids;
  try {
    const Store s = Store::open(store);
    for (auto p : lineage::all_products()) {
      const std::string id = lineage::id_of(s, p);
      if (!id.empty()) ids.emplace_back(lineage::name_of(p), id);
    }
  } catch (const std::exception&) {  // a store being rewritten or not HDF5: the manifest says nothing of it
  }
  return ids;
}

void write_manifest(const Context& ctx, const Command& c, int rc, const ManifestClock& clock, const ProductIds& before) {
  if (ctx.rank != 0) return;
  try {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - clock.steady).count();
    json m;
    m["command"] = c.name;
    m["status"] = rc == 0 ? "ok" : rc == kExitTempFail ? "interrupted" : "failed";
    m["exit_code"] = rc;
    m["aemigap_version"] = version();
    m["git_commit"] = git_commit();
    m["cpu_kernels"] = core::kernel_isa();
    char host[256] = {0};
    ::gethostname(host, sizeof host - 1);
    m["host"] = host;
    m["started_utc"] = utc(clock.wall);
    m["finished_utc"] = utc(std::time(nullptr));
    m["seconds"] = seconds;
    m["store"] = ctx.cfg.store.empty() ? "" : fs::absolute(ctx.cfg.store).string();
    json files = json::array();
    for (const auto& [option, path] : path_options(ctx, c)) {
      std::error_code ec;
      if (!fs::is_regular_file(path, ec)) continue;
      json e = file_entry(path);
      e["option"] = option;
      files.push_back(e);
    }
    const ProductIds after = product_ids(ctx.cfg.store);
    json in_products = json::object(), out_products = json::object();
    for (const auto& [name, id] : before) in_products[name] = id;
    for (const auto& [name, id] : after) {
      bool same = false;
      for (const auto& [n0, id0] : before) same = same || (n0 == name && id0 == id);
      if (!same) out_products[name] = id;
    }
    // Files of the results folder this run wrote (changed since it started).
    json written = json::array();
    std::error_code ec;
    const auto start = fs::file_time_type::clock::now() -
                       std::chrono::duration_cast<fs::file_time_type::duration>(std::chrono::duration<double>(seconds + 1));
    if (fs::is_directory(ctx.cfg.results_dir, ec))
      for (const auto& e : fs::recursive_directory_iterator(ctx.cfg.results_dir, ec)) {
        const std::string name = e.path().filename().string();
        if (!e.is_regular_file(ec) || name.empty() || name[0] == '.' || e.path().parent_path().filename() == "runs") continue;
        if (e.last_write_time(ec) >= start) written.push_back(file_entry(e.path().string()));
      }
    if (!ctx.cfg.output.empty() && fs::is_regular_file(ctx.cfg.output, ec) && fs::last_write_time(ctx.cfg.output, ec) >= start)
      written.push_back(file_entry(ctx.cfg.output));
    m["inputs"] = {{"files", files}, {"products", in_products}};
    m["outputs"] = {{"products", out_products}, {"files", written}};
    m["config"] = ctx.cfg.to_ini();
    const std::string dir = ctx.cfg.results_dir + "/runs";
    fs::create_directories(dir);
    AtomicFile f(dir + "/" + c.name + ".json");
    f.stream() << m.dump(2) << "\n";
    f.commit();
  } catch (const std::exception& e) {  // the command's own result stands; the record is extra
    log_warn(std::string("[") + c.name + "] could not write the run manifest: " + e.what());
  }
}

}  // namespace aemigap::cli
