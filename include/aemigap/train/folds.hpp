// Cross-validation folds, seeded and independent of rank count.
//  - stratified: each class is shuffled and dealt round-robin, so every fold has the
//    class balance of the whole set (the paper's protocol);
//  - grouped: all samples of a group (a miRNA, or a gene) land in one fold, so the model
//    is tested on miRNAs (genes) it never saw in training ("cold" protocols).
#pragma once

#include <cstdint>
#include <vector>

namespace aemigap::train {

std::vector<int> stratified_folds(const std::vector<std::uint8_t>& labels, int k, std::uint64_t seed);
std::vector<int> group_folds(const std::vector<std::int32_t>& groups, int k, std::uint64_t seed);

}  // namespace aemigap::train
