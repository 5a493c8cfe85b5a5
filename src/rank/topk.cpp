#include "aemigap/rank/topk.hpp"

#include <algorithm>
#include <cmath>

namespace aemigap::rank {

void TopK::add(const Scored& s) {
  if (std::isnan(s.score) || k_ == 0) return;
  auto cmp = [](const Scored& a, const Scored& b) { return better(a, b); };  // heap top = worst
  if (heap_.size() < k_) {
    heap_.push_back(s);
    std::push_heap(heap_.begin(), heap_.end(), cmp);
  } else if (better(s, heap_.front())) {
    std::pop_heap(heap_.begin(), heap_.end(), cmp);
    heap_.back() = s;
    std::push_heap(heap_.begin(), heap_.end(), cmp);
  }
}

std::vector<Scored> TopK::sorted() const {
  std::vector<Scored> out = heap_;
  std::sort(out.begin(), out.end(), better);
  return out;
}

}  // namespace aemigap::rank
