# Installs headers, libraries and the CMake package so that an outside project can write
#   find_package(Weir REQUIRED)
#   target_link_libraries(app PRIVATE weir::weir)
include(CMakePackageConfigHelpers)

get_property(_weir_targets GLOBAL PROPERTY WEIR_LIBRARY_TARGETS)
install(TARGETS ${_weir_targets} weir EXPORT WeirTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY include/weir DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT WeirTargets NAMESPACE weir:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/Weir)

configure_package_config_file(cmake/WeirConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/WeirConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/Weir)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/WeirConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/WeirConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/WeirConfigVersion.cmake
              cmake/WeirJob.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/Weir)
