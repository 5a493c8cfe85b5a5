#include "aemigap/eval/evidence.hpp"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <numeric>

#include "aemigap/core/error.hpp"
#include "aemigap/core/text.hpp"
#include "aemigap/core/threads.hpp"
#include "aemigap/data/dataset.hpp"

namespace aemigap::eval {

namespace {

// Column order. Keep in step with Evidence::features() below (a test checks the names).
enum Col : std::size_t {
  kGdeg,
  kMdeg,
  kNb,
  kNbAvg,
  kNbPct,
  kNb2,
  kAls,
  kAlsMpct,
  kAlsGpct,
  kGPopmir,
  kFam7,
  kFam7Share,
  kFam6,
  kFamdeg7,
  kFamsize7,
  kTs,
  kTsFam7,
  kTsGene,
  kTsMirnaFam,
  kEmbDist,
  kGlen,
  kArm,
  kSeedGc,
  kNumCols
};

// Percentile of x among sorted values: mean of the strictly-below and below-or-equal counts
// over n (ties share their middle), in [0, 1].
inline float pct(const float* sorted, std::size_t n, float x) {
  const auto lo = std::lower_bound(sorted, sorted + n, x) - sorted;
  const auto hi = std::upper_bound(sorted, sorted + n, x) - sorted;
  return static_cast<float>(static_cast<double>(lo + hi) / (2.0 * static_cast<double>(n)));
}

float dot(const float* a, const float* b, int f) {
  float s = 0;
  for (int k = 0; k < f; ++k) s += a[k] * b[k];
  return s;
}

}  // namespace

const std::vector<FeatureInfo>& Evidence::features() {
  static const std::vector<FeatureInfo> f = {
      {"gdeg", "graph", "the gene's known pairs, per 100 k known pairs (gene popularity)"},
      {"mdeg", "graph", "the miRNA's known pairs, per 100 k"},
      {"nb", "graph",
       "miRNA neighbours: sum over miRNAs m' of cos(m, m') [m' validated on g]; cos over shared targets"},
      {"nb_avg", "graph", "nb / sum of the cosines"},
      {"nb_pct", "graph", "nb's percentile among the miRNA's genes"},
      {"nb2", "graph", "as nb_avg with squared cosines (the closest neighbours weigh most)"},
      {"als", "graph", "implicit ALS score (eval/baselines.hpp)"},
      {"als_mpct", "graph", "the ALS score's percentile among the miRNA's genes"},
      {"als_gpct", "graph", "the ALS score's percentile among the gene's miRNAs"},
      {"g_popmir", "graph", "mean degree (per 100 k) of the miRNAs validated on the gene"},
      {"fam7", "family", "other miRNAs of the 7-mer seed family (nt 2-8) validated on the gene"},
      {"fam7_share", "family", "fam7 / the other family members"},
      {"fam6", "family", "other miRNAs of the 6-mer seed family (nt 2-7) validated on the gene"},
      {"famdeg7", "family", "known pairs of the other 7-mer family members, per 100 k"},
      {"famsize7", "family", "miRNAs of the 7-mer family, itself included"},
      {"ts", "targetscan", "a conserved TargetScan 7 site of the miRNA on the gene (0/1)"},
      {"ts_fam7", "targetscan", "other 7-mer family members with a TargetScan site on the gene"},
      {"ts_gene", "targetscan", "miRNAs with a TargetScan site on the gene"},
      {"ts_mirna_fam", "targetscan", "TargetScan sites of the miRNA's 7-mer family, itself included"},
      {"emb_dist", "sequence", "minus the Euclidean distance of the two Protein2Vec vectors"},
      {"glen", "sequence", "log length of the gene's sequence"},
      {"arm", "sequence", "1 for a -3p name, 0 for -5p, 0.5 otherwise"},
      {"seed_gc", "sequence", "G and C in the 7-mer seed"},
  };
  return f;
}

std::size_t Evidence::column(const std::string& name) {
  const auto& f = features();
  for (std::size_t i = 0; i < f.size(); ++i)
    if (name == f[i].name) return i;
  throw Error("unknown evidence feature '" + name + "'");
}

StaticEvidence StaticEvidence::from(const Dataset& d, TargetScanSites ts, std::vector<float> mirna_emb,
                                    std::vector<float> gene_emb, std::size_t dims) {
  StaticEvidence st;
  st.n_mirna = d.n_mirna();
  st.n_gene = d.n_gene();
  st.fam7 = SeedFamilies::from(d.mirna_sequences, 7);
  st.fam6 = SeedFamilies::from(d.mirna_sequences, 6);
  st.targetscan = std::move(ts);
  st.mirna_emb = std::move(mirna_emb);
  st.gene_emb = std::move(gene_emb);
  st.dims = dims;
  AEMIGAP_CHECK(st.mirna_emb.size() == st.n_mirna * dims && st.gene_emb.size() == st.n_gene * dims,
                "evidence: embeddings are not [n x dims]");
  for (const auto& g : d.gene_sequences)
    st.gene_log_length.push_back(std::log(static_cast<float>(std::max<std::size_t>(g.size(), 1))));
  for (std::size_t m = 0; m < d.n_mirna(); ++m) {
    const std::string& n = d.mirna_names[m];
    st.mirna_arm.push_back(ends_with(n, "-3p") ? 1.0f : ends_with(n, "-5p") ? 0.0f : 0.5f);
    const std::string seed = seed_of(d.mirna_sequences[m]);
    st.seed_gc.push_back(
        static_cast<float>(std::count_if(seed.begin(), seed.end(), [](char c) { return c == 'G' || c == 'C'; })));
  }
  st.ts_family_sites.assign(d.n_mirna(), 0.0f);
  if (!st.targetscan.empty())
    for (std::size_t m = 0; m < d.n_mirna(); ++m) {
      float n = static_cast<float>(st.targetscan.genes_of(static_cast<std::int32_t>(m)).size());
      for (auto o : st.fam7.others(static_cast<std::int32_t>(m)))
        n += static_cast<float>(st.targetscan.genes_of(o).size());
      st.ts_family_sites[m] = n;
    }
  return st;
}

struct Evidence::State {
  const StaticEvidence* st = nullptr;
  std::vector<PairIndex> known;
  std::uint64_t nm = 0, ng = 0;
  double per_edge = 0;              // 1e5 / |known|
  std::vector<std::size_t> mstart;  // CSR by miRNA
  std::vector<std::int32_t> mgene;
  std::vector<float> mdeg, gdeg;  // raw degrees
  std::vector<float> g_popmir;    // per gene
  ImplicitAls als;
  int threads = 1;
  // Made on first use (row(), pairs(), new_mirna()); explain() needs neither.
  std::vector<std::size_t> gstart;  // CSR by gene
  std::vector<std::int32_t> gmir;
  mutable std::once_flag heavy_once;
  mutable std::vector<float> sim;  // [nm x nm] cosine of the miRNAs' target sets, 0 on the diagonal
  mutable std::vector<float> sim_sum, sim2_sum;
  mutable std::vector<float> als_gpct;     // [nm x ng]: the ALS score's percentile among the gene's miRNAs
  mutable std::vector<float> als_gpct_of_zero;  // [ng]: the same for a score of 0 (a miRNA with no pair)
  void heavy() const;

  // Family-level sums for miRNA m (or for a seed's members when m < 0).
  void family_counts(const std::vector<std::int32_t>& fam7, const std::vector<std::int32_t>& fam6, float* out) const;
};

Evidence::Evidence() = default;
Evidence::~Evidence() = default;
Evidence::Evidence(Evidence&&) noexcept = default;
Evidence& Evidence::operator=(Evidence&&) noexcept = default;
const std::vector<PairIndex>& Evidence::known() const { return s_->known; }
const ImplicitAls& Evidence::als() const { return s_->als; }
const StaticEvidence& Evidence::statics() const { return *s_->st; }

Evidence Evidence::fit(const std::vector<PairIndex>& known, const StaticEvidence& st, const AlsOptions& als_opt,
                       int threads, const ImplicitAls* als) {
  static_assert(kNumCols == 23, "the column enum and features() must agree");
  AEMIGAP_CHECK(features().size() == kNumCols,
                "evidence: " << features().size() << " features, " << kNumCols << " columns");
  Evidence e;
  e.s_ = std::make_unique<State>();
  State& s = *e.s_;
  s.st = &st;
  s.known = known;
  s.nm = st.n_mirna;
  s.ng = st.n_gene;
  s.threads = std::max(1, threads);
  s.per_edge = known.empty() ? 0.0 : 1e5 / static_cast<double>(known.size());
  s.mstart.assign(s.nm + 1, 0);
  s.mdeg.assign(s.nm, 0);
  s.gdeg.assign(s.ng, 0);
  for (const auto& p : known) {
    AEMIGAP_CHECK(
        p[0] >= 0 && static_cast<std::uint64_t>(p[0]) < s.nm && p[1] >= 0 && static_cast<std::uint64_t>(p[1]) < s.ng,
        "evidence: pair out of range");
    ++s.mstart[static_cast<std::size_t>(p[0]) + 1];
    s.mdeg[static_cast<std::size_t>(p[0])] += 1;
    s.gdeg[static_cast<std::size_t>(p[1])] += 1;
  }
  for (std::size_t i = 0; i < s.nm; ++i) s.mstart[i + 1] += s.mstart[i];
  s.mgene.resize(known.size());
  {
    std::vector<std::size_t> fill(s.mstart.begin(), s.mstart.end() - 1);
    for (const auto& p : known) s.mgene[fill[static_cast<std::size_t>(p[0])]++] = p[1];
    for (std::size_t m = 0; m < s.nm; ++m)
      std::sort(s.mgene.begin() + static_cast<long>(s.mstart[m]), s.mgene.begin() + static_cast<long>(s.mstart[m + 1]));
  }
  // Genes' miRNA lists, for the shared-target counts and g_popmir.
  std::vector<std::size_t> gstart(s.ng + 1, 0);
  for (const auto& p : known) ++gstart[static_cast<std::size_t>(p[1]) + 1];
  for (std::size_t g = 0; g < s.ng; ++g) gstart[g + 1] += gstart[g];
  std::vector<std::int32_t> gmir(known.size());
  {
    std::vector<std::size_t> fill(gstart.begin(), gstart.end() - 1);
    for (const auto& p : known) gmir[fill[static_cast<std::size_t>(p[1])]++] = p[0];
  }
  s.g_popmir.assign(s.ng, 0);
  for (std::size_t g = 0; g < s.ng; ++g) {
    double sum = 0;
    for (std::size_t e2 = gstart[g]; e2 < gstart[g + 1]; ++e2) sum += s.mdeg[static_cast<std::size_t>(gmir[e2])];
    s.g_popmir[g] = s.gdeg[g] > 0 ? static_cast<float>(sum / s.gdeg[g] * s.per_edge) : 0.0f;
  }
  // Implicit ALS (given, or fitted here), and each gene's sorted scores over the miRNAs.
  if (als) {
    s.als = *als;
  } else {
    AlsOptions o = als_opt;
    o.threads = s.threads;
    s.als.fit(known, s.nm, s.ng, o);
  }
  const int f = s.als.factors();
  AEMIGAP_CHECK(s.als.mirna_factors.size() == s.nm * static_cast<std::size_t>(f) &&
                    s.als.gene_factors.size() == s.ng * static_cast<std::size_t>(f),
                "evidence: ALS factors do not match the store");
  s.gstart = std::move(gstart);
  s.gmir = std::move(gmir);
  return e;
}

void Evidence::State::heavy() const {
  std::call_once(heavy_once, [this] {
    const State& s = *this;
    // Cosine similarity of miRNAs over their target sets: shared targets counted per gene
    // (each gene adds 1 to every pair of its miRNAs), split over threads by miRNA rows.
    sim.assign(s.nm * s.nm, 0.0f);
    parallel_slices(
        s.nm, s.threads,
        [&](std::size_t lo, std::size_t hi) {
          std::vector<float> row(s.nm);
          for (std::size_t a = lo; a < hi; ++a) {
            if (s.mdeg[a] == 0) continue;
            std::fill(row.begin(), row.end(), 0.0f);
            for (std::size_t e1 = s.mstart[a]; e1 < s.mstart[a + 1]; ++e1) {
              const auto g = static_cast<std::size_t>(s.mgene[e1]);
              for (std::size_t e2 = s.gstart[g]; e2 < s.gstart[g + 1]; ++e2)
                row[static_cast<std::size_t>(s.gmir[e2])] += 1;
            }
            row[a] = 0;
            for (std::size_t b = 0; b < s.nm; ++b)
              if (row[b] > 0) sim[a * s.nm + b] = row[b] / std::sqrt(s.mdeg[a] * s.mdeg[b]);
          }
        },
        1);
    sim_sum.assign(s.nm, 0);
    sim2_sum.assign(s.nm, 0);
    for (std::size_t a = 0; a < s.nm; ++a)
      for (std::size_t b = 0; b < s.nm; ++b) {
        const float v = sim[a * s.nm + b];
        sim_sum[a] += v;
        sim2_sum[a] += v * v;
      }
    // Within-gene percentiles, once: each gene's column sorted, its tie groups' mid-ranks
    // written to the miRNAs' rows (a row then reads them in order).
    const int f = s.als.factors();
    als_gpct.resize(s.nm * s.ng);
    als_gpct_of_zero.resize(s.ng);
    parallel_slices(
        s.ng, s.threads,
        [&](std::size_t lo, std::size_t hi) {
          std::vector<std::pair<float, std::uint32_t>> col(s.nm);
          std::vector<float> sorted(s.nm);
          for (std::size_t g = lo; g < hi; ++g) {
            const float* y = &s.als.gene_factors[g * static_cast<std::size_t>(f)];
            for (std::size_t m = 0; m < s.nm; ++m)
              col[m] = {dot(&s.als.mirna_factors[m * static_cast<std::size_t>(f)], y, f), static_cast<std::uint32_t>(m)};
            std::sort(col.begin(), col.end());
            for (std::size_t i = 0; i < s.nm;) {
              std::size_t j = i;
              while (j < s.nm && col[j].first == col[i].first) ++j;
              const float p = static_cast<float>(static_cast<double>(i + j) / (2.0 * static_cast<double>(s.nm)));
              for (std::size_t k = i; k < j; ++k) als_gpct[static_cast<std::size_t>(col[k].second) * s.ng + g] = p;
              i = j;
            }
            for (std::size_t i = 0; i < s.nm; ++i) sorted[i] = col[i].first;
            als_gpct_of_zero[g] = pct(sorted.data(), s.nm, 0.0f);
          }
        },
        1);
  });
}

void Evidence::State::family_counts(const std::vector<std::int32_t>& f7, const std::vector<std::int32_t>& f6,
                                    float* out) const {
  const std::size_t F = kNumCols;
  for (std::size_t g = 0; g < ng; ++g) out[g * F + kFam7] = out[g * F + kFam6] = out[g * F + kTsFam7] = 0;
  for (auto o : f7)
    for (std::size_t e = mstart[static_cast<std::size_t>(o)]; e < mstart[static_cast<std::size_t>(o) + 1]; ++e)
      out[static_cast<std::size_t>(mgene[e]) * F + kFam7] += 1;
  for (auto o : f6)
    for (std::size_t e = mstart[static_cast<std::size_t>(o)]; e < mstart[static_cast<std::size_t>(o) + 1]; ++e)
      out[static_cast<std::size_t>(mgene[e]) * F + kFam6] += 1;
  if (!st->targetscan.empty())
    for (auto o : f7)
      for (auto g : st->targetscan.genes_of(o)) out[static_cast<std::size_t>(g) * F + kTsFam7] += 1;
  double famdeg = 0;
  for (auto o : f7) famdeg += mdeg[static_cast<std::size_t>(o)];
  const float share_div = static_cast<float>(std::max<std::size_t>(f7.size(), 1));
  for (std::size_t g = 0; g < ng; ++g) {
    float* r = out + g * F;
    r[kFam7Share] = r[kFam7] / share_div;
    r[kFamdeg7] = static_cast<float>(famdeg * per_edge);
    r[kFamsize7] = static_cast<float>(f7.size() + 1);
  }
}

void Evidence::row(std::int32_t m, float* out) const {
  const State& s = *s_;
  s.heavy();
  const StaticEvidence& st = *s.st;
  const std::size_t F = kNumCols, ng = s.ng, mi = static_cast<std::size_t>(m);
  // Neighbour sums over the miRNAs that share targets with m.
  std::vector<float> nb(ng, 0.0f), nb2(ng, 0.0f);
  const float* srow = &s.sim[mi * s.nm];
  for (std::size_t b = 0; b < s.nm; ++b) {
    const float w = srow[b];
    if (w == 0) continue;
    for (std::size_t e = s.mstart[b]; e < s.mstart[b + 1]; ++e) {
      const auto g = static_cast<std::size_t>(s.mgene[e]);
      nb[g] += w;
      nb2[g] += w * w;
    }
  }
  std::vector<float> nb_sorted = nb;
  std::sort(nb_sorted.begin(), nb_sorted.end());
  // ALS scores of the row and their order.
  const int f = s.als.factors();
  const float* x = &s.als.mirna_factors[mi * static_cast<std::size_t>(f)];
  std::vector<float> als(ng);
  for (std::size_t g = 0; g < ng; ++g) als[g] = dot(x, &s.als.gene_factors[g * static_cast<std::size_t>(f)], f);
  std::vector<float> als_sorted = als;
  std::sort(als_sorted.begin(), als_sorted.end());
  s.family_counts(st.fam7.others(m), st.fam6.others(m), out);
  const float* me = &st.mirna_emb[mi * st.dims];
  const auto& ts = st.targetscan.empty() ? std::vector<std::int32_t>{} : st.targetscan.genes_of(m);
  std::size_t ts_i = 0;
  for (std::size_t g = 0; g < ng; ++g) {
    float* r = out + g * F;
    r[kGdeg] = static_cast<float>(s.gdeg[g] * s.per_edge);
    r[kMdeg] = static_cast<float>(s.mdeg[mi] * s.per_edge);
    r[kNb] = nb[g];
    r[kNbAvg] = s.sim_sum[mi] > 0 ? nb[g] / s.sim_sum[mi] : 0.0f;
    r[kNbPct] = pct(nb_sorted.data(), ng, nb[g]);
    r[kNb2] = s.sim2_sum[mi] > 0 ? nb2[g] / s.sim2_sum[mi] : 0.0f;
    r[kAls] = als[g];
    r[kAlsMpct] = pct(als_sorted.data(), ng, als[g]);
    r[kAlsGpct] = s.als_gpct[mi * ng + g];
    r[kGPopmir] = s.g_popmir[g];
    while (ts_i < ts.size() && static_cast<std::size_t>(ts[ts_i]) < g) ++ts_i;
    r[kTs] = ts_i < ts.size() && static_cast<std::size_t>(ts[ts_i]) == g ? 1.0f : 0.0f;
    r[kTsGene] =
        st.targetscan.empty() ? 0.0f : static_cast<float>(st.targetscan.mirnas_with_site(static_cast<std::int32_t>(g)));
    r[kTsMirnaFam] = st.ts_family_sites[mi];
    const float* ge = &st.gene_emb[g * st.dims];
    double d2 = 0;
    for (std::size_t k = 0; k < st.dims; ++k)
      d2 += (static_cast<double>(me[k]) - ge[k]) * (static_cast<double>(me[k]) - ge[k]);
    r[kEmbDist] = static_cast<float>(-std::sqrt(d2));
    r[kGlen] = st.gene_log_length[g];
    r[kArm] = st.mirna_arm[mi];
    r[kSeedGc] = st.seed_gc[mi];
  }
}

Evidence::Explanation Evidence::explain(std::int32_t m, std::int32_t g) const {
  std::vector<Explanation> row;  // the ALS percentile needs the whole row anyway
  explain_row(m, row);
  return row[static_cast<std::size_t>(g)];
}

void Evidence::explain_row(std::int32_t m, std::vector<Explanation>& out) const {
  // explain() for every gene of the row, with the ALS row computed and sorted once.
  const State& s = *s_;
  const StaticEvidence& st = *s.st;
  out.assign(s.ng, Explanation{});
  const auto others = st.fam7.others(m);
  for (auto& x : out) x.family_others = static_cast<int>(others.size());
  for (auto o : others) {
    for (std::size_t q = s.mstart[static_cast<std::size_t>(o)]; q < s.mstart[static_cast<std::size_t>(o) + 1]; ++q)
      ++out[static_cast<std::size_t>(s.mgene[q])].family_validated;
    if (!st.targetscan.empty())
      for (std::size_t g = 0; g < s.ng; ++g) out[g].family_targetscan += st.targetscan.site(o, static_cast<std::int32_t>(g));
  }
  if (!st.targetscan.empty())
    for (std::size_t g = 0; g < s.ng; ++g) out[g].targetscan = st.targetscan.site(m, static_cast<std::int32_t>(g));
  const int f = s.als.factors();
  const float* xm = &s.als.mirna_factors[static_cast<std::size_t>(m) * static_cast<std::size_t>(f)];
  std::vector<float> row(s.ng);
  for (std::size_t h = 0; h < s.ng; ++h) row[h] = dot(xm, &s.als.gene_factors[h * static_cast<std::size_t>(f)], f);
  std::vector<float> sorted = row;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t g = 0; g < s.ng; ++g) out[g].als_percentile = pct(sorted.data(), sorted.size(), row[g]);
}

std::vector<float> Evidence::pairs(const std::vector<PairIndex>& p) const {
  const std::size_t F = kNumCols, ng = s_->ng;
  std::vector<float> out(p.size() * F);
  std::vector<std::size_t> order(p.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
  // Runs of one miRNA, computed as whole rows (a row costs about as much as a few pairs).
  std::vector<std::pair<std::size_t, std::size_t>> runs;
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j < order.size() && p[order[j]][0] == p[order[i]][0]) ++j;
    runs.emplace_back(i, j);
    i = j;
  }
  parallel_slices(
      runs.size(), s_->threads,
      [&](std::size_t lo, std::size_t hi) {
        std::vector<float> row(ng * F);
        for (std::size_t r = lo; r < hi; ++r) {
          const auto [a, b] = runs[r];
          this->row(p[order[a]][0], row.data());
          for (std::size_t k = a; k < b; ++k)
            std::copy_n(&row[static_cast<std::size_t>(p[order[k]][1]) * F], F, &out[order[k] * F]);
        }
      },
      1);
  return out;
}

std::vector<float> Evidence::new_mirna(const std::string& seq, const std::vector<float>& emb) const {
  const State& s = *s_;
  s.heavy();
  const StaticEvidence& st = *s.st;
  AEMIGAP_CHECK(emb.size() == st.dims,
                "evidence: the new miRNA's embedding has " << emb.size() << " dims, not " << st.dims);
  const std::size_t F = kNumCols, ng = s.ng;
  std::vector<float> out(ng * F, 0.0f);
  static const std::vector<std::int32_t> none;
  const auto* f7 = st.fam7.members_of_seed(seed_of(seq, 7));
  const auto* f6 = st.fam6.members_of_seed(seed_of(seq, 6));
  s.family_counts(f7 ? *f7 : none, f6 ? *f6 : none, out.data());
  float fam_sites = 0;
  if (f7 && !st.targetscan.empty())
    for (auto o : *f7) fam_sites += static_cast<float>(st.targetscan.genes_of(o).size());
  const std::string seed = seed_of(seq);
  const float gc =
      static_cast<float>(std::count_if(seed.begin(), seed.end(), [](char c) { return c == 'G' || c == 'C'; }));
  for (std::size_t g = 0; g < ng; ++g) {
    float* r = &out[g * F];
    r[kGdeg] = static_cast<float>(s.gdeg[g] * s.per_edge);
    // No known pair: neighbour scores 0, ALS factors 0 (as a cold miRNA of the store).
    r[kNbPct] = 0.5f;
    r[kAlsMpct] = 0.5f;
    r[kAlsGpct] = s.als_gpct_of_zero[g];
    r[kGPopmir] = s.g_popmir[g];
    r[kTsGene] =
        st.targetscan.empty() ? 0.0f : static_cast<float>(st.targetscan.mirnas_with_site(static_cast<std::int32_t>(g)));
    r[kTsMirnaFam] = fam_sites;
    const float* ge = &st.gene_emb[g * st.dims];
    double d2 = 0;
    for (std::size_t k = 0; k < st.dims; ++k)
      d2 += (static_cast<double>(emb[k]) - ge[k]) * (static_cast<double>(emb[k]) - ge[k]);
    r[kEmbDist] = static_cast<float>(-std::sqrt(d2));
    r[kGlen] = st.gene_log_length[g];
    r[kArm] = 0.5f;
    r[kSeedGc] = gc;
  }
  // A new miRNA's family is every store miRNA of its seed (it is none of them): its size
  // counts them and itself, its share divides by them.
  return out;
}

}  // namespace aemigap::eval
