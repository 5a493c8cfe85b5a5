// Lineage: what each product in the store was made from, so nothing stale is read.
//
// Every product (the validated pairs, the embeddings, the negatives, the autoencoder, the
// cross-validation, the pool scores and their ranking) carries two attributes on its object:
// `content_id`, a hash of what it holds (and of what it was made from), and `made_from`, the
// content ids of its inputs when it was written ("embeddings:1f2e...;negatives:..."). A stage
// that reads a product first asks require_current(): when an input has changed since (a new
// `embed` under old negatives, a re-ingest), it refuses, naming the product, the input and the
// stage to rerun. Upstream stages do not delete downstream work: they leave it in place and
// report it stale (warn_stale), and every reader refuses it until it is rebuilt.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace aemigap {
class Store;
}

namespace aemigap::lineage {

enum class Product { Pairs, Embeddings, Negatives, Autoencoder, Cv, Scores, Ranking };

const char* name_of(Product p);
const std::vector<Product>& all_products();  // in pipeline order

// The product's content id as recorded; "" when the store has none.
std::string id_of(const Store& s, Product p);

// Stamps product p (already written into s) with its content id and the ids of `inputs` (by
// default every product it is made from) as they are in s now. `external` names inputs from
// outside the store (e.g. {"checkpoint", hash of model.pt}); they join the id and made_from.
using External = std::vector<std::pair<std::string, std::string>>;
void record(Store& s, Product p, const External& external = {});
void record(Store& s, Product p, const std::vector<Product>& inputs, const External& external = {});

// Throws InputError when p exists and one of the inputs it was made from is now different in
// s (or gone). `reader` says who asks ("train-ae", "score --resume"). A product written before
// lineage was recorded is let through with a warning.
void require_current(const Store& s, Product p, const std::string& reader);

// The products in s made from an input that has changed since; logged as a warning by
// warn_stale after a stage commits (`stage` names it).
std::vector<Product> stale(const Store& s);
void warn_stale(const std::string& store_path, const std::string& stage);

}  // namespace aemigap::lineage
