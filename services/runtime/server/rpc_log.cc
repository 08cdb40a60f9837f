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
#include "google/protobuf/descriptor.h"
#include "services/runtime/server/rpc_guard.h"
#include "services/runtime/server/serve.h"

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
std::string_view LastValue(const std::multimap<std::string, std::string>* metadata,
                           const std::string& key) {
  if (metadata == nullptr) return "-";
  auto range = metadata->equal_range(key);
  if (range.first == range.second) return "-";
  auto last = range.second;
  --last;
  return last->second;
}

// True for a stream of the .proto: the method's descriptor decides, not
// only how gRPC runs the handler, so that a unary method served by another
// kind of handler is still judged as a unary call.
bool IsStream(grpc::experimental::ServerRpcInfo* info) {
  if (info->type() == grpc::experimental::ServerRpcInfo::Type::UNARY) return false;
  const google::protobuf::MethodDescriptor* method =
      info->method() == nullptr ? nullptr : MethodDescriptorOf(info->method());
  return method == nullptr || method->client_streaming() || method->server_streaming();
}

class RpcLogInterceptor : public grpc::experimental::Interceptor {
 public:
  RpcLogInterceptor(grpc::experimental::ServerRpcInfo* info,
                    std::shared_ptr<const LogSink> sink)
      // The ServerRpcInfo owns this interceptor and keeps pointing at the
      // method name for the whole call: no copy needed.
      : method_(info->method() == nullptr ? "" : info->method()),
        streaming_(IsStream(info)),
        context_(info->server_context()),
        sink_(std::move(sink)),
        start_(absl::Now()),
        start_steady_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      const std::string_view code = OutcomeName(methods->GetSendStatus());
      const std::multimap<std::string, std::string>* trailing =
          methods->GetSendTrailingMetadata();
      double latency_ms =
          std::chrono::duration<double, std::milli>(
              std::chrono::steady_clock::now() - start_steady_)
              .count();
      static const std::string* const principal_key = new std::string(kPrincipalMetadataKey);
      static const std::string* const request_id_key = new std::string(kRequestIdMetadataKey);
      (*sink_)(FormatRpcLogLine(
          start_, method_, LastValue(trailing, *principal_key),
          code, latency_ms, LastValue(trailing, *request_id_key)));
    }
    methods->Proceed();
  }

 private:
  // The outcome the client sees. A call the client cancelled, or whose
  // deadline passed, ends with whatever status the handler (or gRPC's own
  // health service) returns — OK or UNKNOWN — but the client got CANCELLED
  // or DEADLINE_EXCEEDED: log that. A handler's own error stays as it is.
  //
  // Streams ask the context whether the client ended them (a watch normally
  // ends that way). A unary call is judged by its deadline alone: on the
  // sync server IsCancelled() polls the completion queue, which costs more
  // than the rest of a cheap read, and a unary handler that finished has
  // done its work whatever the client did meanwhile.
  std::string_view OutcomeName(const grpc::Status& status) const {
    const grpc::StatusCode code = status.error_code();
    if ((code == grpc::StatusCode::OK || code == grpc::StatusCode::UNKNOWN) &&
        context_ != nullptr) {
      if (streaming_ ? context_->IsCancelled()
                     : context_->deadline() <= std::chrono::system_clock::now()) {
        return StatusCodeName(static_cast<absl::StatusCode>(EndedByClientCode(*context_)));
      }
    }
    return StatusCodeName(static_cast<absl::StatusCode>(code));
  }

  std::string_view method_;
  const bool streaming_;
  grpc::ServerContextBase* context_;
  std::shared_ptr<const LogSink> sink_;
  absl::Time start_;
  std::chrono::steady_clock::time_point start_steady_;
};

}  // namespace

grpc::StatusCode EndedByClientCode(const grpc::ServerContextBase& context) {
  return context.deadline() <= std::chrono::system_clock::now() + kDeadlineSkew
             ? grpc::StatusCode::DEADLINE_EXCEEDED
             : grpc::StatusCode::CANCELLED;
}

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

namespace {

// Appends JsonString(text) to *out. Runs of bytes that need no escaping are
// copied whole.
void AppendJsonString(std::string* out, std::string_view text) {
  out->push_back('"');
  size_t plain = 0;  // start of the pending run of bytes copied as they are
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') continue;
    if (c >= 0x80) {
      // Copy a whole valid UTF-8 sequence; escape stray bytes.
      size_t length = (c >= 0xC2 && c <= 0xDF)   ? 2
                      : (c >= 0xE0 && c <= 0xEF) ? 3
                      : (c >= 0xF0 && c <= 0xF4) ? 4
                                                 : 0;
      bool valid = length > 0 && i + length <= text.size();
      for (size_t k = 1; valid && k < length; ++k) {
        valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
      }
      if (valid) {
        i += length - 1;
        continue;
      }
    }
    out->append(text.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"': out->append("\\\""); continue;
      case '\\': out->append("\\\\"); continue;
      case '\n': out->append("\\n"); continue;
      case '\r': out->append("\\r"); continue;
      case '\t': out->append("\\t"); continue;
      default: break;
    }
    char escaped[8];
    std::snprintf(escaped, sizeof(escaped), "\\u%04x", c);
    out->append(escaped, 6);
  }
  out->append(text.data() + plain, text.size() - plain);
  out->push_back('"');
}

// Rfc3339Utc, with the "YYYY-MM-DDTHH:MM:SS" part of the last second this
// thread formatted remembered (a server logs many calls per second).
void AppendRfc3339Utc(std::string* out, absl::Time time) {
  if (time == absl::InfiniteFuture() || time == absl::InfinitePast()) {
    out->append(Rfc3339Utc(time));
    return;
  }
  const int64_t millis = absl::ToUnixMillis(time);  // floor, like %E3S
  int64_t seconds = millis / 1000;
  int64_t fraction = millis % 1000;
  if (fraction < 0) {
    fraction += 1000;
    --seconds;
  }
  thread_local int64_t cached_second = 0;
  thread_local std::string cached_text;
  if (cached_text.empty() || cached_second != seconds) {
    cached_text = absl::FormatTime("%Y-%m-%dT%H:%M:%S", absl::FromUnixSeconds(seconds),
                                   absl::UTCTimeZone());
    cached_second = seconds;
  }
  out->append(cached_text);
  char tail[8];
  std::snprintf(tail, sizeof(tail), ".%03dZ", static_cast<int>(fraction));
  out->append(tail, 5);
}

}  // namespace

std::string JsonString(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  AppendJsonString(&out, text);
  return out;
}

std::string Rfc3339Utc(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", time, absl::UTCTimeZone());
}

std::string FormatRpcLogLine(absl::Time start, std::string_view method,
                             std::string_view principal,
                             std::string_view code_name, double latency_ms,
                             std::string_view request_id) {
  std::string line;
  line.reserve(128 + method.size() + principal.size() + request_id.size());
  line.append("{\"time\":\"");
  AppendRfc3339Utc(&line, start);
  line.append("\",\"method\":");
  AppendJsonString(&line, method);
  line.append(",\"principal\":");
  AppendJsonString(&line, principal);
  line.append(",\"code\":");
  AppendJsonString(&line, code_name);
  line.append(",\"latency_ms\":");
  char latency[64];
  const int n = std::snprintf(latency, sizeof(latency), "%.3f", latency_ms);
  if (n > 0 && static_cast<size_t>(n) < sizeof(latency)) {
    line.append(latency, static_cast<size_t>(n));
  } else {
    line.append(absl::StrFormat("%.3f", latency_ms));
  }
  line.append(",\"request_id\":");
  AppendJsonString(&line, request_id);
  line.push_back('}');
  return line;
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
