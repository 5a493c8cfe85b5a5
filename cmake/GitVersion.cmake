# Records the git commit the binary was built from; stored in every HDF5 store's
# root attributes. Re-evaluated at build time so a new commit does not need a re-configure.
set(AEMIGAP_VERSION_IN  "${CMAKE_CURRENT_LIST_DIR}/version.cpp.in")
set(AEMIGAP_VERSION_OUT "${CMAKE_BINARY_DIR}/generated/version.cpp")
add_custom_target(aemigap_version_file
  COMMAND ${CMAKE_COMMAND} -DIN=${AEMIGAP_VERSION_IN} -DOUT=${AEMIGAP_VERSION_OUT}
          -DSRC=${CMAKE_SOURCE_DIR} -DVERSION=${PROJECT_VERSION}
          -P ${CMAKE_CURRENT_LIST_DIR}/WriteVersion.cmake
  BYPRODUCTS ${AEMIGAP_VERSION_OUT}
  COMMENT "Recording git commit")
