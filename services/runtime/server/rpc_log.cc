#include "services/runtime/server/rpc_log.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <mutex>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/status.h"
#include "services/runtime/server/rpc_guard.h"

namespace seccoord::runtime {
namespace {

std::mutex& EventSinkMutex() {
  static auto* const mu = new std::mutex;
  return *mu;
}

LogSink& EventSink() {
  static auto* const sink = new LogSink(WriteLineToStderr);
  return *sink;
}

// The last value of `key` in trailing metadata, or "-".
std::string LastValue(const std::multimap<std::string, std::string>* metadata,
                      const std::string& key) {
  if (metadata == nullptr) return "-";
  auto range = metadata->equal_range(key);
  if (range.first == range.second) return "-";
  auto last = range.second;
  --last;
  return last->second;
}

class RpcLogInterceptor : public grpc::experimental::Interceptor {
 public:
  RpcLogInterceptor(grpc::experimental::ServerRpcInfo* info,
                    std::shared_ptr<const LogSink> sink)
      : method_(info->method() == nullptr ? "" : info->method()),
        sink_(std::move(sink)),
        start_(absl::Now()),
        start_steady_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      std::multimap<std::string, std::string>* trailing =
          methods->GetSendTrailingMetadata();
      double latency_ms =
          std::chrono::duration<double, std::milli>(
              std::chrono::steady_clock::now() - start_steady_)
              .count();
      (*sink_)(FormatRpcLogLine(
          start_, method_, LastValue(trailing, kPrincipalMetadataKey),
          StatusCodeName(static_cast<absl::StatusCode>(status.error_code())),
          latency_ms, LastValue(trailing, kRequestIdMetadataKey)));
    }
    methods->Proceed();
  }

 private:
  std::string method_;
  std::shared_ptr<const LogSink> sink_;
  absl::Time start_;
  std::chrono::steady_clock::time_point start_steady_;
};

}  // namespace

void WriteLineToStderr(std::string_view line) {
  std::string buffer(line);
  buffer.push_back('\n');
  // One write(2): lines of concurrent calls never interleave (stderr is
  // unbuffered; a short write only happens on a broken stderr).
  size_t written = 0;
  while (written < buffer.size()) {
    ssize_t n = ::write(STDERR_FILENO, buffer.data() + written,
                        buffer.size() - written);
    if (n <= 0) return;
    written += static_cast<size_t>(n);
  }
}

void SetServerEventSink(LogSink sink) {
  std::lock_guard<std::mutex> lock(EventSinkMutex());
  EventSink() = sink ? std::move(sink) : LogSink(WriteLineToStderr);
}

void LogServerEvent(std::string_view level, std::string_view message) {
  std::string line = absl::StrCat("{\"time\":", JsonString(Rfc3339Utc(absl::Now())),
                                  ",\"level\":", JsonString(level),
                                  ",\"message\":", JsonString(message), "}");
  std::lock_guard<std::mutex> lock(EventSinkMutex());
  EventSink()(line);
}

std::string JsonString(std::string_view text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      default: break;
    }
    if (c < 0x20 || c == 0x7F) {
      absl::StrAppendFormat(&out, "\\u%04x", c);
      continue;
    }
    if (c < 0x80) {
      out += static_cast<char>(c);
      continue;
    }
    // Copy a whole valid UTF-8 sequence; escape stray bytes.
    size_t length = (c >= 0xC2 && c <= 0xDF)   ? 2
                    : (c >= 0xE0 && c <= 0xEF) ? 3
                    : (c >= 0xF0 && c <= 0xF4) ? 4
                                               : 0;
    bool valid = length > 0 && i + length <= text.size();
    for (size_t k = 1; valid && k < length; ++k) {
      valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    }
    if (!valid) {
      absl::StrAppendFormat(&out, "\\u%04x", c);
      continue;
    }
    out.append(text.substr(i, length));
    i += length - 1;
  }
  out += "\"";
  return out;
}

std::string Rfc3339Utc(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", time, absl::UTCTimeZone());
}

std::string FormatRpcLogLine(absl::Time start, std::string_view method,
                             std::string_view principal,
                             std::string_view code_name, double latency_ms,
                             std::string_view request_id) {
  return absl::StrCat(
      "{\"time\":", JsonString(Rfc3339Utc(start)),
      ",\"method\":", JsonString(method),
      ",\"principal\":", JsonString(principal),
      ",\"code\":", JsonString(code_name),
      ",\"latency_ms\":", absl::StrFormat("%.3f", latency_ms),
      ",\"request_id\":", JsonString(request_id), "}");
}

RpcLogInterceptorFactory::RpcLogInterceptorFactory(LogSink sink)
    : sink_(std::make_shared<const LogSink>(
          sink ? std::move(sink) : LogSink(WriteLineToStderr))) {}

grpc::experimental::Interceptor*
RpcLogInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new RpcLogInterceptor(info, sink_);
}

}  // namespace seccoord::runtime
