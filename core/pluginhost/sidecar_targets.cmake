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
  PRIVATE skiff_sdk_wire skiff_proto spdlog::spdlog Threads::Threads)
