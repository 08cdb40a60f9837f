file(REMOVE_RECURSE
  "CMakeFiles/seccoord_common.dir/status.cc.o"
  "CMakeFiles/seccoord_common.dir/status.cc.o.d"
  "libseccoord_common.a"
  "libseccoord_common.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/seccoord_common.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
