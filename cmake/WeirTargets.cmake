# Helpers shared by every Weir target: warnings, sanitizers and the library shape.

function(weir_apply_sanitizers target)
  if(WEIR_SANITIZE)
    string(REPLACE ";" "," _san "${WEIR_SANITIZE}")
    target_compile_options(${target} PRIVATE -fsanitize=${_san} -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=${_san})
  endif()
endfunction()

function(weir_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
  weir_apply_sanitizers(${target})
endfunction()

# Layers. Each module sees only its own headers and those of the modules below it: its include
# root is a directory in the build tree holding links to exactly those folders of include/weir/
# (public) and src/ (private), so a wrong-way include fails to compile. The table of what each
# module may see is in src/CMakeLists.txt (weir_layer calls).
function(weir_layer module)
  set(root ${PROJECT_BINARY_DIR}/layers/${module})
  file(REMOVE_RECURSE ${root})
  file(MAKE_DIRECTORY ${root}/weir ${root}/private)
  foreach(m ${module} ${ARGN})
    if(EXISTS ${PROJECT_SOURCE_DIR}/include/weir/${m})
      file(CREATE_LINK ${PROJECT_SOURCE_DIR}/include/weir/${m} ${root}/weir/${m} SYMBOLIC)
    endif()
    if(EXISTS ${PROJECT_SOURCE_DIR}/src/${m})
      file(CREATE_LINK ${PROJECT_SOURCE_DIR}/src/${m} ${root}/private/${m} SYMBOLIC)
    endif()
  endforeach()
  set_property(GLOBAL PROPERTY WEIR_LAYER_${module} "${ARGN}")
endfunction()

# weir_layer_check(<module>): one translation unit that includes every public header of the
# module through the module's own include root, so a header that reaches up a layer (even one no
# .cpp of the module includes) fails the build.
function(weir_layer_check module)
  if(NOT WEIR_CHECK_LAYERS)
    return()
  endif()
  file(GLOB_RECURSE headers RELATIVE ${PROJECT_SOURCE_DIR}/include CONFIGURE_DEPENDS
       ${PROJECT_SOURCE_DIR}/include/weir/${module}/*.h)
  if(NOT headers)
    return()
  endif()
  set(text "// Generated: every public header of module '${module}', seen from its own layer.\n")
  foreach(h ${headers})
    string(APPEND text "#include \"${h}\"\n")
  endforeach()
  set(file ${PROJECT_BINARY_DIR}/layers/${module}_layer_check.cpp)
  file(CONFIGURE OUTPUT ${file} CONTENT "${text}")
  add_library(weir_${module}_layer_check OBJECT ${file})
  target_link_libraries(weir_${module}_layer_check PRIVATE weir::${module})
  target_compile_options(weir_${module}_layer_check PRIVATE -Wall -Wextra
                                                            -Wno-unused-parameter)
endfunction()

# weir_add_library(<module> SOURCES ... [PUBLIC_DEPS ...] [PRIVATE_DEPS ...])
# Creates the library target weir_<module> with the alias weir::<module>. Public headers come
# from include/weir/<module>/; internal headers are reached as "module/file.h" from src/. Both
# through the module's layer root (weir_layer).
function(weir_add_library module)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  set(target weir_${module})
  set(root ${PROJECT_BINARY_DIR}/layers/${module})
  if(ARG_SOURCES)
    add_library(${target} ${ARG_SOURCES})
    set_target_properties(${target} PROPERTIES OUTPUT_NAME weir_${module} EXPORT_NAME ${module}
                                               POSITION_INDEPENDENT_CODE ON)
    target_include_directories(${target}
      PUBLIC $<BUILD_INTERFACE:${root}> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
      PRIVATE ${root}/private)
    target_link_libraries(${target} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
    weir_target_defaults(${target})
  else()  # a header-only layer
    add_library(${target} INTERFACE)
    set_target_properties(${target} PROPERTIES EXPORT_NAME ${module})
    target_include_directories(${target}
      INTERFACE $<BUILD_INTERFACE:${root}> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
    target_link_libraries(${target} INTERFACE ${ARG_PUBLIC_DEPS})
  endif()
  add_library(weir::${module} ALIAS ${target})
  set_property(GLOBAL APPEND PROPERTY WEIR_LIBRARY_TARGETS ${target})
  weir_layer_check(${module})
endfunction()

# Sanitizer flags for executables (tests, examples, benchmarks) so they link the runtime.
function(weir_executable_defaults target)
  weir_target_defaults(${target})
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/src)
endfunction()
