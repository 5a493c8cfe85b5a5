// aemigap export: the ranked pool as a tidy TSV (gzip) or an AnnData (.h5ad) file.
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "aemigap/core/atomic_file.hpp"
#include "aemigap/core/error.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/store_schema.hpp"
#include "aemigap/core/text.hpp"
#include "aemigap/core/threads.hpp"
#include "aemigap/core/version.hpp"
#include "aemigap/export/export.hpp"
#include "pool_view.hpp"

namespace aemigap::exporting {

namespace sc = schema;

namespace {

constexpr const char* kColumns =
    "mirna\tmirbase_accession\tgene_symbol\tentrez_id\tensembl_gene_id\tscore\tprobability\tglobal_rank\tpercentile\t"
    "rank_in_mirna\trank_in_gene\tfamily_members\tfamily_validated\tfamily_targetscan\tals_percentile\ttargetscan\t"
    "training_negative\n";

// One gzip member (RFC 1952) of `text`: members written one after another are one valid
// gzip file, so row blocks compress on separate threads and are written in order.
std::string gzip_member(const std::string& text) {
  z_stream z{};
  if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) throw Error("zlib: deflateInit2 failed");
  std::string out(deflateBound(&z, static_cast<uLong>(text.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw Error("zlib: deflate did not finish a block");
  return out;
}

std::string default_output(const Config& cfg) {
  return cfg.results_dir + (cfg.export_format == ExportFormat::H5ad ? "/ranking.h5ad" : "/ranking.tsv.gz");
}

// The rows of miRNA m that the filters keep, as TSV lines, best first.
void format_row(const PoolView& v, const Config& cfg, const IdFilter& genes, std::size_t m, const float* score,
                const float* prob, std::vector<eval::Evidence::Explanation>& ex, std::string& out, std::uint64_t& rows) {
  const std::size_t ng = v.d.n_gene();
  const auto in_row = ranks_in_row(score, ng);
  std::vector<std::uint32_t> order;
  for (std::size_t g = 0; g < ng; ++g) {
    if (std::isnan(score[g]) || (!genes.keep.empty() && !genes.keep[g])) continue;
    if (cfg.top_per_mirna > 0 && in_row[g] > static_cast<std::uint64_t>(cfg.top_per_mirna)) continue;
    order.push_back(static_cast<std::uint32_t>(g));
  }
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return in_row[a] != in_row[b] ? in_row[a] < in_row[b] : a < b;
  });
  if (order.empty()) return;
  v.stored->evidence->explain_row(static_cast<std::int32_t>(m), ex);
  const std::string& mir = v.d.mirna_names[m];
  const std::string& acc = v.ids.mirbase_accession(m);
  for (std::uint32_t g : order) {
    const std::uint64_t grank = v.ranks.global_rank(score[g]);
    const double pct = v.ranks.percentile(grank);
    if (pct < cfg.min_percentile) continue;
    const auto& x = ex[g];
    out += mir;
    out += '\t';
    out += acc;
    out += '\t';
    out += v.d.gene_names[g];
    out += '\t';
    out += v.ids.entrez(g);
    out += '\t';
    out += v.ids.ensembl(g);
    out += '\t';
    out += number(score[g]);
    out += '\t';
    out += number(prob[g]);
    out += '\t';
    out += std::to_string(grank);
    out += '\t';
    out += number(pct, 4);
    out += '\t';
    out += std::to_string(in_row[g]);
    out += '\t';
    out += std::to_string(v.ranks.rank_in_gene(g, score[g]));
    out += '\t';
    out += std::to_string(x.family_others);
    out += '\t';
    out += std::to_string(x.family_validated);
    out += '\t';
    out += v.has_targetscan ? std::to_string(x.family_targetscan) : "";
    out += '\t';
    out += v.stored->has_als ? number(static_cast<double>(x.als_percentile), 4) : "";
    out += '\t';
    out += v.has_targetscan ? (x.targetscan ? "1" : "0") : "";
    out += '\t';
    out += v.negative(m, g) ? "1" : "0";
    out += '\n';
    ++rows;
  }
}

ExportResult export_tsv(const Config& cfg, const PoolView& v, const IdFilter& mirnas, const IdFilter& genes,
                        const std::string& path) {
  ExportResult res;
  res.path = path;
  const bool gz = ends_with(path, ".gz");
  const std::size_t nm = v.d.n_mirna(), ng = v.d.n_gene();
  const int threads = resolve_threads(cfg.threads);
  std::vector<std::size_t> todo;
  for (std::size_t m = 0; m < nm; ++m)
    if (mirnas.keep.empty() || mirnas.keep[m]) todo.push_back(m);
  AtomicFile f(path);
  const std::string header(kColumns);
  f.stream() << (gz ? gzip_member(header) : header);
  // Batches of rows: read on this thread (HDF5 is not thread-safe here), formatted and
  // compressed on all threads, written in order.
  const std::size_t batch = static_cast<std::size_t>(std::max(1, threads)) * 8;
  std::vector<float> score, prob;
  Progress progress("export", "miRNAs", static_cast<double>(todo.size()), cfg.progress_interval);
  for (std::size_t b0 = 0; b0 < todo.size(); b0 += batch) {
    const std::size_t n = std::min(todo.size(), b0 + batch) - b0;
    score.resize(n * ng);
    prob.resize(n * ng);
    for (std::size_t i = 0; i < n; ++i) {
      v.ranking->read_rows(todo[b0 + i], 1, score.data() + i * ng);
      v.probability->read_rows(todo[b0 + i], 1, prob.data() + i * ng);
    }
    std::vector<std::string> text(n);
    std::vector<std::uint64_t> rows(n, 0);
    parallel_slices(
        n, threads,
        [&](std::size_t lo, std::size_t hi) {
          std::vector<eval::Evidence::Explanation> ex;
          for (std::size_t i = lo; i < hi; ++i) {
            format_row(v, cfg, genes, todo[b0 + i], score.data() + i * ng, prob.data() + i * ng, ex, text[i], rows[i]);
            if (gz && !text[i].empty()) text[i] = gzip_member(text[i]);
          }
        },
        1);
    for (std::size_t i = 0; i < n; ++i) {
      f.stream() << text[i];
      res.rows += rows[i];
    }
    progress.update(static_cast<double>(b0 + n));
  }
  f.commit();
  progress.finish();
  return res;
}

// AnnData 0.8's on-disk layout (anndata.readthedocs.io, "On-disk format"): each element
// says what it is in its encoding-type and encoding-version attributes.
void encoding(Store& s, const std::string& obj, const char* type, const char* version) {
  s.set_attr(obj, "encoding-type", std::string(type));
  s.set_attr(obj, "encoding-version", std::string(version));
}
void string_column(Store& s, const std::string& name, const std::vector<std::string>& values) {
  s.write_strings(name, values);
  encoding(s, name, "string-array", "0.2.0");
}
template <class T>
void number_column(Store& s, const std::string& name, const std::vector<T>& values) {
  s.write<T>(name, values, {values.size()}, false);
  encoding(s, name, "array", "0.2.0");
}
void dataframe(Store& s, const std::string& group, const std::string& index, const std::vector<std::string>& columns) {
  encoding(s, group, "dataframe", "0.2.0");
  s.set_attr(group, "_index", index);
  s.set_attr(group, "column-order", columns);
}

ExportResult export_h5ad(const Config& cfg, const PoolView& v, const IdFilter& mirnas, const IdFilter& genes,
                         const std::string& path) {
  if (cfg.top_per_mirna > 0 || cfg.min_percentile > 0)
    throw ConfigError("export-format h5ad writes whole rows and columns: use export-mirnas / export-genes to choose "
                      "them (top-per-mirna and min-percentile are for the TSV)");
  ExportResult res;
  res.path = path;
  std::vector<std::size_t> ms, gs;
  for (std::size_t m = 0; m < v.d.n_mirna(); ++m)
    if (mirnas.keep.empty() || mirnas.keep[m]) ms.push_back(m);
  for (std::size_t g = 0; g < v.d.n_gene(); ++g)
    if (genes.keep.empty() || genes.keep[g]) gs.push_back(g);
  if (ms.empty() || gs.empty()) throw ConfigError("export: the filters keep no miRNA or no gene");
  std::vector<std::int64_t> mpos(v.d.n_mirna(), 0), gpos(v.d.n_gene(), 0);
  for (const auto& p : v.d.positives) ++mpos[static_cast<std::size_t>(p[0])], ++gpos[static_cast<std::size_t>(p[1])];

  StoreUpdate up(path, /*fresh=*/true);  // a temporary file beside it, renamed when complete
  Store& s = up.store();
  encoding(s, "/", "anndata", "0.1.0");
  {
    std::vector<std::string> names, acc;
    std::vector<std::int64_t> n;
    for (auto m : ms) names.push_back(v.d.mirna_names[m]), acc.push_back(v.ids.mirbase_accession(m)), n.push_back(mpos[m]);
    s.create_group("/obs");
    dataframe(s, "/obs", "mirna", {"mirbase_accession", "n_validated"});
    string_column(s, "/obs/mirna", names);
    string_column(s, "/obs/mirbase_accession", acc);
    number_column(s, "/obs/n_validated", n);
  }
  {
    std::vector<std::string> names, syms, entrez, ens;
    std::vector<std::int64_t> n;
    for (auto g : gs) {
      names.push_back(v.d.gene_names[g]);
      syms.push_back(v.d.gene_symbols[g]);
      entrez.push_back(v.ids.entrez(g));
      ens.push_back(v.ids.ensembl(g));
      n.push_back(gpos[g]);
    }
    s.create_group("/var");
    dataframe(s, "/var", "gene_symbol", {"entrez_id", "ensembl_gene_id", "pair_symbols", "n_validated"});
    string_column(s, "/var/gene_symbol", names);
    string_column(s, "/var/entrez_id", entrez);
    string_column(s, "/var/ensembl_gene_id", ens);
    string_column(s, "/var/pair_symbols", syms);
    number_column(s, "/var/n_validated", n);
  }
  for (const char* g : {"/layers", "/obsm", "/varm", "/obsp", "/varp", "/uns"}) {
    s.create_group(g);
    encoding(s, g, "dict", "0.1.0");
  }
  const std::uint64_t rows = ms.size(), cols = gs.size(), ng = v.d.n_gene(), step = 64;
  s.create_dataset<float>("/X", rows, cols, std::min<std::uint64_t>(rows, step), false);
  s.create_dataset<float>("/layers/ranking", rows, cols, std::min<std::uint64_t>(rows, step), false);
  encoding(s, "/X", "array", "0.2.0");
  encoding(s, "/layers/ranking", "array", "0.2.0");
  std::vector<float> row(ng), x, r;
  for (std::uint64_t i0 = 0; i0 < rows; i0 += step) {
    const std::uint64_t n = std::min(rows, i0 + step) - i0;
    x.resize(n * cols);
    r.resize(n * cols);
    for (std::uint64_t i = 0; i < n; ++i) {
      v.probability->read_rows(ms[i0 + i], 1, row.data());
      for (std::uint64_t j = 0; j < cols; ++j) x[i * cols + j] = row[gs[j]];
      v.ranking->read_rows(ms[i0 + i], 1, row.data());
      for (std::uint64_t j = 0; j < cols; ++j) r[i * cols + j] = row[gs[j]];
    }
    s.write_rows("/X", i0, n, x.data());
    s.write_rows("/layers/ranking", i0, n, r.data());
  }
  auto uns = [&](const std::string& name, const std::string& value) {
    s.write_string("/uns/" + name, value);
    encoding(s, "/uns/" + name, "string", "0.2.0");
  };
  uns("ranker", v.ranker);
  uns("content", "X: the classifier's probability (NaN at validated pairs); layers['ranking']: what orders the "
                 "pairs for ranker " + v.ranker + " (NaN at validated pairs)");
  uns("aemigap_version", std::string(version()) + " (" + git_commit() + ")");
  uns("config", cfg.to_ini());
  up.commit();
  res.rows = rows * cols;
  res.unit = "cells (" + std::to_string(rows) + " miRNAs x " + std::to_string(cols) + " genes)";
  return res;
}

}  // namespace

ExportResult export_pool(const Config& cfg) {
  Stopwatch sw;
  const auto v = PoolView::open(cfg, "export");
  const IdFilter mirnas = read_filter(cfg.export_mirnas, v->d.n_mirna(), false, v->ids);
  const IdFilter genes = read_filter(cfg.export_genes, v->d.n_gene(), true, v->ids);
  const std::string path = cfg.output.empty() ? default_output(cfg) : cfg.output;
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir);
  ExportResult res = cfg.export_format == ExportFormat::H5ad ? export_h5ad(cfg, *v, mirnas, genes, path)
                                                            : export_tsv(cfg, *v, mirnas, genes, path);
  res.unmapped = mirnas.unmapped + genes.unmapped;
  res.seconds = sw.seconds();
  return res;
}

}  // namespace aemigap::exporting
