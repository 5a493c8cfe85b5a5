#include "aemigap/core/blas_check.hpp"

#include <fstream>
#include <string>

#include "aemigap/core/log.hpp"

namespace aemigap {

void warn_if_reference_blas() {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    auto slash = line.find('/');
    if (slash == std::string::npos) continue;
    std::string path = line.substr(slash);
    if (path.find("libblas.so") == std::string::npos) continue;
    if (path.find("openblas") != std::string::npos || path.find("mkl") != std::string::npos ||
        path.find("blis") != std::string::npos)
      return;
    log_warn("\n*** LibTorch is using the reference BLAS (" + path +
             "): training will run ~14x slower.\n*** Install libopenblas0-openmp (env/install-debian.sh does).\n");
    return;
  }
}

}  // namespace aemigap
