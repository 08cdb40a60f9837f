// seccoord-bench: a closed-loop gRPC load generator for the policy service,
// whose figures are ratios to a bare echo service measured in the same run
// (DESIGN.md "Performance targets"). It asserts nothing about time: the
// targets are printed next to the figures as "meets target" or "below
// target", never turned into a failure.
//
// In one process it starts, on 127.0.0.1 only:
//   - a bare echo service (tests/bench/bench.proto) with the TLS settings of
//     the real servers: the dev CA's policyd certificate, a client
//     certificate requested and verified against the dev CA, the same max
//     message size — and nothing else (no guard, interceptors, log or
//     database). Its request and reply are sized like the measured case's, so
//     it is the ceiling of gRPC + mTLS + protobuf for that case on this
//     machine;
//   - the real policy service (RunningServer::Start(PolicyServerSpec(), …))
//     on SQLite in a temp dir, and on PostgreSQL too when --pg URL is given
//     (a fresh database there, dropped at the end), with the basic policy
//     (data/basic-policy-r8.txt) drafted by staff1, submitted, approved and
//     published by admin1 through the real RPCs. Its per-RPC JSON log goes to
//     a file in the temp dir, written like the real server writes stderr.
//
// Cases, each driven by --threads client threads, each thread with its own
// channel (its own TLS connection) and certificate, calling back to back
// (closed loop: a thread sends its next call when the previous one returned):
//   echo.<case>          the baseline, sized like <case>;
//   <driver>.get_revision    GetRevision(basic-policy, in force today) as
//                            mito-member1 — the read the DESIGN targets;
//   <driver>.list_documents  ListDocuments as mito-member1;
//   <driver>.acknowledge     AcknowledgeRevision(basic-policy, revision 1) as
//                            mito-member1 with a fresh request_id per call —
//                            the durable-write case: every call commits a
//                            transaction (request-log row for idempotency and
//                            an audit-chain entry; the acknowledgement row
//                            itself is inserted once, ON CONFLICT DO NOTHING)
//                            before it is answered. (CreateRevision is not
//                            used: concurrent drafts of one document need a
//                            fresh base each and would mostly measure ABORTED.)
// Each case reports calls/s, p50 and p99 latency and its ratio to the echo
// sized like it; the reads are compared with the target ≥ 0.8 × echo.
//
// Then the resident memory of this process (VmRSS/VmHWM: client, echo and
// in-process servers together, for information), and the real binary:
// build/bin/seccoord-policyd started as a child process with the dev
// certificates and a fresh SQLite database; time from spawn until a
// grpc.health.v1 Check of seccoord.v1.PolicyService answers SERVING (target
// ≤ 300 ms); seeded like above and loaded with the three policy cases for
// --child_seconds each, its VmHWM (target ≤ 64 MiB); then SIGTERM, expecting
// exit code 0.
//
// Every loop is bounded in time and in count; the binary stops by itself.
// Exit code 0 when the run completed (whatever the figures), 1 when something
// could not be set up (a server, the seed, the child), 2 for a bad flag.
//
//   seccoord-bench [--threads 4] [--seconds 5] [--warmup 1] [--pg URL]
//                  [--json FILE] [--policyd PATH] [--child_seconds 2]
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/policy_text.h"
#include "common/proto_convert.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "seccoord/v1/policy.grpc.pb.h"
#include "services/policy/policy_server.h"
#include "services/runtime/server/rpc_log.h"
#include "services/runtime/server/server_main.h"
#include "bench/bench.grpc.pb.h"
#include "tests/support/test_database.h"

#ifndef SECCOORD_BENCH_SOURCE_DIR
#define SECCOORD_BENCH_SOURCE_DIR "."
#endif
#ifndef SECCOORD_BENCH_CERT_DIR
#define SECCOORD_BENCH_CERT_DIR "./certs"
#endif

ABSL_FLAG(int32_t, threads, 4, "client threads (closed loop, one connection each)");
ABSL_FLAG(double, seconds, 5.0, "measured seconds per case");
ABSL_FLAG(double, warmup, 1.0, "warm-up seconds per case (not measured)");
ABSL_FLAG(std::string, pg, "",
          "PostgreSQL server URL (postgresql://USER@HOST:PORT/DB): also measure "
          "the policy service on a fresh database there");
ABSL_FLAG(std::string, json, "", "also write the figures to this file as JSON");
ABSL_FLAG(std::string, policyd, "",
          "seccoord-policyd binary for time to SERVING and memory under load "
          "(default: next to seccoord-bench); \"none\" skips that part");
ABSL_FLAG(double, child_seconds, 2.0,
          "seconds of each policy case against the seccoord-policyd child");
ABSL_FLAG(std::string, certs, "",
          "development certificates (default $SECCOORD_CERT_DIR, else the "
          "build's certs/)");
ABSL_FLAG(std::string, source_dir, "",
          "source tree for deploy/access-policy.yaml and data/ (default "
          "$SECCOORD_SOURCE_DIR, else the tree this was built from)");
ABSL_FLAG(bool, keep_temp, false, "keep the temp dir (databases, logs)");

namespace seccoord::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Targets of DESIGN.md "Performance targets" this binary measures.
constexpr double kReadRatioTarget = 0.8;
constexpr int64_t kMemoryTargetKib = 64 * 1024;
constexpr double kServingTargetMs = 300;

// Bounds of every loop.
constexpr int64_t kMaxCallsPerThread = 20'000'000;
constexpr auto kCallDeadline = std::chrono::seconds(10);
constexpr auto kConnectDeadline = std::chrono::seconds(10);
constexpr double kServingGiveUpSeconds = 15;
constexpr double kExitGiveUpSeconds = 20;

// ---------------------------------------------------------------------------
// Settings and helpers.

struct Settings {
  int threads = 4;
  double seconds = 5;
  double warmup = 1;
  double child_seconds = 2;
  std::string pg_url;
  std::string json_path;
  std::string policyd;
  std::string cert_dir;
  std::string source_dir;
  std::string temp_dir;
  bool keep_temp = false;
  int max_message_bytes = runtime::kDefaultMaxMessageBytes;
};

const Settings* g_settings = nullptr;

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value == nullptr || *value == '\0' ? fallback : std::string(value);
}

std::string SelfDir() {
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(".") : self.parent_path().string();
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string CertPath(const std::string& name, const char* ext) {
  return absl::StrCat(g_settings->cert_dir, "/", name, ext);
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// VmRSS and VmHWM of a process, KiB (-1 when unreadable).
struct Memory {
  int64_t rss_kib = -1;
  int64_t hwm_kib = -1;
};

Memory ReadMemory(const std::string& pid) {
  Memory memory;
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  for (int lines = 0; lines < 200 && std::getline(in, line); ++lines) {
    auto value = [&](const char* key) -> std::optional<int64_t> {
      if (line.rfind(key, 0) != 0) return std::nullopt;
      return std::strtoll(line.c_str() + std::strlen(key), nullptr, 10);
    };
    if (auto v = value("VmRSS:")) memory.rss_kib = *v;
    if (auto v = value("VmHWM:")) memory.hwm_kib = *v;
  }
  return memory;
}

std::string Mib(int64_t kib) {
  return kib < 0 ? std::string("?") : absl::StrFormat("%.1f MiB", kib / 1024.0);
}

std::string Meets(bool meets) { return meets ? "meets target" : "below target"; }

// ---------------------------------------------------------------------------
// Latency histogram: log-linear buckets over nanoseconds, 64 sub-buckets per
// power of two (≤ 1.6 % error), fixed size whatever the number of calls.
class Histogram {
 public:
  void Add(int64_t ns) {
    ++buckets_[Index(std::max<int64_t>(ns, 0))];
    ++count_;
  }
  void Merge(const Histogram& other) {
    for (size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
    count_ += other.count_;
  }
  int64_t count() const { return count_; }
  // The q-quantile (0 < q ≤ 1) in milliseconds; 0 when empty.
  double QuantileMs(double q) const {
    if (count_ == 0) return 0;
    const int64_t rank = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(q * count_)));
    int64_t seen = 0;
    for (size_t i = 0; i < buckets_.size(); ++i) {
      seen += buckets_[i];
      if (seen >= rank) return Middle(i) / 1e6;
    }
    return Middle(buckets_.size() - 1) / 1e6;
  }

 private:
  static constexpr int kSub = 64;       // sub-buckets per power of two
  static constexpr int kExact = 128;    // values below are their own bucket
  static constexpr int kMaxShift = 40;  // ~18 minutes: beyond any deadline
  static size_t Index(int64_t v) {
    if (v < kExact) return static_cast<size_t>(v);
    int k = 63 - __builtin_clzll(static_cast<uint64_t>(v));  // ≥ 7
    if (k > kMaxShift) return kExact + (kMaxShift - 7) * kSub + (kSub - 1);
    const int sub = static_cast<int>((v >> (k - 6)) & (kSub - 1));
    return kExact + static_cast<size_t>(k - 7) * kSub + sub;
  }
  static double Middle(size_t i) {
    if (i < kExact) return static_cast<double>(i);
    const size_t j = i - kExact;
    const int k = static_cast<int>(j / kSub) + 7;
    const int sub = static_cast<int>(j % kSub);
    const double width = std::ldexp(1.0, k - 6);
    return (kSub + sub) * width + width / 2;
  }
  std::array<int64_t, kExact + (kMaxShift - 6) * kSub> buckets_{};
  int64_t count_ = 0;
};

// ---------------------------------------------------------------------------
// Channels and the closed loop.

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> Credentials(
    const std::string& cert_name) {
  grpc::SslCredentialsOptions tls;
  absl::StatusOr<std::string> ca = ReadFile(CertPath("ca", ".crt"));
  if (!ca.ok()) return ca.status();
  tls.pem_root_certs = *ca;
  absl::StatusOr<std::string> cert = ReadFile(CertPath(cert_name, ".crt"));
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadFile(CertPath(cert_name, ".key"));
  if (!key.ok()) return key.status();
  tls.pem_cert_chain = *cert;
  tls.pem_private_key = *key;
  return grpc::SslCredentials(tls);
}

// A channel with its own connection (own subchannel pool) to `address` as
// `cert_name`, with the servers' max message size.
absl::StatusOr<std::shared_ptr<grpc::Channel>> Channel(const std::string& address,
                                                       const std::string& cert_name) {
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials = Credentials(cert_name);
  if (!credentials.ok()) return credentials.status();
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("localhost");
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetMaxReceiveMessageSize(g_settings->max_message_bytes);
  args.SetMaxSendMessageSize(g_settings->max_message_bytes);
  return grpc::CreateCustomChannel(address, *credentials, args);
}

std::string StatusText(const grpc::Status& status) {
  return absl::StrCat("code ", static_cast<int>(status.error_code()), ": ",
                      status.error_message());
}

// One client thread's call: sends one request, returns its status.
using Call = std::function<grpc::Status()>;
// Makes the call of thread `thread` (its own channel, stub and request
// state); connected before it returns.
using MakeCall = std::function<absl::StatusOr<Call>(int thread)>;

struct Load {
  int64_t calls = 0;
  int64_t errors = 0;
  std::string first_error;
  double seconds = 0;
  Histogram latency;
  double CallsPerSecond() const { return seconds > 0 ? calls / seconds : 0; }
};

// Runs `threads` closed loops: `warmup` seconds unrecorded, then `seconds`
// recorded (a thread finishes the call in progress at the end).
absl::StatusOr<Load> RunLoad(const MakeCall& make, int threads, double warmup, double seconds) {
  struct PerThread {
    Histogram latency;
    int64_t calls = 0;
    int64_t errors = 0;
    std::string first_error;
    std::string setup_error;
    Clock::time_point finished;
  };
  std::vector<PerThread> per(threads);
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::atomic<bool> abandon{false};
  Clock::time_point warm_end, end;  // written before `go`, read after it

  auto body = [&](int t) {
    PerThread& me = per[t];
    absl::StatusOr<Call> call = make(t);
    if (!call.ok()) me.setup_error = call.status().ToString();
    ready.fetch_add(1);
    while (!go.load(std::memory_order_acquire)) {
      if (abandon.load()) return;
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    if (!call.ok()) return;
    for (int64_t n = 0; n < kMaxCallsPerThread && Clock::now() < warm_end; ++n) (void)(*call)();
    for (int64_t n = 0; n < kMaxCallsPerThread; ++n) {
      const Clock::time_point start = Clock::now();
      if (start >= end) break;
      grpc::Status status = (*call)();
      me.latency.Add(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start)
                         .count());
      ++me.calls;
      if (!status.ok() && me.errors++ == 0) me.first_error = StatusText(status);
    }
    me.finished = Clock::now();
  };

  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (int t = 0; t < threads; ++t) pool.emplace_back(body, t);
  const Clock::time_point setup_deadline = Clock::now() + std::chrono::seconds(60);
  while (ready.load() < threads && Clock::now() < setup_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  bool all_ready = ready.load() == threads;
  std::string setup_error;
  for (const PerThread& p : per) {
    if (!p.setup_error.empty()) setup_error = p.setup_error;
  }
  const Clock::time_point begin = Clock::now();
  warm_end = begin + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(warmup));
  end = warm_end + std::chrono::duration_cast<Clock::duration>(
                       std::chrono::duration<double>(seconds));
  if (!all_ready || !setup_error.empty()) {
    abandon.store(true);
    // A thread still connecting gives up at its own deadline.
  } else {
    go.store(true, std::memory_order_release);
  }
  for (std::thread& thread : pool) thread.join();
  if (!all_ready) return absl::DeadlineExceededError("client threads did not get ready in 60 s");
  if (!setup_error.empty()) return absl::UnavailableError(setup_error);

  Load load;
  Clock::time_point last = warm_end;
  for (const PerThread& p : per) {
    load.calls += p.calls;
    load.errors += p.errors;
    if (load.first_error.empty()) load.first_error = p.first_error;
    load.latency.Merge(p.latency);
    last = std::max(last, p.finished);
  }
  load.seconds = std::chrono::duration<double>(last - warm_end).count();
  return load;
}

// MakeCall for a unary method of a stub type: each thread gets its own
// channel as `cert_name`, a stub and its own copy of `request`; `prepare`
// (may be empty) changes the request before each call (fresh request ids).
template <typename T>
struct NotDeduced {
  using type = T;
};

template <typename Stub, typename Request, typename Response>
MakeCall UnaryCall(
    std::string address, std::string cert_name, Request request,
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    typename NotDeduced<std::function<void(int thread, int64_t n, Request*)>>::type prepare =
        nullptr) {
  return [=](int thread) -> absl::StatusOr<Call> {
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = Channel(address, cert_name);
    if (!channel.ok()) return channel.status();
    if (!(*channel)->WaitForConnected(std::chrono::system_clock::now() + kConnectDeadline)) {
      return absl::UnavailableError(absl::StrCat("cannot connect to ", address));
    }
    struct State {
      std::unique_ptr<Stub> stub;
      Request request;
      Response response;
      int64_t n = 0;
    };
    auto state = std::make_shared<State>();
    state->stub = std::make_unique<Stub>(*channel);
    state->request = request;
    return Call([state, method, prepare, thread]() {
      if (prepare) prepare(thread, state->n++, &state->request);
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
      return ((*state->stub).*method)(&context, state->request, &state->response);
    });
  };
}

// ---------------------------------------------------------------------------
// The echo service.

class EchoService final : public Echo::Service {
 public:
  explicit EchoService(int max_bytes) : max_bytes_(max_bytes) {}
  grpc::Status Echo(grpc::ServerContext*, const EchoRequest* request,
                    EchoResponse* response) override {
    if (request->response_bytes() > static_cast<uint32_t>(max_bytes_)) {
      return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "response_bytes too large");
    }
    response->mutable_payload()->assign(request->response_bytes(), 'x');
    return grpc::Status::OK;
  }

 private:
  int max_bytes_;
};

struct EchoServer {
  EchoService service{runtime::kDefaultMaxMessageBytes};
  std::unique_ptr<grpc::Server> server;
  int port = 0;
  std::string address() const { return absl::StrCat("127.0.0.1:", port); }
};

// The same TLS settings as RunningServer::Start: the policyd certificate, a
// client certificate requested and verified against the dev CA.
absl::StatusOr<std::unique_ptr<EchoServer>> StartEcho() {
  absl::StatusOr<std::string> ca = ReadFile(CertPath("ca", ".crt"));
  if (!ca.ok()) return ca.status();
  absl::StatusOr<std::string> cert = ReadFile(CertPath("policyd", ".crt"));
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadFile(CertPath("policyd", ".key"));
  if (!key.ok()) return key.status();
  grpc::SslServerCredentialsOptions tls(GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);
  tls.pem_root_certs = *ca;
  tls.pem_key_cert_pairs.push_back({*key, *cert});
  auto echo = std::make_unique<EchoServer>();
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::SslServerCredentials(tls), &echo->port);
  builder.SetMaxReceiveMessageSize(g_settings->max_message_bytes);
  builder.SetMaxSendMessageSize(g_settings->max_message_bytes);
  builder.RegisterService(&echo->service);
  echo->server = builder.BuildAndStart();
  if (echo->server == nullptr || echo->port == 0) {
    return absl::UnavailableError("cannot start the echo server on 127.0.0.1");
  }
  return echo;
}

size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// The payload length L for which a length-delimited field (tag + length + L)
// takes `total` bytes (0 when even an empty field would not fit).
size_t PayloadFor(size_t total) {
  for (size_t length_size = 1; length_size <= 5; ++length_size) {
    if (total < 1 + length_size) return 0;
    const size_t payload = total - 1 - length_size;
    if (VarintSize(payload) == length_size) return payload;
  }
  return 0;
}

// An echo request whose serialised size is close to (within two bytes of)
// `request_bytes` and which asks for a reply of `response_bytes`.
EchoRequest SizedEchoRequest(size_t request_bytes, size_t response_bytes) {
  EchoRequest request;
  const uint32_t reply_payload = static_cast<uint32_t>(PayloadFor(response_bytes));
  request.set_response_bytes(reply_payload);
  const size_t fixed = request.ByteSizeLong();
  if (request_bytes > fixed) request.set_payload(std::string(PayloadFor(request_bytes - fixed), 'r'));
  return request;
}

// Serialised size of the echo's reply to `request`.
size_t EchoReplyBytes(const EchoRequest& request) {
  EchoResponse response;
  response.set_payload(std::string(request.response_bytes(), 'x'));
  return response.ByteSizeLong();
}

// ---------------------------------------------------------------------------
// Policy service: seed and cases.

int64_t NowMicros() { return absl::ToUnixMicros(absl::Now()); }

std::string RunNonce() {
  static const std::string nonce = absl::StrFormat("%d-%x", static_cast<int>(::getpid()),
                                                   static_cast<uint32_t>(NowMicros() & 0xffffff));
  return nonce;
}

std::string SeedId(const char* what) {
  static std::atomic<int> n{0};
  return absl::StrCat("bench-seed-", RunNonce(), "-", what, "-", n.fetch_add(1));
}

// The effective date to publish with: 2026-04-01 (the basic policy's 施行日)
// when that is at least a day past, else yesterday, so the revision is in
// force today in any time zone.
v1::Date SeedEffectiveDate() {
  const absl::CivilDay yesterday = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) - 1;
  const absl::CivilDay target(2026, 4, 1);
  const absl::CivilDay day = std::min(target, yesterday);
  v1::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

// Publishes the basic policy through the real RPCs: drafted and submitted by
// staff1, approved and published by admin1. Returns its revision number.
absl::StatusOr<int64_t> SeedBasicPolicy(const std::string& address) {
  absl::StatusOr<std::string> text =
      ReadFile(absl::StrCat(g_settings->source_dir, "/data/basic-policy-r8.txt"));
  if (!text.ok()) return text.status();
  absl::StatusOr<PolicyText> policy = ParsePolicyText(*text);
  if (!policy.ok()) return policy.status();
  absl::StatusOr<std::shared_ptr<grpc::Channel>> staff = Channel(address, "staff1");
  if (!staff.ok()) return staff.status();
  absl::StatusOr<std::shared_ptr<grpc::Channel>> admin = Channel(address, "admin1");
  if (!admin.ok()) return admin.status();
  auto staff_stub = v1::PolicyService::NewStub(*staff);
  auto admin_stub = v1::PolicyService::NewStub(*admin);
  auto context = [](grpc::ClientContext* c) {
    c->set_deadline(std::chrono::system_clock::now() + kCallDeadline);
  };
  auto failed = [](const char* step, const grpc::Status& status) {
    return absl::InternalError(absl::StrCat("seeding the basic policy: ", step, " failed: ",
                                            StatusText(status)));
  };

  v1::CreateRevisionRequest create;
  create.set_request_id(SeedId("create"));
  create.set_document_id("basic-policy");
  create.set_base_revision(0);
  create.set_title(policy->title);
  SetArticles(*policy, create.mutable_articles());
  create.set_change_summary("令和8年4月1日施行の基本方針（初版）");
  v1::Revision draft;
  {
    grpc::ClientContext c;
    context(&c);
    grpc::Status s = staff_stub->CreateRevision(&c, create, &draft);
    if (!s.ok()) return failed("CreateRevision as staff1", s);
  }
  v1::TransitionRevisionRequest transition;
  transition.set_document_id("basic-policy");
  transition.set_number(draft.number());
  v1::Revision out;
  {
    transition.set_request_id(SeedId("submit"));
    grpc::ClientContext c;
    context(&c);
    grpc::Status s = staff_stub->SubmitRevision(&c, transition, &out);
    if (!s.ok()) return failed("SubmitRevision as staff1", s);
  }
  {
    transition.set_request_id(SeedId("approve"));
    grpc::ClientContext c;
    context(&c);
    grpc::Status s = admin_stub->ApproveRevision(&c, transition, &out);
    if (!s.ok()) return failed("ApproveRevision as admin1", s);
  }
  {
    v1::PublishRevisionRequest publish;
    publish.set_request_id(SeedId("publish"));
    publish.set_document_id("basic-policy");
    publish.set_number(draft.number());
    *publish.mutable_effective_date() = SeedEffectiveDate();
    grpc::ClientContext c;
    context(&c);
    grpc::Status s = admin_stub->PublishRevision(&c, publish, &out);
    if (!s.ok()) return failed("PublishRevision as admin1", s);
  }
  return draft.number();
}

// One measured kind of call against a policy server.
struct PolicyCase {
  std::string key;    // get_revision, list_documents, acknowledge
  std::string label;  // shown in the table
  bool is_read = false;
  MakeCall make;
  // Serialised sizes of one request and its response (from a probe call).
  size_t request_bytes = 0;
  size_t response_bytes = 0;
};

constexpr char kReader[] = "mito-member1";

// Calls `method` once as kReader and records the sizes; an error is a setup
// failure (the bench would measure the wrong thing).
template <typename Request, typename Response>
absl::Status Probe(const std::string& address, const Request& request,
                   grpc::Status (v1::PolicyService::Stub::*method)(grpc::ClientContext*,
                                                                   const Request&, Response*),
                   PolicyCase* out) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = Channel(address, kReader);
  if (!channel.ok()) return channel.status();
  auto stub = v1::PolicyService::NewStub(*channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
  Response response;
  grpc::Status status = ((*stub).*method)(&context, request, &response);
  if (!status.ok()) {
    return absl::InternalError(
        absl::StrCat("probe of ", out->label, " at ", address, ": ", StatusText(status)));
  }
  out->request_bytes = request.ByteSizeLong();
  out->response_bytes = response.ByteSizeLong();
  return absl::OkStatus();
}

// The three policy cases against `address`, probed (sizes known).
// `tag` (two characters, so every server's request ids are the same size)
// keeps the request ids of different servers apart.
absl::StatusOr<std::vector<PolicyCase>> PolicyCases(const std::string& address,
                                                    int64_t revision, const std::string& tag) {
  using Stub = v1::PolicyService::Stub;
  std::vector<PolicyCase> cases;

  PolicyCase get;
  get.key = "get_revision";
  get.label = "policy.GetRevision (in force today)";
  get.is_read = true;
  v1::GetRevisionRequest get_request;
  get_request.set_document_id("basic-policy");
  get.make = UnaryCall<Stub>(address, kReader, get_request, &Stub::GetRevision);
  absl::Status probed = Probe(address, get_request, &Stub::GetRevision, &get);
  if (!probed.ok()) return probed;
  cases.push_back(std::move(get));

  PolicyCase list;
  list.key = "list_documents";
  list.label = "policy.ListDocuments";
  list.is_read = true;
  v1::ListDocumentsRequest list_request;
  list.make = UnaryCall<Stub>(address, kReader, list_request, &Stub::ListDocuments);
  probed = Probe(address, list_request, &Stub::ListDocuments, &list);
  if (!probed.ok()) return probed;
  cases.push_back(std::move(list));

  PolicyCase ack;
  ack.key = "acknowledge";
  ack.label = "policy.AcknowledgeRevision (durable)";
  v1::AcknowledgeRevisionRequest ack_request;
  ack_request.set_document_id("basic-policy");
  ack_request.set_number(revision);
  // Fresh ids per call; same length as the probe's so the sizes match.
  const std::string prefix = absl::StrCat("bench-", RunNonce(), "-", tag);
  ack_request.set_request_id(absl::StrFormat("%s-p-%02d-%010d", prefix, 0, 0));
  ack.make = UnaryCall<Stub>(
      address, kReader, ack_request, &Stub::AcknowledgeRevision,
      [prefix](int thread, int64_t n, v1::AcknowledgeRevisionRequest* request) {
        request->set_request_id(absl::StrFormat("%s-t-%02d-%010d", prefix, thread, n));
      });
  probed = Probe(address, ack_request, &Stub::AcknowledgeRevision, &ack);
  if (!probed.ok()) return probed;
  cases.push_back(std::move(ack));
  return cases;
}

// ---------------------------------------------------------------------------
// Results.

struct CaseResult {
  std::string id;        // echo.get_revision, sqlite.get_revision, …
  std::string label;
  std::string kind;      // echo, read, write
  std::string baseline;  // id of the echo case it is compared with
  size_t request_bytes = 0;
  size_t response_bytes = 0;
  Load load;
  double ratio = 0;  // calls/s ÷ the baseline's calls/s
  std::string target;
  std::optional<bool> meets;
};

struct ChildResult {
  bool ran = false;
  std::string binary;
  std::string error;  // set when this part could not be done
  double serving_ms = -1;
  int health_polls = 0;
  std::vector<CaseResult> cases;
  Memory memory;
  int exit_code = -1;      // -1: did not exit by itself
  std::string exit_text;   // "exit 0", "signal 9", …
  double shutdown_ms = -1;
};

std::string JsonNumber(double v) {
  if (!std::isfinite(v)) return "null";
  return absl::StrFormat("%.6g", v);
}

std::string CaseJson(const CaseResult& c) {
  std::string out = "{";
  absl::StrAppend(&out, "\"id\":", runtime::JsonString(c.id),
                  ",\"label\":", runtime::JsonString(c.label),
                  ",\"kind\":", runtime::JsonString(c.kind),
                  ",\"baseline\":", runtime::JsonString(c.baseline),
                  ",\"request_bytes\":", c.request_bytes,
                  ",\"response_bytes\":", c.response_bytes, ",\"calls\":", c.load.calls,
                  ",\"errors\":", c.load.errors,
                  ",\"first_error\":", runtime::JsonString(c.load.first_error),
                  ",\"seconds\":", JsonNumber(c.load.seconds),
                  ",\"calls_per_second\":", JsonNumber(c.load.CallsPerSecond()),
                  ",\"p50_ms\":", JsonNumber(c.load.latency.QuantileMs(0.50)),
                  ",\"p99_ms\":", JsonNumber(c.load.latency.QuantileMs(0.99)),
                  ",\"ratio_to_echo\":", JsonNumber(c.ratio),
                  ",\"target\":", runtime::JsonString(c.target), ",\"meets_target\":",
                  c.meets.has_value() ? (*c.meets ? "true" : "false") : "null", "}");
  return out;
}

std::string ReportJson(const Settings& s, const std::vector<CaseResult>& cases,
                       const Memory& self, const ChildResult& child) {
  std::string out = "{\n";
  absl::StrAppend(&out, "  \"tool\":\"seccoord-bench\",\n",
                  "  \"time\":", runtime::JsonString(runtime::Rfc3339Utc(absl::Now())), ",\n",
                  "  \"threads\":", s.threads, ",\n", "  \"seconds\":", JsonNumber(s.seconds),
                  ",\n", "  \"warmup_seconds\":", JsonNumber(s.warmup), ",\n",
                  "  \"cores\":", std::thread::hardware_concurrency(), ",\n",
                  "  \"drivers\":[\"sqlite\"", s.pg_url.empty() ? "" : ",\"postgres\"", "],\n",
                  "  \"targets\":{\"read_ratio_to_echo\":", JsonNumber(kReadRatioTarget),
                  ",\"resident_kib\":", kMemoryTargetKib,
                  ",\"serving_ms\":", JsonNumber(kServingTargetMs), "},\n",
                  "  \"cases\":[\n");
  for (size_t i = 0; i < cases.size(); ++i) {
    absl::StrAppend(&out, "    ", CaseJson(cases[i]), i + 1 < cases.size() ? ",\n" : "\n");
  }
  absl::StrAppend(&out, "  ],\n",
                  "  \"bench_process\":{\"vm_rss_kib\":", self.rss_kib,
                  ",\"vm_hwm_kib\":", self.hwm_kib, "},\n", "  \"policyd\":{",
                  "\"ran\":", child.ran ? "true" : "false",
                  ",\"binary\":", runtime::JsonString(child.binary),
                  ",\"error\":", runtime::JsonString(child.error),
                  ",\"serving_ms\":", JsonNumber(child.serving_ms),
                  ",\"serving_meets_target\":",
                  child.serving_ms >= 0 ? (child.serving_ms <= kServingTargetMs ? "true" : "false")
                                        : "null",
                  ",\"health_polls\":", child.health_polls,
                  ",\"vm_rss_kib\":", child.memory.rss_kib,
                  ",\"vm_hwm_kib\":", child.memory.hwm_kib, ",\"memory_meets_target\":",
                  child.memory.hwm_kib >= 0
                      ? (child.memory.hwm_kib <= kMemoryTargetKib ? "true" : "false")
                      : "null",
                  ",\"exit_code\":", child.exit_code,
                  ",\"exit\":", runtime::JsonString(child.exit_text),
                  ",\"shutdown_ms\":", JsonNumber(child.shutdown_ms), ",\"cases\":[");
  for (size_t i = 0; i < child.cases.size(); ++i) {
    absl::StrAppend(&out, i ? "," : "", CaseJson(child.cases[i]));
  }
  absl::StrAppend(&out, "]}\n}\n");
  return out;
}

void PrintCaseRow(const CaseResult& c) {
  std::string ratio = c.kind == "echo" ? "1.00 (base)" : absl::StrFormat("%.2f", c.ratio);
  std::string target;
  if (!c.target.empty()) {
    target = absl::StrCat(c.target, ": ", c.meets.has_value() ? Meets(*c.meets) : "n/a");
  }
  std::cout << absl::StrFormat("%-26s %7d %7d %11.1f %9.3f %9.3f  %-11s %s\n", c.id,
                               c.request_bytes, c.response_bytes, c.load.CallsPerSecond(),
                               c.load.latency.QuantileMs(0.50), c.load.latency.QuantileMs(0.99),
                               ratio, target);
  if (c.load.errors > 0) {
    std::cout << absl::StrFormat("    %d of %d calls failed; first: %s\n", c.load.errors,
                                 c.load.calls, c.load.first_error);
  }
}

void PrintHeader() {
  std::cout << "\ncases (each thread its own connection and client certificate):\n"
               "  *.get_revision    GetRevision(basic-policy, in force today) as mito-member1\n"
               "  *.list_documents  ListDocuments as mito-member1\n"
               "  *.acknowledge     AcknowledgeRevision(basic-policy) as mito-member1, a fresh\n"
               "                    request_id per call: one durable commit per call\n"
               "  echo.*            the bare echo service, request and reply sized like *\n\n";
  std::cout << absl::StrFormat("%-26s %7s %7s %11s %9s %9s  %-11s %s\n", "case", "req B", "resp B",
                               "calls/s", "p50 ms", "p99 ms", "x echo", "target");
}

// ---------------------------------------------------------------------------
// The measured run against the in-process servers.

absl::StatusOr<CaseResult> Measure(const std::string& id, const std::string& label,
                                   const std::string& kind, const MakeCall& make,
                                   size_t request_bytes, size_t response_bytes, double seconds,
                                   double warmup) {
  absl::StatusOr<Load> load = RunLoad(make, g_settings->threads, warmup, seconds);
  if (!load.ok()) {
    return absl::Status(load.status().code(),
                        absl::StrCat(id, ": ", std::string(load.status().message())));
  }
  CaseResult result;
  result.id = id;
  result.label = label;
  result.kind = kind;
  result.request_bytes = request_bytes;
  result.response_bytes = response_bytes;
  result.load = *std::move(load);
  return result;
}

void Compare(CaseResult* c, const CaseResult& echo, bool is_read) {
  c->baseline = echo.id;
  const double base = echo.load.CallsPerSecond();
  c->ratio = base > 0 ? c->load.CallsPerSecond() / base : 0;
  if (is_read) {
    c->target = absl::StrFormat(">= %.1f x echo", kReadRatioTarget);
    c->meets = c->ratio >= kReadRatioTarget;
  }
}

// A server process: the policy service as its own process.
struct Child {
  pid_t pid = -1;
};

absl::StatusOr<int> FreeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::InternalError("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return absl::InternalError("cannot find a free loopback port");
  }
  const int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

std::string Tail(const std::string& path, size_t bytes) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return "";
  return text->size() > bytes ? text->substr(text->size() - bytes) : *text;
}

// Waits up to `seconds` for `pid` to exit; its wait status, or nullopt.
std::optional<int> WaitExit(pid_t pid, double seconds) {
  const Clock::time_point start = Clock::now();
  for (int polls = 0; polls < 100000; ++polls) {
    int status = 0;
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) return status;
    if (done < 0) return std::nullopt;
    if (SecondsSince(start) > seconds) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return std::nullopt;
}

std::string WaitText(int status) {
  if (WIFEXITED(status)) return absl::StrCat("exit ", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return absl::StrCat("signal ", WTERMSIG(status));
  return "unknown";
}

// Starts seccoord-policyd on a fresh SQLite database, measures the time to
// SERVING, seeds it, loads it, reads its memory and stops it with SIGTERM.
ChildResult RunChild(const std::string& dir) {
  ChildResult result;
  result.binary = g_settings->policyd;
  if (::access(result.binary.c_str(), X_OK) != 0) {
    result.error = absl::StrCat(result.binary, " is not an executable (build seccoord-policyd, "
                                               "or pass --policyd PATH)");
    return result;
  }
  std::filesystem::create_directories(dir);
  const std::string log = dir + "/policyd.log";

  // The port is probed free, then given to the child; if someone takes it in
  // between, the child exits at once and the next port is tried.
  pid_t pid = -1;
  std::string address;
  Clock::time_point spawned;
  for (int attempt = 0; attempt < 3 && pid < 0; ++attempt) {
    absl::StatusOr<int> port = FreeLoopbackPort();
    if (!port.ok()) {
      result.error = port.status().ToString();
      return result;
    }
    address = absl::StrCat("127.0.0.1:", *port);
    std::vector<std::string> args = {
        result.binary,
        "--listen", address,
        "--db", absl::StrCat("sqlite:", dir, "/policyd-", attempt, ".db"),
        "--tls_cert", CertPath("policyd", ".crt"),
        "--tls_key", CertPath("policyd", ".key"),
        "--tls_ca", CertPath("ca", ".crt"),
        "--access_policy", absl::StrCat(g_settings->source_dir, "/deploy/access-policy.yaml"),
        "--drain_timeout_ms", "5000"};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                     0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    spawned = Clock::now();
    pid_t child = -1;
    const int rc = ::posix_spawn(&child, result.binary.c_str(), &actions, nullptr, argv.data(),
                                 environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      result.error = absl::StrCat("cannot start ", result.binary, ": ", std::strerror(rc));
      return result;
    }
    result.ran = true;

    // Poll grpc.health.v1 Check with a fresh channel each time (a channel
    // that failed to connect would wait out gRPC's reconnect backoff).
    absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
        Credentials(kReader);
    if (!credentials.ok()) {
      ::kill(child, SIGKILL);
      WaitExit(child, kExitGiveUpSeconds);
      result.error = credentials.status().ToString();
      return result;
    }
    bool serving = false;
    bool exited = false;
    for (int poll = 0; poll < 20000 && SecondsSince(spawned) < kServingGiveUpSeconds; ++poll) {
      grpc::ChannelArguments channel_args;
      channel_args.SetSslTargetNameOverride("localhost");
      channel_args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
      auto channel = grpc::CreateCustomChannel(address, *credentials, channel_args);
      auto health = grpc::health::v1::Health::NewStub(channel);
      grpc::health::v1::HealthCheckRequest request;
      request.set_service("seccoord.v1.PolicyService");
      grpc::health::v1::HealthCheckResponse response;
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
      grpc::Status status = health->Check(&context, request, &response);
      ++result.health_polls;
      if (status.ok() && response.status() == grpc::health::v1::HealthCheckResponse::SERVING) {
        result.serving_ms = SecondsSince(spawned) * 1000;
        serving = true;
        break;
      }
      int wait_status = 0;
      if (::waitpid(child, &wait_status, WNOHANG) == child) {
        exited = true;
        result.exit_text = WaitText(wait_status);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (serving) {
      pid = child;
      break;
    }
    if (!exited) {
      ::kill(child, SIGKILL);
      WaitExit(child, kExitGiveUpSeconds);
      result.error = absl::StrCat(result.binary, " did not report SERVING within ",
                                  kServingGiveUpSeconds, " s; log tail:\n", Tail(log, 2000));
      return result;
    }
    result.error = absl::StrCat(result.binary, " exited (", result.exit_text,
                                ") before SERVING; log tail:\n", Tail(log, 2000));
    result.ran = false;
  }
  if (pid < 0) return result;
  result.error.clear();
  result.exit_text.clear();

  // Seed and load it like the in-process server.
  auto stop = [&](const std::string& why) {
    ::kill(pid, SIGKILL);
    WaitExit(pid, kExitGiveUpSeconds);
    result.error = why;
  };
  absl::StatusOr<int64_t> revision = SeedBasicPolicy(address);
  if (!revision.ok()) {
    stop(revision.status().ToString());
    return result;
  }
  absl::StatusOr<std::vector<PolicyCase>> cases = PolicyCases(address, *revision, "ch");
  if (!cases.ok()) {
    stop(cases.status().ToString());
    return result;
  }
  const double seconds = g_settings->child_seconds;
  for (const PolicyCase& c : *cases) {
    absl::StatusOr<CaseResult> measured =
        Measure(absl::StrCat("policyd.", c.key), c.label, c.is_read ? "read" : "write", c.make,
                c.request_bytes, c.response_bytes, seconds, std::min(g_settings->warmup, 0.5));
    if (!measured.ok()) {
      stop(measured.status().ToString());
      return result;
    }
    result.cases.push_back(*std::move(measured));
  }
  result.memory = ReadMemory(std::to_string(pid));

  // SIGTERM: NOT_SERVING, drain, exit 0.
  const Clock::time_point term = Clock::now();
  ::kill(pid, SIGTERM);
  std::optional<int> status = WaitExit(pid, kExitGiveUpSeconds);
  if (!status.has_value()) {
    ::kill(pid, SIGKILL);
    status = WaitExit(pid, kExitGiveUpSeconds);
    result.exit_text = absl::StrCat("did not exit within ", kExitGiveUpSeconds,
                                    " s of SIGTERM; killed");
    return result;
  }
  result.shutdown_ms = SecondsSince(term) * 1000;
  result.exit_text = WaitText(*status);
  if (WIFEXITED(*status)) result.exit_code = WEXITSTATUS(*status);
  return result;
}

// The in-process policy service on one driver.
struct PolicyUnderTest {
  std::string driver;
  std::unique_ptr<testing::TestDatabase> db;
  std::unique_ptr<runtime::RunningServer> server;
  std::vector<PolicyCase> cases;
};

// Per-RPC log lines go to a file, one write per line like the real server's
// stderr, so the measured server does the work the real one does.
runtime::LogSink FileSink(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  auto owned = std::shared_ptr<int>(new int(fd), [](int* p) {
    if (*p >= 0) ::close(*p);
    delete p;
  });
  return [owned](std::string_view line) {
    if (*owned < 0) return;
    std::string out(line);
    out.push_back('\n');
    (void)!::write(*owned, out.data(), out.size());
  };
}

absl::StatusOr<PolicyUnderTest> StartPolicy(const std::string& driver) {
  PolicyUnderTest p;
  p.driver = driver;
  absl::StatusOr<std::unique_ptr<testing::TestDatabase>> db = testing::TestDatabase::Create(driver);
  if (!db.ok()) {
    return absl::Status(db.status().code(), absl::StrCat("creating the ", driver, " database: ",
                                                         std::string(db.status().message())));
  }
  p.db = *std::move(db);
  runtime::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.tls_cert = CertPath("policyd", ".crt");
  options.tls_key = CertPath("policyd", ".key");
  options.tls_ca = CertPath("ca", ".crt");
  options.access_policy = absl::StrCat(g_settings->source_dir, "/deploy/access-policy.yaml");
  options.drain_timeout = absl::Seconds(2);
  options.max_message_bytes = g_settings->max_message_bytes;
  options.rpc_log_sink =
      FileSink(absl::StrCat(g_settings->temp_dir, "/policyd-", driver, "-rpc.log"));
  absl::StatusOr<std::unique_ptr<runtime::RunningServer>> server =
      runtime::RunningServer::Start(policy::PolicyServerSpec(), options, p.db->db());
  if (!server.ok()) {
    return absl::Status(server.status().code(),
                        absl::StrCat("starting the policy service on ", driver, ": ",
                                     std::string(server.status().message())));
  }
  p.server = *std::move(server);
  absl::StatusOr<int64_t> revision = SeedBasicPolicy(p.server->address());
  if (!revision.ok()) return revision.status();
  absl::StatusOr<std::vector<PolicyCase>> cases =
      PolicyCases(p.server->address(), *revision, driver.substr(0, 2));
  if (!cases.ok()) return cases.status();
  p.cases = *std::move(cases);
  return p;
}

int Fail(const absl::Status& status) {
  std::cerr << "seccoord-bench: " << status << "\n";
  return 1;
}

int Run(Settings& s) {
  char pattern[] = "/tmp/seccoord-bench-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) return Fail(absl::InternalError("mkdtemp failed"));
  s.temp_dir = pattern;
  struct Cleanup {
    std::string dir;
    bool keep;
    ~Cleanup() {
      if (keep) {
        std::cerr << "seccoord-bench: kept " << dir << "\n";
        return;
      }
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
  } cleanup{s.temp_dir, s.keep_temp};

  std::cout << absl::StrFormat(
      "seccoord-bench: %d client threads (closed loop, one mTLS connection each), %.3g s per "
      "case after %.3g s warm-up, 127.0.0.1, %d cores\n",
      s.threads, s.seconds, s.warmup, std::thread::hardware_concurrency());
  std::cout.flush();

  absl::StatusOr<std::unique_ptr<EchoServer>> echo = StartEcho();
  if (!echo.ok()) return Fail(echo.status());

  std::vector<std::string> drivers = {"sqlite"};
  if (!s.pg_url.empty()) {
    ::setenv(testing::kTestPgUrlEnv, s.pg_url.c_str(), 1);
    drivers.push_back("postgres");
  }
  std::vector<PolicyUnderTest> servers;
  for (const std::string& driver : drivers) {
    absl::StatusOr<PolicyUnderTest> p = StartPolicy(driver);
    if (!p.ok()) return Fail(p.status());
    servers.push_back(*std::move(p));
  }

  std::vector<CaseResult> results;
  PrintHeader();
  // For each kind of call: the echo sized like it, then each driver.
  const std::vector<PolicyCase>& shapes = servers.front().cases;
  for (size_t i = 0; i < shapes.size(); ++i) {
    const PolicyCase& shape = shapes[i];
    const EchoRequest echo_request =
        SizedEchoRequest(shape.request_bytes, shape.response_bytes);
    absl::StatusOr<CaseResult> base = Measure(
        absl::StrCat("echo.", shape.key), absl::StrCat("echo sized like ", shape.key), "echo",
        UnaryCall<Echo::Stub>((*echo)->address(), kReader, echo_request, &Echo::Stub::Echo),
        echo_request.ByteSizeLong(), EchoReplyBytes(echo_request), s.seconds, s.warmup);
    if (!base.ok()) return Fail(base.status());
    base->baseline = base->id;
    base->ratio = 1;
    PrintCaseRow(*base);
    std::cout.flush();
    results.push_back(*base);
    for (PolicyUnderTest& p : servers) {
      const PolicyCase& c = p.cases[i];
      absl::StatusOr<CaseResult> measured =
          Measure(absl::StrCat(p.driver, ".", c.key), c.label, c.is_read ? "read" : "write",
                  c.make, c.request_bytes, c.response_bytes, s.seconds, s.warmup);
      if (!measured.ok()) return Fail(measured.status());
      Compare(&*measured, *base, c.is_read);
      PrintCaseRow(*measured);
      std::cout.flush();
      results.push_back(*std::move(measured));
    }
  }
  const Memory self = ReadMemory("self");
  std::cout << absl::StrFormat(
      "\nthis process after the load (client threads + echo + in-process servers): VmRSS %s, "
      "VmHWM %s (information; the per-server target is measured on seccoord-policyd below)\n",
      Mib(self.rss_kib), Mib(self.hwm_kib));

  // Stop the in-process servers before the child runs, so it has the
  // machine to itself.
  for (PolicyUnderTest& p : servers) p.server->Shutdown(absl::Seconds(2));
  servers.clear();
  echo->reset();

  ChildResult child;
  if (s.policyd != "none") {
    std::cout << "\nseccoord-policyd as a process (" << s.policyd << ", fresh SQLite):\n";
    std::cout.flush();
    child = RunChild(s.temp_dir + "/child");
    if (!child.error.empty()) {
      std::cout << "  could not be measured: " << child.error << "\n";
    } else {
      std::cout << absl::StrFormat(
          "  time to SERVING        %8.1f ms   target <= %.0f ms: %s (spawn to first SERVING "
          "health answer, %d polls)\n",
          child.serving_ms, kServingTargetMs, Meets(child.serving_ms <= kServingTargetMs),
          child.health_polls);
      for (const CaseResult& c : child.cases) {
        std::cout << absl::StrFormat("  under load: %-38s %9.1f calls/s  p50 %.3f ms  p99 %.3f ms%s\n",
                                     c.label, c.load.CallsPerSecond(),
                                     c.load.latency.QuantileMs(0.5),
                                     c.load.latency.QuantileMs(0.99),
                                     c.load.errors ? absl::StrCat("  (", c.load.errors,
                                                                  " failed: ", c.load.first_error,
                                                                  ")")
                                                   : "");
      }
      std::cout << absl::StrFormat("  resident after load    VmHWM %s, VmRSS %s   target <= %s: %s\n",
                                   Mib(child.memory.hwm_kib), Mib(child.memory.rss_kib),
                                   Mib(kMemoryTargetKib),
                                   Meets(child.memory.hwm_kib >= 0 &&
                                         child.memory.hwm_kib <= kMemoryTargetKib));
      std::cout << absl::StrFormat("  SIGTERM                %s after %.1f ms%s\n", child.exit_text,
                                   child.shutdown_ms,
                                   child.exit_code == 0 ? "" : "  (UNEXPECTED: exit 0 expected)");
    }
  }
  std::cout << "\nRatios are calls/s of a case over calls/s of the echo sized like it, same "
               "threads, same run; targets are reported, never enforced.\n";

  if (!s.json_path.empty()) {
    std::ofstream out(s.json_path, std::ios::binary | std::ios::trunc);
    out << ReportJson(s, results, self, child);
    out.close();
    if (!out) return Fail(absl::InternalError(absl::StrCat("cannot write ", s.json_path)));
    std::cout << "JSON report: " << s.json_path << "\n";
  }
  if (s.policyd != "none" && !child.error.empty()) return 1;
  return 0;
}

}  // namespace
}  // namespace seccoord::bench

int main(int argc, char** argv) {
  using seccoord::bench::Settings;
  signal(SIGPIPE, SIG_IGN);
  absl::SetProgramUsageMessage(
      "seccoord-bench: closed-loop load on the policy service, reported as ratios to a bare "
      "echo service on the same mTLS settings measured in the same run.");
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() > 1) {
    std::cerr << "seccoord-bench: unexpected argument " << positional[1] << "\n";
    return 2;
  }
  Settings s;
  s.threads = absl::GetFlag(FLAGS_threads);
  s.seconds = absl::GetFlag(FLAGS_seconds);
  s.warmup = absl::GetFlag(FLAGS_warmup);
  s.child_seconds = absl::GetFlag(FLAGS_child_seconds);
  s.pg_url = absl::GetFlag(FLAGS_pg);
  s.json_path = absl::GetFlag(FLAGS_json);
  s.keep_temp = absl::GetFlag(FLAGS_keep_temp);
  if (s.threads < 1 || s.threads > 256) {
    std::cerr << "seccoord-bench: --threads must be 1 to 256\n";
    return 2;
  }
  if (!(s.seconds > 0 && s.seconds <= 3600) || !(s.warmup >= 0 && s.warmup <= 600) ||
      !(s.child_seconds > 0 && s.child_seconds <= 3600)) {
    std::cerr << "seccoord-bench: --seconds and --child_seconds must be in (0, 3600], "
                 "--warmup in [0, 600]\n";
    return 2;
  }
  s.cert_dir = absl::GetFlag(FLAGS_certs);
  if (s.cert_dir.empty()) {
    s.cert_dir = seccoord::bench::EnvOr("SECCOORD_CERT_DIR", SECCOORD_BENCH_CERT_DIR);
  }
  s.source_dir = absl::GetFlag(FLAGS_source_dir);
  if (s.source_dir.empty()) {
    s.source_dir = seccoord::bench::EnvOr("SECCOORD_SOURCE_DIR", SECCOORD_BENCH_SOURCE_DIR);
  }
  s.policyd = absl::GetFlag(FLAGS_policyd);
  if (s.policyd.empty()) s.policyd = seccoord::bench::SelfDir() + "/seccoord-policyd";
  seccoord::bench::g_settings = &s;
  return seccoord::bench::Run(s);
}
