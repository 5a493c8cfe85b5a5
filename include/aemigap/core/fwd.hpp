// Forward declarations of the types stage headers pass by reference, so those headers need
// not include the config, dataset or store headers.
#pragma once

namespace aemigap {
struct Config;
struct Dataset;
class Store;
}  // namespace aemigap
