#include "aemigap/core/cpu_dispatch.hpp"

#include <cstdlib>
#include <string>

#include "aemigap/core/log.hpp"

namespace aemigap::core {

namespace {

#if defined(AEMIGAP_CPU_DISPATCH) && defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
constexpr bool kDispatch = true;
#else
constexpr bool kDispatch = false;
#endif

CpuLevel choose() {
  if (!kDispatch) return CpuLevel::Native;
  __builtin_cpu_init();
  const CpuLevel best = __builtin_cpu_supports("x86-64-v4")   ? CpuLevel::V4
                        : __builtin_cpu_supports("x86-64-v3") ? CpuLevel::V3
                                                              : CpuLevel::Base;
  const char* cap = std::getenv("AEMIGAP_CPU_LEVEL");
  if (cap == nullptr || *cap == '\0') return best;
  const std::string c = cap;
  CpuLevel want = CpuLevel::Native;
  for (CpuLevel l : {CpuLevel::V4, CpuLevel::V3, CpuLevel::Base})
    if (c == cpu_level_name(l)) want = l;
  if (want == CpuLevel::Native) {
    log_warn("AEMIGAP_CPU_LEVEL=" + c + " is not x86-64, x86-64-v3 or x86-64-v4: ignored, the kernels run at " +
             cpu_level_name(best));
    return best;
  }
  if (static_cast<int>(want) > static_cast<int>(best)) {
    log_warn("AEMIGAP_CPU_LEVEL=" + c + ": this CPU has only " + cpu_level_name(best) + "; the kernels run at " +
             cpu_level_name(best));
    return best;
  }
  return want;
}

}  // namespace

const char* cpu_level_name(CpuLevel l) {
  switch (l) {
    case CpuLevel::V4: return "x86-64-v4";
    case CpuLevel::V3: return "x86-64-v3";
    case CpuLevel::Base: return "x86-64";
    default: return "native";
  }
}

CpuLevel cpu_level() {
  static const CpuLevel level = choose();
  return level;
}

const char* kernel_isa() {
  switch (cpu_level()) {
    case CpuLevel::V4: return "x86-64-v4 (AVX-512), chosen at run time";
    case CpuLevel::V3: return "x86-64-v3 (AVX2, FMA), chosen at run time";
    case CpuLevel::Base: return "x86-64 (SSE2), chosen at run time";
    default:
#if defined(AEMIGAP_NATIVE_BUILD)
      return "native build (-march=native)";
#else
      return "the compiler's default target (no run-time dispatch)";
#endif
  }
}

}  // namespace aemigap::core
