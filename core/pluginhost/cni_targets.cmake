# CNI exec host: runs standard CNI plugin binaries (spec 1.0) as a network plugin.
add_library(skiff_cni_process STATIC
  ${CMAKE_CURRENT_LIST_DIR}/cni_process.cc
)
target_include_directories(skiff_cni_process PUBLIC ${PROJECT_SOURCE_DIR})
