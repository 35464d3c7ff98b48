# Third-party libraries, all from Debian packages installed by scripts/setup.sh.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(GTest REQUIRED)
find_package(benchmark QUIET)
find_package(nlohmann_json 3 REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(CLI11 QUIET)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
find_package(OpenSSL REQUIRED)
find_package(Boost 1.81 REQUIRED)

# cmark-gfm ships no CMake/pkg-config files in Debian 12: find it by hand.
find_path(CMARK_GFM_INCLUDE_DIR cmark-gfm.h REQUIRED)
find_library(CMARK_GFM_LIBRARY cmark-gfm REQUIRED)
find_library(CMARK_GFM_EXT_LIBRARY cmark-gfm-extensions REQUIRED)
add_library(charter_cmark INTERFACE)
target_include_directories(charter_cmark INTERFACE ${CMARK_GFM_INCLUDE_DIR})
target_link_libraries(charter_cmark INTERFACE ${CMARK_GFM_EXT_LIBRARY} ${CMARK_GFM_LIBRARY})

# kainjow mustache: header only (/usr/include/kainjow/mustache.hpp).
find_path(MUSTACHE_INCLUDE_DIR kainjow/mustache.hpp REQUIRED)
add_library(charter_mustache INTERFACE)
target_include_directories(charter_mustache INTERFACE ${MUSTACHE_INCLUDE_DIR})

if(NOT TARGET CLI11::CLI11)
  find_path(CLI11_INCLUDE_DIR CLI/CLI.hpp REQUIRED)
  add_library(CLI11::CLI11 INTERFACE IMPORTED)
  target_include_directories(CLI11::CLI11 INTERFACE ${CLI11_INCLUDE_DIR})
endif()
