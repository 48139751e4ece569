# What `cmake --install` puts where (GNUInstallDirs), and the files for it that the build makes:
# the shell completions, printed by `onorder completion SHELL` from the command-line definition
# itself so they cannot drift from it, and the man pages compressed (gzip -9n: no name or time
# stamp) as Debian ships them.
include(GNUInstallDirs)

# Directories made by the install are 0755 whatever the umask: a package must not depend on it.
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

find_program(GZIP_PROGRAM gzip REQUIRED)
set(ONORDER_INSTALL_FILES ${PROJECT_BINARY_DIR}/install-files)

# onorder_generate(OUTPUT DEPENDS FILE... COMMAND ARG...): OUTPUT is what the command prints.
function(onorder_generate output)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "DEPENDS;COMMAND")
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${output} -P ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/capture.cmake
            ${arg_COMMAND}
    DEPENDS ${arg_DEPENDS} ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/capture.cmake
    VERBATIM)
endfunction()

file(MAKE_DIRECTORY ${ONORDER_INSTALL_FILES}/bash-completion ${ONORDER_INSTALL_FILES}/zsh
     ${ONORDER_INSTALL_FILES}/man1)
set(completion_bash ${ONORDER_INSTALL_FILES}/bash-completion/onorder)
set(completion_zsh ${ONORDER_INSTALL_FILES}/zsh/_onorder)
onorder_generate(${completion_bash} DEPENDS onorder COMMAND $<TARGET_FILE:onorder> completion bash)
onorder_generate(${completion_zsh} DEPENDS onorder COMMAND $<TARGET_FILE:onorder> completion zsh)

set(man_pages)
foreach(page onorder.1 onorder-mock-sp.1)
  set(compressed ${ONORDER_INSTALL_FILES}/man1/${page}.gz)
  onorder_generate(${compressed} DEPENDS ${PROJECT_SOURCE_DIR}/man/${page}
                   COMMAND ${GZIP_PROGRAM} -9nc ${PROJECT_SOURCE_DIR}/man/${page})
  list(APPEND man_pages ${compressed})
endforeach()

add_custom_target(onorder_install_files ALL
                  DEPENDS ${completion_bash} ${completion_zsh} ${man_pages})

install(TARGETS onorder onorder-mock-sp RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${man_pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${completion_bash} DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES ${completion_zsh} DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})
