# skiff_pluginhost_bounded: the call deadlines every plugin mode shares (call_timeouts), and
# the deadline wrappers for plugins loaded in-process. No gRPC. Included by this folder's
# CMakeLists.txt.

set(dir ${CMAKE_CURRENT_LIST_DIR})
add_library(skiff_pluginhost_bounded STATIC
  ${dir}/bounded_call.cc
  ${dir}/bounded_plugins.cc
  ${dir}/call_timeouts.cc
)
target_include_directories(skiff_pluginhost_bounded PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>)
target_link_libraries(skiff_pluginhost_bounded PUBLIC skiff_sdk PRIVATE Threads::Threads)
