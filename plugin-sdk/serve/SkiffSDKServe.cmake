# SkiffSDK::serve for out-of-tree sidecars: run an SDK plugin as a gRPC sidecar
# (skiff/sdk/serve.h). After find_package(SkiffSDK):
#   include(${SkiffSDK_DIR}/SkiffSDKServe.cmake)
#   target_link_libraries(my-sidecar PRIVATE my_plugin SkiffSDK::serve)
include(CMakeFindDependencyMacro)
find_dependency(Threads)
find_dependency(Protobuf)
find_dependency(gRPC CONFIG)
find_dependency(Boost 1.81 COMPONENTS json)
find_dependency(spdlog)
include("${CMAKE_CURRENT_LIST_DIR}/SkiffSDKServeTargets.cmake")
