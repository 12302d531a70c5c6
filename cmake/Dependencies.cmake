# Every dependency comes from Debian's packages (scripts/setup installs them).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(Protobuf REQUIRED)
find_package(CURL REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(GTest REQUIRED)
find_package(benchmark REQUIRED)
pkg_check_modules(ZMQ REQUIRED IMPORTED_TARGET libzmq)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)

# xmlrpc-c ships xmlrpc-c-config rather than CMake or pkg-config files.
find_program(XMLRPC_C_CONFIG xmlrpc-c-config REQUIRED)
execute_process(COMMAND ${XMLRPC_C_CONFIG} c++2 --libs
                OUTPUT_VARIABLE XMLRPC_LIBS OUTPUT_STRIP_TRAILING_WHITESPACE)
separate_arguments(XMLRPC_LIBS UNIX_COMMAND "${XMLRPC_LIBS}")
add_library(xmlrpc_cpp INTERFACE)
target_link_libraries(xmlrpc_cpp INTERFACE ${XMLRPC_LIBS})

find_program(REDIS_SERVER redis-server REQUIRED)
find_package(Python3 REQUIRED COMPONENTS Interpreter)

# jemalloc for the programs (bridgework, the benches): a load batch makes and frees many small
# strings and JSON values on several threads, and glibc malloc's arena consolidation took about a
# fifth of the engine's cycles (perf; docs/operations.md). Linked whole (--no-as-needed) because
# nothing calls it by name: it replaces malloc. Not with sanitizers, which bring their own.
add_library(bw_malloc INTERFACE)
if(NOT BW_SANITIZE)
  pkg_check_modules(JEMALLOC REQUIRED jemalloc)
  target_link_options(bw_malloc INTERFACE "LINKER:--push-state,--no-as-needed"
                      "-L${JEMALLOC_LIBDIR}" "-ljemalloc" "LINKER:--pop-state")
endif()
