# skiff_pluginhost_grpc: the host side of gRPC plugins - CRI/CSI/network clients adapting onto
# the SDK interfaces, and the SidecarSupervisor. Included by this folder's CMakeLists.txt.

set(dir ${CMAKE_CURRENT_LIST_DIR})
add_library(skiff_pluginhost_grpc STATIC
  ${dir}/grpc_call.cc
  ${dir}/grpc_network_client.cc
  ${dir}/grpc_runtime_client.cc
  ${dir}/grpc_storage_client.cc
  ${dir}/sidecar_health.cc
  ${dir}/sidecar_process.cc
  ${dir}/sidecar_supervisor.cc
)
target_include_directories(skiff_pluginhost_grpc PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>)
target_link_libraries(skiff_pluginhost_grpc
  PUBLIC skiff_sdk
  PRIVATE skiff_pluginhost_bounded skiff_sdk_wire skiff_proto spdlog::spdlog Threads::Threads)

# The conformance runner's gRPC sources (--runtime-endpoint, ...) and skiff-conformance-grpc,
# the runner with them. Only when the conformance suites are built (they need GoogleTest).
if(TARGET skiff_conformance)
  add_library(skiff_pluginhost_grpc_conformance STATIC ${dir}/grpc_conformance_sources.cc)
  target_include_directories(skiff_pluginhost_grpc_conformance
    PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>)
  target_link_libraries(skiff_pluginhost_grpc_conformance
    PUBLIC skiff_conformance
    PRIVATE skiff_pluginhost_grpc skiff_sdk_wire)

  add_executable(skiff-conformance-grpc ${dir}/grpc_conformance_main.cc)
  target_link_libraries(skiff-conformance-grpc PRIVATE skiff_pluginhost_grpc_conformance)
endif()
