# weir_add_job(<name> SOURCES...): builds a Weir program. Today a job is an ordinary executable
# whose main() builds the pipeline and calls env.execute() on the embedded mini-cluster.
function(weir_add_job name)
  cmake_parse_arguments(ARG "" "" "SOURCES" ${ARGN})
  add_executable(${name} ${ARG_SOURCES} ${ARG_UNPARSED_ARGUMENTS})
  target_link_libraries(${name} PRIVATE weir::weir)
  set_target_properties(${name} PROPERTIES CXX_STANDARD 20 CXX_STANDARD_REQUIRED ON)
endfunction()
