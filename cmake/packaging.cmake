# `cpack -G DEB` in the build directory: a Debian package of what `cmake --install` installs,
# under /usr, with stripped binaries and the Depends that dpkg-shlibdeps finds for them.
# Comes after cmake/install.cmake (onorder_generate, GZIP_PROGRAM).
set(ONORDER_PACKAGE_MAINTAINER "onorder maintainers <maintainers@onorder.example>"
    CACHE STRING "Maintainer of the Debian package: Name <address>")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME onorder)
set(CPACK_PACKAGE_VENDOR "The onorder authors")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT ${ONORDER_PACKAGE_MAINTAINER})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "client to place orders with a service provider over the Open Networks API")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${ONORDER_PACKAGE_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_VERSION ${PROJECT_VERSION})
# A Debian revision: the package is not native, its changelog is changelog.Debian.gz.
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# The extended description: CPack puts the summary on the Description line above it.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "onorder is the command-line client a communication operator (CO) in an open
fibre network uses to place orders with a service provider (SP) over the Open
Networks API Order endpoint. It builds an order from flags or reads it from
JSON, validates it against the spec's data formats, sends it and prints the
SP's verdict. It sends batches in parallel with a journal that sends every
order at most once, and checks an SP's endpoint for conformance.
.
onorder-mock-sp is a loopback SP for demonstrations and tests.")

# The Debian changelog: one entry for this version, dated now (or SOURCE_DATE_EPOCH).
string(TIMESTAMP ONORDER_CHANGELOG_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
configure_file(${PROJECT_SOURCE_DIR}/packaging/changelog.Debian.in
               ${ONORDER_INSTALL_FILES}/changelog.Debian @ONLY)
set(changelog ${ONORDER_INSTALL_FILES}/changelog.Debian.gz)
onorder_generate(${changelog} DEPENDS ${ONORDER_INSTALL_FILES}/changelog.Debian
                 COMMAND ${GZIP_PROGRAM} -9nc ${ONORDER_INSTALL_FILES}/changelog.Debian)
add_custom_target(onorder_changelog ALL DEPENDS ${changelog})
install(FILES ${changelog} DESTINATION ${CMAKE_INSTALL_DOCDIR})

include(CPack)
