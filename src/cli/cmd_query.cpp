// aemigap query (report/query.hpp): one answer from the store, TSV to stdout.
#include <cstdio>

#include "aemigap/report/query.hpp"
#include "commands.hpp"

namespace aemigap::cli {

int run_query(Context& ctx) {
  if (ctx.rank != 0) return 0;
  std::fputs(report::query(ctx.cfg).tsv().c_str(), stdout);
  return 0;
}

}  // namespace aemigap::cli
