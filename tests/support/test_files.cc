#include "tests/support/test_files.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace seccoord::testing {

std::string SourceDir() {
  const char* dir = std::getenv("SECCOORD_SOURCE_DIR");
  return dir != nullptr ? dir : ".";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace seccoord::testing
