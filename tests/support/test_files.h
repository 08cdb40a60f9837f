// Files of the source tree for tests: where it is and reading a file whole.
//
//   const std::string text =
//       seccoord::testing::ReadFile(seccoord::testing::SourceDir() + "/data/x.txt");
//
// Thread-safety: stateless functions.
#ifndef SECCOORD_TESTS_SUPPORT_TEST_FILES_H_
#define SECCOORD_TESTS_SUPPORT_TEST_FILES_H_

#include <string>

namespace seccoord::testing {

// $SECCOORD_SOURCE_DIR (set by ctest, see tests/CMakeLists.txt), else ".".
std::string SourceDir();

// The bytes of a file ("" when it cannot be read).
std::string ReadFile(const std::string& path);

}  // namespace seccoord::testing

#endif  // SECCOORD_TESTS_SUPPORT_TEST_FILES_H_
