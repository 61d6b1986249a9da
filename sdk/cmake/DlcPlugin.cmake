# dlc_add_plugin(<name> <sources...> [LIBS <libs...>] [NO_INSTALL])
#
# Builds a dlc plugin: a shared library (MODULE) linked against dlc::core whose
# only exported symbol that matters is `dlcGetPluginInfo` (define it with
# DLC_DEFINE_PLUGIN from dlc/plugin/PluginAPI.h). Used for dlc's own plugins
# and, through the installed dlcConfig.cmake, for plugins built out of tree.
function(dlc_add_plugin name)
  cmake_parse_arguments(ARG "NO_INSTALL" "" "LIBS" ${ARGN})
  add_library(${name} MODULE ${ARG_UNPARSED_ARGUMENTS})
  target_link_libraries(${name} PRIVATE dlc::core ${ARG_LIBS})
  set_target_properties(${name} PROPERTIES
    PREFIX "lib"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    CXX_STANDARD 20
    CXX_STANDARD_REQUIRED ON)
  if(DEFINED DLC_PLUGIN_OUTPUT_DIR)  # inside dlc's own build
    set_target_properties(${name} PROPERTIES
      LIBRARY_OUTPUT_DIRECTORY ${DLC_PLUGIN_OUTPUT_DIR}
      INSTALL_RPATH "$ORIGIN/../..")
    if(NOT ARG_NO_INSTALL)
      install(TARGETS ${name} LIBRARY DESTINATION ${DLC_PLUGIN_INSTALL_DIR})
    endif()
  endif()
endfunction()
