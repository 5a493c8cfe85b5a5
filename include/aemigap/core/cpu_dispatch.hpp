#pragma once
// The hot kernels (the LSTM scoring kernel, doc2vec training, the negatives scan) are compiled
// once per x86-64 level, and the best level the CPU has is chosen at run time. So the
// portable build (AEMIGAP_NATIVE=OFF, the default) runs AVX-512 code on an AVX-512 node and
// SSE2 code on an old one, from one binary that a cluster can share. A native build
// (-march=native) compiles everything for the build machine, and each kernel once.
//
// How a kernel is compiled per level: src/core/cpu_levels.inc includes the kernel's body
// once per level, each time inside `#pragma GCC target("arch=...")` and in its own namespace
// (level_base, level_v3, level_v4); the kernel picks one with by_level(). A region of the
// translation unit rather than GCC's target_clones attribute: in a clone, GCC's vector types
// keep the machine mode of the file's baseline target, and the LSTM kernel ran 4x slower.
//
// AEMIGAP_CPU_LEVEL=x86-64|x86-64-v3|x86-64-v4 caps the level (e.g. the same code, and so
// the same rounding, on every node of a mixed cluster; or to test each level on one CPU).

namespace aemigap::core {

enum class CpuLevel { Base, V3, V4, Native };

// The level the kernels run at, chosen on first use: the best this CPU has, capped by
// AEMIGAP_CPU_LEVEL (a value that is not a level, or above the CPU's, is warned about and ignored).
CpuLevel cpu_level();
// "x86-64-v4", "x86-64-v3", "x86-64" (the values AEMIGAP_CPU_LEVEL takes), or "native".
const char* cpu_level_name(CpuLevel level);
// The same in words, for logs, --version and run manifests, e.g.
// "x86-64-v4 (AVX-512), chosen at run time" or "native build (-march=native)".
const char* kernel_isa();

// One of a kernel's per-level functions, by cpu_level(). In a native build the three names
// are the same function.
template <class F>
F by_level(F base, F v3, F v4) {
  switch (cpu_level()) {
    case CpuLevel::V4: return v4;
    case CpuLevel::V3: return v3;
    default: return base;
  }
}

}  // namespace aemigap::core
