// One JSON log line per RPC, and the server's other log lines.
//
// RpcLogInterceptorFactory installs a server interceptor that writes, when a
// call sends its status, one line such as
//
//   {"time":"2026-04-01T00:00:00.123Z","method":"/seccoord.v1.PolicyService/GetRevision",
//    "principal":"seccoord://mito-city/member1","code":"OK","latency_ms":1.234,
//    "request_id":"3f2a…"}
//
// time is the call's start (RFC 3339, UTC, milliseconds); latency runs from
// the start to the status. Principal and request id come from the trailing
// metadata RpcGuard::Authorize attaches ("-" for calls no guard saw, such as
// health checks and reflection).
//
// LogServerEvent writes {"time":…,"level":…,"message":…} lines for events
// that are not RPCs (start, shutdown, audit write failures), so stderr is JSON
// lines throughout.
//
// Thread-safety: all of it is safe from any thread; a line is written with a
// single write so lines from concurrent calls do not interleave.
#ifndef SECCOORD_SERVICES_RUNTIME_SERVER_RPC_LOG_H_
#define SECCOORD_SERVICES_RUNTIME_SERVER_RPC_LOG_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_interceptor.h>
#include <grpcpp/support/status.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/time/time.h"

namespace seccoord::runtime {

// How a call the client ended (cancelled it, or let its deadline pass)
// ended from the client's side: DEADLINE_EXCEEDED when the call's deadline
// has passed or is less than kDeadlineSkew away, else CANCELLED. The
// server's deadline is the client's timeout counted from when the call
// arrived, so it falls a little after the client's: a client whose
// deadline passed cancels the call before the server's has. Shared by the
// watch loop (serve.h), which returns it, and the request log, which
// records it.
inline constexpr auto kDeadlineSkew = std::chrono::milliseconds(100);
grpc::StatusCode EndedByClientCode(const grpc::ServerContextBase& context);

// Where log lines go; each call gets one complete line without its newline.
using LogSink = std::function<void(std::string_view line)>;

// Writes line + "\n" to stderr in one write.
void WriteLineToStderr(std::string_view line);

// Replaces the sink of LogServerEvent (tests); nullptr restores stderr.
void SetServerEventSink(LogSink sink);

// {"time":…,"level":level,"message":message}.
void LogServerEvent(std::string_view level, std::string_view message);

// A JSON string literal (with quotes) for `text`; invalid UTF-8 bytes are
// escaped as \u00XX so the line stays valid JSON.
std::string JsonString(std::string_view text);

// "2026-04-01T00:00:00.123Z".
std::string Rfc3339Utc(absl::Time time);

// Formats the per-RPC line (exposed for tests).
std::string FormatRpcLogLine(absl::Time start, std::string_view method,
                             std::string_view principal,
                             std::string_view code_name, double latency_ms,
                             std::string_view request_id);

class RpcLogInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit RpcLogInterceptorFactory(LogSink sink = WriteLineToStderr);

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  std::shared_ptr<const LogSink> sink_;
};

}  // namespace seccoord::runtime

#endif  // SECCOORD_SERVICES_RUNTIME_SERVER_RPC_LOG_H_
