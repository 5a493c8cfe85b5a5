// The evidence features (src/eval/evidence.cpp) against a brute-force recomputation from
// their definitions on a small graph; seed families from raw sequences; TargetScan mapping.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "aemigap/core/rng.hpp"
#include "aemigap/core/text.hpp"
#include "aemigap/data/dataset.hpp"
#include "aemigap/data/pairs.hpp"
#include "aemigap/eval/evidence.hpp"
#include "aemigap/eval/families.hpp"
#include "aemigap/eval/targetscan.hpp"
#include "test_util.hpp"

using namespace aemigap;
using namespace aemigap::eval;

TEST(Families, SeedsFromRawSequencesAndMembers) {
  EXPECT_EQ(seed_of("UGAGGUAGUAGGUUGUAUAGUU"), "GAGGUAG");  // let-7a: nt 2-8
  EXPECT_EQ(seed_of("tgaggtagtaggttgtatagtt"), "GAGGUAG");  // DNA, lower case
  EXPECT_EQ(seed_of("UGAGGUAGUAG", 6), "GAGGUA");
  EXPECT_EQ(seed_of("UGAGGU"), "");
  auto f = SeedFamilies::from({"UGAGGUAGUAGG", "AGCACUUAAAA", "CGAGGUAGCCCC", "U"});
  EXPECT_EQ(f.family[0], f.family[2]);
  EXPECT_NE(f.family[0], f.family[1]);
  EXPECT_EQ(f.family[3], -1);
  EXPECT_EQ(f.others(0), (std::vector<std::int32_t>{2}));
  ASSERT_NE(f.members_of_seed("GAGGUAG"), nullptr);
  EXPECT_EQ(*f.members_of_seed("GAGGUAG"), (std::vector<std::int32_t>{0, 2}));
  EXPECT_EQ(f.members_of_seed("CCCCCCC"), nullptr);
}

namespace {

struct Small {
  Dataset d;
  StaticEvidence st;
  std::vector<PairIndex> known;
  std::vector<std::vector<char>> A;  // dense known graph
  std::set<std::pair<int, int>> ts;
  Small() {
    const char* seqs[] = {"UGAGGUAGUAGGUU", "AGAGGUAGAAACCC", "UAGCACUUAAAGGG", "CAGCACUUCCAAUU", "UAGCACUAGGGGAA",
                          "UUUUUUUUUUUUUU", "UGAGGUAGCCCCAA", "ACCCGUAGAUCCGA"};
    for (int i = 0; i < 8; ++i) {
      d.mirna_names.push_back("hsa-miR-" + std::to_string(i) + (i % 3 == 0 ? "-3p" : i % 3 == 1 ? "-5p" : ""));
      d.mirna_sequences.push_back(seqs[i]);
    }
    for (int g = 0; g < 12; ++g)
      d.gene_names.push_back("G" + std::to_string(g + 10)), d.gene_symbols.push_back("SYM" + std::to_string(g)),
          d.gene_sequences.push_back(std::string(static_cast<std::size_t>(10 + 3 * g), 'M'));
    Rng rng(3);
    A.assign(8, std::vector<char>(12, 0));
    for (int m = 0; m < 8; ++m)
      for (int g = 0; g < 12; ++g)
        if (m != 5 && rng.uniform_double() < 0.35) A[m][g] = 1, known.push_back({m, g});  // miRNA 5: no pair
    test::TempDir t;
    std::string tsv = "miRNA\tgene\n";
    for (int m = 0; m < 8; ++m)
      for (int g = 0; g < 12; ++g)
        if (rng.uniform_double() < 0.2) tsv += d.mirna_names[m] + "\tSYM" + std::to_string(g) + "\n", ts.insert({m, g});
    tsv += "hsa-miR-999\tSYM1\nhsa-miR-0-3p\tNOPE\n";  // an unknown miRNA, an unknown gene
    auto sites = TargetScanSites::read(test::write_file(t.file("ts.tsv"), tsv), "", d);
    std::vector<float> me(8 * 3), ge(12 * 3);
    for (auto& v : me) v = static_cast<float>(rng.uniform_double());
    for (auto& v : ge) v = static_cast<float>(rng.uniform_double());
    st = StaticEvidence::from(d, std::move(sites), me, ge, 3);
  }
};

double pct_of(const std::vector<double>& v, double x) {
  double below = 0, le = 0;
  for (double y : v) below += y < x, le += y <= x;
  return (below + le) / (2.0 * static_cast<double>(v.size()));
}

}  // namespace

TEST(TargetScan, MapsNamesAndSymbolsAndCountsWhatWasLost) {
  Small s;
  const auto& t = s.st.targetscan;
  EXPECT_EQ(t.n_sites(), s.ts.size());
  EXPECT_EQ(t.mapping().unknown_mirna, 1u);
  EXPECT_EQ(t.mapping().unknown_gene, 1u);
  EXPECT_EQ(t.mapping().lost_mirnas, (std::vector<std::string>{"hsa-miR-999"}));
  for (int m = 0; m < 8; ++m)
    for (int g = 0; g < 12; ++g) EXPECT_EQ(t.site(m, g), s.ts.count({m, g}) > 0) << m << " " << g;
}

TEST(Evidence, EveryFeatureEqualsItsDefinition) {
  Small s;
  AlsOptions ao;
  ao.factors = 3;
  ao.iterations = 4;
  const Evidence ev = Evidence::fit(s.known, s.st, ao, 2);
  const std::size_t F = Evidence::n_features();
  ASSERT_EQ(F, Evidence::features().size());
  const int nm = 8, ng = 12;
  const double per = 1e5 / static_cast<double>(s.known.size());
  std::vector<double> mdeg(nm, 0), gdeg(ng, 0);
  for (const auto& p : s.known) mdeg[static_cast<std::size_t>(p[0])] += 1, gdeg[static_cast<std::size_t>(p[1])] += 1;
  auto cosine = [&](int a, int b) {
    if (a == b || mdeg[a] == 0 || mdeg[b] == 0) return 0.0;
    double shared = 0;
    for (int g = 0; g < ng; ++g) shared += s.A[a][g] && s.A[b][g];
    return shared / std::sqrt(mdeg[a] * mdeg[b]);
  };
  auto family = [&](int m, int len) {
    std::vector<int> out;
    for (int o = 0; o < nm; ++o)
      if (o != m && seed_of(s.d.mirna_sequences[o], len) == seed_of(s.d.mirna_sequences[m], len)) out.push_back(o);
    return out;
  };
  const auto& als = ev.als();
  auto col = [&](const char* n) { return Evidence::column(n); };
  // The ALS column of every row (checked against the factors below), for the percentiles.
  std::vector<std::vector<double>> als_of(nm, std::vector<double>(ng));
  for (int m = 0; m < nm; ++m) {
    std::vector<float> row(ng * F);
    ev.row(m, row.data());
    for (int g = 0; g < ng; ++g) als_of[m][g] = row[static_cast<std::size_t>(g) * F + col("als")];
  }
  for (int m = 0; m < nm; ++m) {
    std::vector<float> row(ng * F);
    ev.row(m, row.data());
    std::vector<double> nb(ng, 0), nb2(ng, 0), alsr(ng);
    double ssum = 0, s2sum = 0;
    for (int b = 0; b < nm; ++b) {
      const double c = cosine(m, b);
      ssum += c, s2sum += c * c;
      for (int g = 0; g < ng; ++g) nb[g] += c * s.A[b][g], nb2[g] += c * c * s.A[b][g];
    }
    for (int g = 0; g < ng; ++g) alsr[g] = als.score(m, g);
    const auto f7 = family(m, 7), f6 = family(m, 6);
    for (int g = 0; g < ng; ++g) {
      const float* r = &row[static_cast<std::size_t>(g) * F];
      auto at = [&](const char* n) { return static_cast<double>(r[col(n)]); };
      EXPECT_NEAR(at("gdeg"), gdeg[g] * per, 1e-2);
      EXPECT_NEAR(at("mdeg"), mdeg[m] * per, 1e-2);
      EXPECT_NEAR(at("nb"), nb[g], 1e-5);
      EXPECT_NEAR(at("nb_avg"), ssum > 0 ? nb[g] / ssum : 0, 1e-5);
      EXPECT_NEAR(at("nb2"), s2sum > 0 ? nb2[g] / s2sum : 0, 1e-5);
      EXPECT_NEAR(at("nb_pct"), pct_of(nb, nb[g]), 1e-5) << m << " " << g;
      EXPECT_NEAR(at("als"), alsr[g], 1e-4);
      EXPECT_NEAR(at("als_mpct"), pct_of(als_of[m], at("als")), 1e-5);
      std::vector<double> colv;
      for (int o = 0; o < nm; ++o) colv.push_back(als_of[o][g]);
      EXPECT_NEAR(at("als_gpct"), pct_of(colv, at("als")), 1e-5);
      double gp = 0;
      for (int o = 0; o < nm; ++o) gp += s.A[o][g] * mdeg[o];
      EXPECT_NEAR(at("g_popmir"), gdeg[g] > 0 ? gp / gdeg[g] * per : 0, 1e-2);
      double c7 = 0, c6 = 0, d7 = 0, t7 = 0;
      for (int o : f7) c7 += s.A[o][g], d7 += mdeg[o], t7 += s.ts.count({o, g});
      for (int o : f6) c6 += s.A[o][g];
      EXPECT_EQ(at("fam7"), c7);
      EXPECT_NEAR(at("fam7_share"), c7 / std::max<double>(1, static_cast<double>(f7.size())), 1e-6);
      EXPECT_EQ(at("fam6"), c6);
      EXPECT_NEAR(at("famdeg7"), d7 * per, 1e-2);
      EXPECT_EQ(at("famsize7"), static_cast<double>(f7.size() + 1));
      EXPECT_EQ(at("ts"), s.ts.count({m, g}) ? 1.0 : 0.0);
      EXPECT_EQ(at("ts_fam7"), t7);
      double tg = 0, tf = 0;
      for (int o = 0; o < nm; ++o) tg += s.ts.count({o, g});
      for (int h = 0; h < ng; ++h) {
        tf += s.ts.count({m, h});
        for (int o : f7) tf += s.ts.count({o, h});
      }
      EXPECT_EQ(at("ts_gene"), tg);
      EXPECT_EQ(at("ts_mirna_fam"), tf);
      double d2 = 0;
      for (int k = 0; k < 3; ++k) {
        const double a = s.st.mirna_emb[static_cast<std::size_t>(m * 3 + k)], b = s.st.gene_emb[static_cast<std::size_t>(g * 3 + k)];
        d2 += (a - b) * (a - b);
      }
      EXPECT_NEAR(at("emb_dist"), -std::sqrt(d2), 1e-5);
      EXPECT_NEAR(at("glen"), std::log(10.0 + 3 * g), 1e-5);
      const std::string& name = s.d.mirna_names[static_cast<std::size_t>(m)];
      EXPECT_EQ(at("arm"), ends_with(name, "-3p") ? 1.0 : ends_with(name, "-5p") ? 0.0 : 0.5);
      const std::string seed = seed_of(s.d.mirna_sequences[static_cast<std::size_t>(m)]);
      EXPECT_EQ(at("seed_gc"), static_cast<double>(std::count_if(seed.begin(), seed.end(), [](char c) { return c == 'G' || c == 'C'; })));
    }
  }
  // Listed pairs equal the rows, in the order given.
  std::vector<PairIndex> q{{3, 7}, {0, 1}, {3, 0}, {7, 11}};
  auto p = ev.pairs(q);
  for (std::size_t i = 0; i < q.size(); ++i) {
    std::vector<float> row(ng * F);
    ev.row(q[i][0], row.data());
    for (std::size_t f = 0; f < F; ++f) EXPECT_EQ(p[i * F + f], row[static_cast<std::size_t>(q[i][1]) * F + f]);
  }
}

TEST(Evidence, AMiRNAWithoutPairsAndANewSequenceGetFamilyNotConstants) {
  Small s;
  AlsOptions ao;
  ao.factors = 3;
  ao.iterations = 2;
  const Evidence ev = Evidence::fit(s.known, s.st, ao, 1);
  const std::size_t F = Evidence::n_features();
  // miRNA 5 has no known pair: graph features 0, its family (none here) and TargetScan remain.
  std::vector<float> row(12 * F);
  ev.row(5, row.data());
  for (int g = 0; g < 12; ++g) {
    EXPECT_EQ(row[static_cast<std::size_t>(g) * F + Evidence::column("mdeg")], 0.0f);
    EXPECT_EQ(row[static_cast<std::size_t>(g) * F + Evidence::column("als")], 0.0f);
    EXPECT_EQ(row[static_cast<std::size_t>(g) * F + Evidence::column("nb_pct")], 0.5f);
  }
  // A new let-7-like sequence: its 7-mer family is miRNAs 0, 1 and 6 (seed GAGGUAG).
  const auto fresh = ev.new_mirna("UGAGGUAGAAAAAAA", {0.1f, 0.2f, 0.3f});
  std::set<float> fam7_values;
  for (int g = 0; g < 12; ++g) {
    const double expect = s.A[0][g] + s.A[1][g] + s.A[6][g];
    EXPECT_EQ(fresh[static_cast<std::size_t>(g) * F + Evidence::column("fam7")], expect) << g;
    EXPECT_EQ(fresh[static_cast<std::size_t>(g) * F + Evidence::column("famsize7")], 4.0f);
    EXPECT_EQ(fresh[static_cast<std::size_t>(g) * F + Evidence::column("ts_fam7")],
              static_cast<float>(s.ts.count({0, g}) + s.ts.count({1, g}) + s.ts.count({6, g})));
    fam7_values.insert(fresh[static_cast<std::size_t>(g) * F + Evidence::column("fam7")]);
  }
  EXPECT_GT(fam7_values.size(), 1u) << "the family evidence must tell genes apart";
}
