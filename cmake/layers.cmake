# One static library per folder of src/ (botrecon_lib_<folder>), in the layer
# order of cmake/layers.txt, with PRIVATE dependencies on lower layers only.
#
#   botrecon_add_layers()            top level: reads the table, adds every
#                                    folder of src/ lowest layer first
#   botrecon_layer_library(<folder>  in src/<folder>/CMakeLists.txt: the library
#     [DEPENDS <folder>...]          of that folder's *.cc/*.S (recursively; DIR
#     [DIR <dir>]                    when called from elsewhere);
#     [LIBRARIES <lib>...]           DEPENDS must be lower layers (folders that
#     [INCLUDES <dir>...])           do not exist are skipped); LIBRARIES and
#                                    INCLUDES are third-party, PRIVATE
#
# Include paths alone cannot stop an upward #include: tests/layers_test.sh
# checks every #include "folder/..." of src/ against the same table.

set(BOTRECON_LAYERS_FILE ${CMAKE_CURRENT_LIST_DIR}/layers.txt)

# Sets BOTRECON_LAYER_<folder> (its rank, 0 = lowest) for every folder of the
# table and BOTRECON_LAYER_FOLDERS (all folders, lowest first) in the caller's
# scope, unless that scope already has them.
macro(botrecon_read_layers)
  if(NOT DEFINED BOTRECON_LAYER_FOLDERS)
    botrecon_parse_layers()
  endif()
endmacro()

macro(botrecon_parse_layers)
  file(STRINGS ${BOTRECON_LAYERS_FILE} _layer_lines)
  set(BOTRECON_LAYER_FOLDERS "")
  set(_layer_rank 0)
  foreach(_layer_line IN LISTS _layer_lines)
    string(REGEX REPLACE "#.*$" "" _layer_line "${_layer_line}")
    string(STRIP "${_layer_line}" _layer_line)
    if(_layer_line STREQUAL "")
      continue()
    endif()
    separate_arguments(_layer_folders UNIX_COMMAND "${_layer_line}")
    foreach(_layer_folder IN LISTS _layer_folders)
      if(DEFINED BOTRECON_LAYER_${_layer_folder})
        message(FATAL_ERROR "${BOTRECON_LAYERS_FILE}: folder '${_layer_folder}' listed twice")
      endif()
      set(BOTRECON_LAYER_${_layer_folder} ${_layer_rank})
      list(APPEND BOTRECON_LAYER_FOLDERS ${_layer_folder})
    endforeach()
    math(EXPR _layer_rank "${_layer_rank} + 1")
  endforeach()
endmacro()

# Adds src/<folder> for every folder of the table that exists, lowest layer
# first; fails on a folder of src/ that the table does not list. Sets
# BOTRECON_LAYER_TARGETS: the libraries, highest layer first (the order a
# static link needs).
function(botrecon_add_layers)
  botrecon_read_layers()
  file(GLOB _entries LIST_DIRECTORIES true CONFIGURE_DEPENDS RELATIVE ${CMAKE_SOURCE_DIR}/src
       ${CMAKE_SOURCE_DIR}/src/*)
  foreach(_entry IN LISTS _entries)
    if(IS_DIRECTORY ${CMAKE_SOURCE_DIR}/src/${_entry} AND NOT DEFINED BOTRECON_LAYER_${_entry})
      message(FATAL_ERROR "src/${_entry}/ is not in cmake/layers.txt: add it on the line of its layer")
    endif()
  endforeach()
  set(_targets "")
  set(_added "")
  foreach(_folder IN LISTS BOTRECON_LAYER_FOLDERS)
    if(EXISTS ${CMAKE_SOURCE_DIR}/src/${_folder}/CMakeLists.txt)
      add_subdirectory(${CMAKE_SOURCE_DIR}/src/${_folder} ${CMAKE_BINARY_DIR}/src/${_folder})
    elseif(IS_DIRECTORY ${CMAKE_SOURCE_DIR}/src/${_folder})
      # A new folder: built against every lower layer until it says what it uses.
      set(_lower "")
      foreach(_other IN LISTS _added)
        if(BOTRECON_LAYER_${_other} LESS BOTRECON_LAYER_${_folder})
          list(APPEND _lower ${_other})
        endif()
      endforeach()
      message(WARNING "src/${_folder}/ has no CMakeLists.txt: built with DEPENDS ${_lower}; "
                      "give it one like src/features/CMakeLists.txt")
      botrecon_layer_library(${_folder} DIR ${CMAKE_SOURCE_DIR}/src/${_folder} DEPENDS ${_lower})
    else()
      continue()
    endif()
    list(APPEND _added ${_folder})
    list(PREPEND _targets botrecon_lib_${_folder})
  endforeach()
  set(BOTRECON_LAYER_TARGETS ${_targets} PARENT_SCOPE)
endfunction()

function(botrecon_layer_library folder)
  cmake_parse_arguments(ARG "" "DIR" "DEPENDS;LIBRARIES;INCLUDES" ${ARGN})
  if(NOT ARG_DIR)
    set(ARG_DIR ${CMAKE_CURRENT_SOURCE_DIR})
  endif()
  botrecon_read_layers()
  file(GLOB_RECURSE _sources CONFIGURE_DEPENDS ${ARG_DIR}/*.cc ${ARG_DIR}/*.S)
  list(FILTER _sources EXCLUDE REGEX ".*/main\\.cc$")
  set(_target botrecon_lib_${folder})
  if(_sources)
    add_library(${_target} STATIC ${_sources})
    set(_own PRIVATE)
    set(_public PUBLIC)
    botrecon_warnings(${_target})
  else()  # headers only
    add_library(${_target} INTERFACE)
    set(_own INTERFACE)
    set(_public INTERFACE)
  endif()
  # Every folder sees src/ (headers are named "folder/file.h"); the layer
  # order is checked by DEPENDS below and by tests/layers_test.sh.
  target_include_directories(${_target} ${_public} ${CMAKE_SOURCE_DIR}/src)
  if(ARG_INCLUDES)
    target_include_directories(${_target} ${_own} ${ARG_INCLUDES})
  endif()
  target_link_libraries(${_target} ${_own} Threads::Threads fmt::fmt ${ARG_LIBRARIES})
  foreach(_dep IN LISTS ARG_DEPENDS)
    if(NOT DEFINED BOTRECON_LAYER_${_dep})
      message(FATAL_ERROR "src/${folder}: DEPENDS ${_dep}: not a folder of cmake/layers.txt")
    endif()
    if(NOT BOTRECON_LAYER_${_dep} LESS BOTRECON_LAYER_${folder})
      message(FATAL_ERROR "src/${folder} (layer ${BOTRECON_LAYER_${folder}}) may not depend on ${_dep} "
                          "(layer ${BOTRECON_LAYER_${_dep}}): only on lower layers (cmake/layers.txt)")
    endif()
    if(TARGET botrecon_lib_${_dep})
      target_link_libraries(${_target} ${_own} botrecon_lib_${_dep})
    endif()
  endforeach()
endfunction()
