# Policy text model, importer, renderer, canonical hash and article diff.
target_sources(seccoord_common PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/policy_text.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/policy_diff.cc)
# SHA-256 for content and chain hashes.
target_link_libraries(seccoord_common PUBLIC OpenSSL::Crypto)
