# weir_add_job(<name> SOURCES... [LIBRARIES...]): builds a Weir program twice from one compile of
# its sources:
#   <name>     an ordinary executable; its main() builds the pipeline and env.execute() runs it
#              on the embedded mini-cluster (or, given -m host:port, submits it to a cluster);
#   <name>.so  the job library that `weir run <name>.so` uploads to a cluster. The JobManager and
#              every TaskManager load it with dlopen, run its main() to rebuild the job graph and
#              check that they all built the same one (user code is never shipped as closures).
# Both are written to the same directory; keep them together when you install them.
# LIBRARIES are linked into both (and their usage requirements apply to the sources).
function(weir_add_job name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES" ${ARGN})
  set(objects ${name}_objects)
  add_library(${objects} OBJECT ${ARG_SOURCES} ${ARG_UNPARSED_ARGUMENTS})
  set_target_properties(${objects} PROPERTIES POSITION_INDEPENDENT_CODE ON
                                              CXX_STANDARD 20 CXX_STANDARD_REQUIRED ON)
  target_link_libraries(${objects} PUBLIC weir::weir ${ARG_LIBRARIES})

  add_executable(${name})
  target_link_libraries(${name} PRIVATE ${objects})

  get_target_property(dir ${name} RUNTIME_OUTPUT_DIRECTORY)
  if(NOT dir)
    set(dir ${CMAKE_CURRENT_BINARY_DIR})
  endif()
  add_library(${name}_job SHARED)
  target_link_libraries(${name}_job PRIVATE ${objects})
  set_target_properties(${name}_job PROPERTIES PREFIX "" OUTPUT_NAME ${name} SUFFIX ".so"
                                               LIBRARY_OUTPUT_DIRECTORY ${dir})
endfunction()
