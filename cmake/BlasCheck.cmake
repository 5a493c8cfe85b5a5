# LibTorch on Debian calls the system BLAS through libblas.so.3. If that resolves to the
# reference BLAS (no libopenblas0-openmp installed), matrix work runs ~14x slower.
# Warn loudly at configure time; the program repeats the check at run time.
set(_aemigap_blas "/usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/libblas.so.3")
if(EXISTS "${_aemigap_blas}")
  get_filename_component(_aemigap_blas_real "${_aemigap_blas}" REALPATH)
  if(NOT _aemigap_blas_real MATCHES "openblas|mkl|blis")
    message(WARNING
      "\n*** libblas.so.3 resolves to ${_aemigap_blas_real}, the slow reference BLAS.\n"
      "*** Install libopenblas0-openmp (env/install-debian.sh does) or training runs ~14x slower.\n")
  else()
    message(STATUS "BLAS: ${_aemigap_blas_real}")
  endif()
endif()
