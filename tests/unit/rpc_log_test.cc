// The JSON log lines.
#include "services/runtime/server/rpc_log.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/time/time.h"

namespace seccoord::runtime {
namespace {

TEST(RpcLogTest, FormatsOneLinePerRpc) {
  absl::Time start = absl::FromUnixMillis(1775001600123);  // 2026-04-01
  EXPECT_EQ(FormatRpcLogLine(start, "/seccoord.v1.PolicyService/GetRevision",
                             "seccoord://mito-city/member1", "OK", 1.23456,
                             "abc123"),
            "{\"time\":\"2026-04-01T00:00:00.123Z\","
            "\"method\":\"/seccoord.v1.PolicyService/GetRevision\","
            "\"principal\":\"seccoord://mito-city/member1\",\"code\":\"OK\","
            "\"latency_ms\":1.235,\"request_id\":\"abc123\"}");
}

TEST(RpcLogTest, JsonStringEscapes) {
  EXPECT_EQ(JsonString("plain"), "\"plain\"");
  EXPECT_EQ(JsonString("a\"b\\c\nd\te\x01"), "\"a\\\"b\\\\c\\nd\\te\\u0001\"");
  EXPECT_EQ(JsonString("基本方針"), "\"基本方針\"");
  EXPECT_EQ(JsonString("bad\xff"), "\"bad\\u00ff\"");
  EXPECT_EQ(JsonString("cut\xe5\x9f"), "\"cut\\u00e5\\u009f\"");
}

TEST(RpcLogTest, ServerEventsGoToTheSink) {
  std::vector<std::string> lines;
  SetServerEventSink([&lines](std::string_view line) {
    lines.emplace_back(line);
  });
  LogServerEvent("info", "policyd serving on 127.0.0.1:7401");
  SetServerEventSink(nullptr);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("\"level\":\"info\""), std::string::npos);
  EXPECT_NE(lines[0].find("\"message\":\"policyd serving on 127.0.0.1:7401\""),
            std::string::npos);
  EXPECT_EQ(lines[0].rfind("{\"time\":\"", 0), 0u);
}

}  // namespace
}  // namespace seccoord::runtime
