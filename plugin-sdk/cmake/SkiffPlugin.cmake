# skiff_add_plugin(<target> OUTPUT_NAME <name> [OUTPUT_DIRECTORY <dir>] SOURCES ... LIBRARIES ...)
#
# Builds a shared-library plugin the way the host expects: a loadable module with hidden
# visibility (only the aliases SKIFF_EXPORT_*_PLUGIN makes are exported), linked against the
# SDK headers. Used in-tree and, through find_package(SkiffSDK), by out-of-tree plugins.
function(skiff_add_plugin target)
  cmake_parse_arguments(arg "" "OUTPUT_NAME;OUTPUT_DIRECTORY" "SOURCES;LIBRARIES" ${ARGN})
  add_library(${target} MODULE ${arg_SOURCES})
  target_link_libraries(${target} PRIVATE SkiffSDK::sdk ${arg_LIBRARIES})
  set_target_properties(${target} PROPERTIES
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    PREFIX "lib")
  if(arg_OUTPUT_NAME)
    set_target_properties(${target} PROPERTIES OUTPUT_NAME ${arg_OUTPUT_NAME})
  endif()
  if(arg_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${arg_OUTPUT_DIRECTORY})
  endif()
endfunction()
