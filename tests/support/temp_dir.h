// TempDir: a fresh directory under the system's temporary directory for one
// test, removed with everything in it when the TempDir goes out of scope.
//
//   seccoord::testing::TempDir dir("seccoord-rt");
//   const std::string config = dir.Write("server.yaml", "listen: ...");
//
// Thread-safety: a TempDir is not synchronised; use one per test.
#ifndef SECCOORD_TESTS_SUPPORT_TEMP_DIR_H_
#define SECCOORD_TESTS_SUPPORT_TEMP_DIR_H_

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace seccoord::testing {

class TempDir {
 public:
  // `prefix` names the directory (<tmp>/<prefix>-XXXXXX), so a leftover of
  // a crashed test tells whose it is.
  explicit TempDir(const std::string& prefix = "seccoord-test") {
    std::string pattern =
        (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    if (path_.empty()) return;
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // The directory; "" when it could not be made.
  const std::string& path() const { return path_; }

  // Writes `text` to the file `name` in the directory; returns its path.
  std::string Write(const std::string& name, const std::string& text) const {
    std::string file = path_ + "/" + name;
    std::ofstream(file) << text;
    return file;
  }

 private:
  std::string path_;
};

}  // namespace seccoord::testing

#endif  // SECCOORD_TESTS_SUPPORT_TEMP_DIR_H_
