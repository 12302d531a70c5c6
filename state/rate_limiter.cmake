# The shared source rate limit over Redis (GCRA in Lua); included from state/CMakeLists.txt.
add_library(bw_redis_rate_limiter redis_rate_limiter.cc)
target_include_directories(bw_redis_rate_limiter PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(bw_redis_rate_limiter PUBLIC bw_common PkgConfig::HIREDIS)
