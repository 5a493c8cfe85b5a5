// LibTorch on Debian calls BLAS through libblas.so.3; when that is the reference BLAS (no
// libopenblas0-openmp), training runs ~14x slower. Warns loudly, once, when the loaded
// BLAS is the reference one.
#pragma once
namespace aemigap {
void warn_if_reference_blas();
}
