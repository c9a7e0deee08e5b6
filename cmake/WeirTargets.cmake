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

# weir_add_library(<module> SOURCES ... [PUBLIC_DEPS ...] [PRIVATE_DEPS ...])
# Creates the library target weir_<module> with the alias weir::<module>. Public headers come
# from include/; internal headers are reached as "module/file.h" from src/.
function(weir_add_library module)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  set(target weir_${module})
  add_library(${target} ${ARG_SOURCES})
  add_library(weir::${module} ALIAS ${target})
  set_target_properties(${target} PROPERTIES OUTPUT_NAME weir_${module} EXPORT_NAME ${module}
                                             POSITION_INDEPENDENT_CODE ON)
  target_include_directories(${target}
    PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
    PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${target} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  weir_target_defaults(${target})
  set_property(GLOBAL APPEND PROPERTY WEIR_LIBRARY_TARGETS ${target})
endfunction()

# Sanitizer flags for executables (tests, examples, benchmarks) so they link the runtime.
function(weir_executable_defaults target)
  weir_target_defaults(${target})
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/src)
endfunction()
