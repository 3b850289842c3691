# CNI exec host: runs standard CNI plugin binaries (spec 1.0) as a network plugin. The wire
# format is its own small library because the skiff-bridge CNI binary speaks it too.
add_library(skiff_cni_process STATIC ${CMAKE_CURRENT_LIST_DIR}/cni_process.cc)
target_include_directories(skiff_cni_process PUBLIC ${PROJECT_SOURCE_DIR})

add_library(skiff_cni_protocol STATIC ${CMAKE_CURRENT_LIST_DIR}/cni_protocol.cc)
target_include_directories(skiff_cni_protocol PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(skiff_cni_protocol PUBLIC skiff_sdk PRIVATE Boost::json)

add_library(skiff_pluginhost_cni STATIC
  ${CMAKE_CURRENT_LIST_DIR}/cni_conflist.cc
  ${CMAKE_CURRENT_LIST_DIR}/cni_exec.cc
  ${CMAKE_CURRENT_LIST_DIR}/cni_result_cache.cc
)
target_include_directories(skiff_pluginhost_cni PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(skiff_pluginhost_cni
  PUBLIC skiff_sdk skiff_cni_protocol skiff_cni_process
  PRIVATE Boost::json spdlog::spdlog)
