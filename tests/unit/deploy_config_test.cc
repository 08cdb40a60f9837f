// The example server configurations in deploy/config/ are accepted by the
// bootstrap's config loader: every key names a real flag with a valid value.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "services/runtime/server/server_main.h"

namespace seccoord::runtime {
namespace {

TEST(DeployConfigTest, ExampleConfigsNameRealFlags) {
  const char* root = std::getenv("SECCOORD_SOURCE_DIR");
  ASSERT_NE(root, nullptr);
  int checked = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(root) + "/deploy/config")) {
    if (entry.path().extension() != ".yaml") continue;
    absl::Status status = ApplyConfigFile(entry.path().string());
    EXPECT_TRUE(status.ok()) << entry.path() << ": " << status;
    ++checked;
  }
  EXPECT_GE(checked, 3);
}

}  // namespace
}  // namespace seccoord::runtime
