#include "aemigap/core/lineage.hpp"

#include <cstdio>

#include "aemigap/core/error.hpp"
#include "aemigap/core/hash.hpp"
#include "aemigap/core/log.hpp"
#include "aemigap/core/store.hpp"
#include "aemigap/core/store_schema.hpp"
#include "aemigap/core/text.hpp"

namespace aemigap::lineage {

namespace sc = schema;
using P = Product;

namespace {

// One row per product: where its lineage attributes live, the stage that makes it, what it
// is made from, and what of it is hashed into its id. Scores and ranking are too large to
// hash on every write; their id is that of their inputs (their values are covered by the
// per-block checksums of core/checked_matrix.hpp).
struct Row {
  Product product;
  const char* name;    // in made_from and messages
  const char* what;    // in words
  const char* holder;  // the object carrying content_id and made_from
  const char* stage;   // the stage that (re)makes it
  std::vector<Product> inputs;
  std::vector<const char*> content;
};

const std::vector<Row>& rows() {
  static const std::vector<Row> all = {
      {P::Pairs, "pairs", "the validated pairs and sequences", sc::kPairs, "ingest", {},
       {sc::kMirnaName, sc::kMirnaSequence, sc::kGeneName, sc::kGeneSequence, sc::kPositives}},
      {P::Embeddings, "embeddings", "the embeddings", sc::kEmbed, "embed", {P::Pairs},
       {sc::kMirnaEmbedding, sc::kGeneEmbedding}},
      {P::Negatives, "negatives", "the training negatives", sc::kNegatives, "negatives", {P::Pairs, P::Embeddings},
       {sc::kNegatives}},
      {P::Autoencoder, "autoencoder", "the autoencoder", sc::kAe, "train-ae", {P::Pairs, P::Embeddings, P::Negatives},
       {sc::kAe}},
      {P::Cv, "cv", "the cross-validation and its checkpoint", sc::kCv, "cv",
       {P::Pairs, P::Embeddings, P::Negatives, P::Autoencoder}, {sc::kCv}},
      {P::Scores, "scores", "the pool scores", sc::kScores, "score", {P::Pairs, P::Embeddings}, {}},
      {P::Ranking, "ranking", "the ranking", sc::kRanking, "rank", {P::Pairs, P::Embeddings, P::Scores}, {}},
  };
  return all;
}

const Row& row_of(Product p) {
  for (const auto& r : rows())
    if (r.product == p) return r;
  throw Error("lineage: no row for a product");
}

const Row* row_named(const std::string& name) {
  for (const auto& r : rows())
    if (name == r.name) return &r;
  return nullptr;
}

std::string hex(std::uint64_t h) {
  char b[17];
  std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(h));
  return b;
}

// made_from as (name, id) entries; "nothing" for a product made from nothing in the store.
std::vector<std::pair<std::string, std::string>> parse(const std::string& made) {
  std::vector<std::pair<std::string, std::string>> out;
  if (made == "nothing") return out;
  for (const auto piece : split(made, ';')) {
    const std::string item(piece);
    const auto colon = item.find(':');
    if (colon != std::string::npos) out.emplace_back(item.substr(0, colon), item.substr(colon + 1));
  }
  return out;
}

// The first input of p that differs from what p was made from: {input row, id then, id now}.
struct Change {
  const Row* input = nullptr;
  std::string was, now;
  const Row* via = nullptr;  // the stale input through which it changed, when not direct
};
// An input that is itself stale makes p stale too (the scores of a model whose negatives
// were redrawn), reported as that input's change.
Change first_change(const Store& s, const Row& r) {
  if (!s.exists(r.holder) || !s.has_attr(r.holder, sc::kAttrMadeFrom)) return {};
  for (const auto& [name, was] : parse(s.attr_string(r.holder, sc::kAttrMadeFrom))) {
    const Row* in = row_named(name);
    if (!in) continue;        // an input from outside the store (a checkpoint): its reader checks it
    if (was == "unrecorded") continue;  // written before its input had an id: cannot be checked
    const std::string now = id_of(s, in->product);
    if (now != was) return {in, was, now.empty() ? "absent" : now};
    Change deeper = first_change(s, *in);
    if (deeper.input) {
      if (!deeper.via) deeper.via = in;
      return deeper;
    }
  }
  return {};
}

}  // namespace

const char* name_of(Product p) { return row_of(p).name; }

const std::vector<Product>& all_products() {
  static const std::vector<Product> all = [] {
    std::vector<Product> v;
    for (const auto& r : rows()) v.push_back(r.product);
    return v;
  }();
  return all;
}

std::string id_of(const Store& s, Product p) {
  const Row& r = row_of(p);
  if (!s.exists(r.holder) || !s.has_attr(r.holder, sc::kAttrContentId)) return "";
  return s.attr_string(r.holder, sc::kAttrContentId);
}

void record(Store& s, Product p, const External& external) { record(s, p, row_of(p).inputs, external); }

void record(Store& s, Product p, const std::vector<Product>& inputs, const External& external) {
  const Row& r = row_of(p);
  AEMIGAP_CHECK(s.exists(r.holder), "lineage::record: " << r.holder << " is not written yet");
  std::string made;
  for (Product in : inputs) {
    const std::string id = id_of(s, in);
    made += (made.empty() ? "" : ";") + std::string(name_of(in)) + ":" + (id.empty() ? "unrecorded" : id);
  }
  for (const auto& [label, value] : external) made += (made.empty() ? "" : ";") + label + ":" + value;
  if (made.empty()) made = "nothing";
  std::uint64_t h = hash_string(std::string(r.name) + "|" + made);
  for (const char* c : r.content) h = s.content_hash(c, h);
  s.set_attr(r.holder, sc::kAttrContentId, hex(h));
  s.set_attr(r.holder, sc::kAttrMadeFrom, made);
}

void require_current(const Store& s, Product p, const std::string& reader) {
  const Row& r = row_of(p);
  if (!s.exists(r.holder)) return;  // absent: the reader's own check names the stage to run
  if (!s.has_attr(r.holder, sc::kAttrMadeFrom)) {
    log_warn("[" + reader + "] " + r.holder + " in " + s.path() +
             " was written before lineage was recorded: cannot check that it is current");
    return;
  }
  const Change c = first_change(s, r);
  if (!c.input) return;
  const auto old = stale(s);  // the earliest stale product is where rebuilding starts
  throw InputError(s.path(), 0,
                   reader + ": " + r.what + " (" + r.holder + ") " +
                       (c.via ? std::string("were made from ") + c.via->holder + ", which stems" : std::string("stem")) +
                       " from other " + c.input->name +
                       " than the store holds now (" + c.was + " then, " + c.now + " now), so they are stale: rerun `aemigap " +
                       row_of(old.front()).stage + "` and the stages after it");
}

std::vector<Product> stale(const Store& s) {
  std::vector<Product> out;
  for (const auto& r : rows())
    if (first_change(s, r).input) out.push_back(r.product);
  return out;
}

void warn_stale(const std::string& store_path, const std::string& stage) try {
  const Store s = Store::open(store_path);
  const auto old = stale(s);
  if (old.empty()) return;
  std::string names;
  for (Product p : old) names += (names.empty() ? "" : ", ") + std::string(row_of(p).holder);
  log_warn("[" + stage + "] now stale in " + store_path + " (made from what " + stage +
           " replaced): " + names + "; kept, but every reader refuses them until `aemigap " + row_of(old.front()).stage +
           "` and the stages after it rerun");
} catch (const std::exception& e) {  // the stage has committed: a failed check must not fail it
  log_warn("[" + stage + "] could not check what is now stale in " + store_path + ": " + e.what());
}

}  // namespace aemigap::lineage
