# Unity builds (docs/BUILD.md "Unity build"), for the CI trees: with -DCMAKE_UNITY_BUILD=ON
# (scripts/build.sh with CHARTER_UNITY=1, which scripts/test.sh sets) every target made by
# charter_module (and the cli and e2e targets) is compiled as batches of up to
# CHARTER_UNITY_BATCH of its .cc files, each batch one translation unit: the heavy headers
# (nlohmann/json, gtest, Boost) are parsed once per batch instead of once per file.
#
# Two files that define the same name with internal linkage (anonymous namespace, `static`)
# cannot share a batch. scripts/unity-check.py finds such pairs when CMake configures, and
# charter_unity() puts them in different batches, so nobody has to rename their helpers. A
# collision the scanner cannot see (a macro, a using-directive) goes in CHARTER_UNITY_SKIP below:
# that file is then compiled alone.
set(CHARTER_UNITY_BATCH 10 CACHE STRING "Most .cc files per unity batch")
set(CHARTER_UNITY_SKIP "")

if(CMAKE_UNITY_BUILD)
  find_package(Python3 COMPONENTS Interpreter REQUIRED)
  execute_process(COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/scripts/unity-check.py --cmake
                  OUTPUT_FILE ${CMAKE_BINARY_DIR}/unity-apart.cmake RESULT_VARIABLE unity_rc)
  if(NOT unity_rc EQUAL 0)
    message(FATAL_ERROR "scripts/unity-check.py --cmake failed (${unity_rc})")
  endif()
  include(${CMAKE_BINARY_DIR}/unity-apart.cmake)
endif()

# charter_unity(<target>): assigns the target's current .cc sources to unity groups (first fit:
# a source joins the first group that has room and none of the files it must stay apart from).
# Sources added to the target later are compiled alone. Call it in the target's directory.
function(charter_unity target)
  if(NOT CMAKE_UNITY_BUILD)
    return()
  endif()
  get_target_property(sources ${target} SOURCES)
  set(count 0)
  foreach(src IN LISTS sources)
    if(NOT src MATCHES "\\.(cc|cpp|cxx)$")
      continue()
    endif()
    get_filename_component(abs ${src} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    file(RELATIVE_PATH rel ${CMAKE_SOURCE_DIR} ${abs})
    if(rel IN_LIST CHARTER_UNITY_SKIP)
      set_source_files_properties(${src} PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
      continue()
    endif()
    set(apart ${CHARTER_UNITY_APART_${rel}})
    set(chosen -1)
    if(count GREATER 0)
      math(EXPR last "${count} - 1")
      foreach(g RANGE ${last})
        list(LENGTH group_${g} n)
        if(n LESS CHARTER_UNITY_BATCH)
          set(clash FALSE)
          foreach(other IN LISTS apart)
            if(other IN_LIST group_${g})
              set(clash TRUE)
              break()
            endif()
          endforeach()
          if(NOT clash)
            set(chosen ${g})
            break()
          endif()
        endif()
      endforeach()
    endif()
    if(chosen EQUAL -1)
      set(chosen ${count})
      math(EXPR count "${count} + 1")
    endif()
    list(APPEND group_${chosen} ${rel})
    set_source_files_properties(${src} PROPERTIES UNITY_GROUP ${target}_${chosen})
  endforeach()
  set_target_properties(${target} PROPERTIES UNITY_BUILD_MODE GROUP)
endfunction()

# In a unity batch gcc sees the files' anonymous-namespace types from an included file and warns
# (-Wsubobject-linkage) where the plain build does not: noise only.
if(CMAKE_UNITY_BUILD AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  add_compile_options(-Wno-subobject-linkage)
endif()
