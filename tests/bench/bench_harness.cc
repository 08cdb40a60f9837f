// The harness of seccoord-bench (bench_harness.h): shared flags, load loop,
// echo baseline, child processes, report.
#include "tests/bench/bench_harness.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/bench.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "services/runtime/server/rpc_log.h"

#ifndef SECCOORD_BENCH_SOURCE_DIR
#define SECCOORD_BENCH_SOURCE_DIR "."
#endif
#ifndef SECCOORD_BENCH_CERT_DIR
#define SECCOORD_BENCH_CERT_DIR "./certs"
#endif

ABSL_FLAG(int32_t, threads, 4, "client threads (closed loop, one connection each)");
ABSL_FLAG(double, seconds, 5.0,
          "measured seconds per case (a read shares them with its echo, in rounds)");
ABSL_FLAG(double, warmup, 1.0, "warm-up seconds per case (not measured)");
ABSL_FLAG(std::string, pg, "",
          "PostgreSQL server URL (postgresql://USER@HOST:PORT/DB): also measure "
          "the durable writes on fresh databases there");
ABSL_FLAG(std::string, json, "", "also write the figures to this file as JSON");
ABSL_FLAG(double, child_seconds, 2.0,
          "seconds of each case against a server started as a child process");
ABSL_FLAG(std::string, certs, "",
          "development certificates (default $SECCOORD_CERT_DIR, else the "
          "build's certs/)");
ABSL_FLAG(std::string, source_dir, "",
          "source tree for deploy/access-policy.yaml and data/ (default "
          "$SECCOORD_SOURCE_DIR, else the tree this was built from)");
ABSL_FLAG(bool, keep_temp, false, "keep the temp dir (databases, logs)");

namespace seccoord::bench {
namespace {

constexpr int64_t kMaxCallsPerThread = 20'000'000;
constexpr double kServingGiveUpSeconds = 15;
constexpr double kExitGiveUpSeconds = 20;

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

}  // namespace

// ---------------------------------------------------------------------------
// Settings and helpers.

absl::Status SettingsFromFlags(Settings* s) {
  s->threads = absl::GetFlag(FLAGS_threads);
  s->seconds = absl::GetFlag(FLAGS_seconds);
  s->warmup = absl::GetFlag(FLAGS_warmup);
  s->child_seconds = absl::GetFlag(FLAGS_child_seconds);
  s->pg_url = absl::GetFlag(FLAGS_pg);
  s->json_path = absl::GetFlag(FLAGS_json);
  s->keep_temp = absl::GetFlag(FLAGS_keep_temp);
  if (s->threads < 1 || s->threads > 256) {
    return absl::InvalidArgumentError("--threads must be 1 to 256");
  }
  if (!(s->seconds > 0 && s->seconds <= 3600) || !(s->warmup >= 0 && s->warmup <= 600) ||
      !(s->child_seconds > 0 && s->child_seconds <= 3600)) {
    return absl::InvalidArgumentError(
        "--seconds and --child_seconds must be in (0, 3600], --warmup in [0, 600]");
  }
  s->cert_dir = absl::GetFlag(FLAGS_certs);
  if (s->cert_dir.empty()) s->cert_dir = EnvOr("SECCOORD_CERT_DIR", SECCOORD_BENCH_CERT_DIR);
  s->source_dir = absl::GetFlag(FLAGS_source_dir);
  if (s->source_dir.empty()) {
    s->source_dir = EnvOr("SECCOORD_SOURCE_DIR", SECCOORD_BENCH_SOURCE_DIR);
  }
  s->binary_dir = SelfDir();
  return absl::OkStatus();
}

const Settings& settings() { return *g_settings; }
void SetSettings(const Settings* settings) { g_settings = settings; }

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string CertPath(const std::string& name, const char* ext) {
  return absl::StrCat(settings().cert_dir, "/", name, ext);
}

std::string SourcePath(const std::string& relative) {
  return absl::StrCat(settings().source_dir, "/", relative);
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

int64_t NowMicros() { return absl::ToUnixMicros(absl::Now()); }

std::string RunNonce() {
  static const std::string nonce = absl::StrFormat("%d-%x", static_cast<int>(::getpid()),
                                                   static_cast<uint32_t>(NowMicros() & 0xffffff));
  return nonce;
}

std::string StatusText(const grpc::Status& status) {
  return absl::StrCat("code ", static_cast<int>(status.error_code()), ": ",
                      status.error_message());
}

absl::Status Annotate(const absl::Status& status, const std::string& context) {
  return absl::Status(status.code(),
                      absl::StrCat(context, ": ", std::string(status.message())));
}

std::string Meets(bool meets) { return meets ? "meets target" : "below target"; }

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

// ---------------------------------------------------------------------------
// Histogram.

void Histogram::Add(int64_t ns) {
  ++buckets_[Index(std::max<int64_t>(ns, 0))];
  ++count_;
}

void Histogram::Merge(const Histogram& other) {
  for (size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
}

double Histogram::QuantileMs(double q) const {
  if (count_ == 0) return 0;
  const int64_t rank = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(q * count_)));
  int64_t seen = 0;
  for (size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank) return Middle(i) / 1e6;
  }
  return Middle(buckets_.size() - 1) / 1e6;
}

size_t Histogram::Index(int64_t v) {
  if (v < kExact) return static_cast<size_t>(v);
  int k = 63 - __builtin_clzll(static_cast<uint64_t>(v));  // ≥ 7
  if (k > kMaxShift) return kExact + (kMaxShift - 7) * kSub + (kSub - 1);
  const int sub = static_cast<int>((v >> (k - 6)) & (kSub - 1));
  return kExact + static_cast<size_t>(k - 7) * kSub + sub;
}

double Histogram::Middle(size_t i) {
  if (i < kExact) return static_cast<double>(i);
  const size_t j = i - kExact;
  const int k = static_cast<int>(j / kSub) + 7;
  const int sub = static_cast<int>(j % kSub);
  const double width = std::ldexp(1.0, k - 6);
  return (kSub + sub) * width + width / 2;
}

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

absl::StatusOr<std::shared_ptr<grpc::Channel>> Channel(const std::string& address,
                                                       const std::string& cert_name) {
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials = Credentials(cert_name);
  if (!credentials.ok()) return credentials.status();
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("localhost");
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetMaxReceiveMessageSize(settings().max_message_bytes);
  args.SetMaxSendMessageSize(settings().max_message_bytes);
  return grpc::CreateCustomChannel(address, *credentials, args);
}

namespace {

// What getrusage counts for this process so far: user + system CPU
// seconds and context switches (voluntary + involuntary).
struct ProcessUsage {
  double cpu_seconds = 0;
  int64_t context_switches = 0;
};

ProcessUsage ProcessUsageNow() {
  rusage usage{};
  if (::getrusage(RUSAGE_SELF, &usage) != 0) return {};
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return {seconds(usage.ru_utime) + seconds(usage.ru_stime),
          static_cast<int64_t>(usage.ru_nvcsw) + static_cast<int64_t>(usage.ru_nivcsw)};
}

}  // namespace

absl::StatusOr<Load> RunLoad(const MakeCall& make, int threads, double warmup, double seconds) {
  struct PerThread {
    Histogram latency;
    int64_t calls = 0;
    int64_t errors = 0;
    bool ran_out = false;
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
    for (int64_t n = 0; n < kMaxCallsPerThread && Clock::now() < warm_end; ++n) {
      if (!(*call)().has_value()) {
        me.ran_out = true;
        break;
      }
    }
    for (int64_t n = 0; n < kMaxCallsPerThread && !me.ran_out; ++n) {
      const Clock::time_point start = Clock::now();
      // At least one measured call each: a short slice after a slow
      // warm-up call still measures something.
      if (start >= end && n > 0) break;
      std::optional<grpc::Status> status = (*call)();
      if (!status.has_value()) {
        me.ran_out = true;
        break;
      }
      me.latency.Add(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start)
                         .count());
      ++me.calls;
      if (!status->ok() && me.errors++ == 0) me.first_error = StatusText(*status);
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
  // CPU time and switches from the end of the warm-up to the last thread's
  // stop.
  std::this_thread::sleep_until(warm_end);
  const ProcessUsage at_warm_end = ProcessUsageNow();
  for (std::thread& thread : pool) thread.join();
  const ProcessUsage at_end = ProcessUsageNow();
  if (!all_ready) return absl::DeadlineExceededError("client threads did not get ready in 60 s");
  if (!setup_error.empty()) return absl::UnavailableError(setup_error);

  Load load;
  Clock::time_point last = warm_end;
  for (const PerThread& p : per) {
    load.calls += p.calls;
    load.errors += p.errors;
    load.ran_out = load.ran_out || p.ran_out;
    if (load.first_error.empty()) load.first_error = p.first_error;
    load.latency.Merge(p.latency);
    last = std::max(last, p.finished);
  }
  load.seconds = std::chrono::duration<double>(last - warm_end).count();
  load.cpu_seconds = at_end.cpu_seconds - at_warm_end.cpu_seconds;
  load.context_switches = at_end.context_switches - at_warm_end.context_switches;
  return load;
}

// ---------------------------------------------------------------------------
// In-process servers.

namespace {

runtime::LogSink FileLogSink(const std::string& path) {
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

}  // namespace

absl::StatusOr<std::unique_ptr<runtime::RunningServer>> StartInProcessServer(
    const runtime::ServerSpec& spec, const std::string& cert_name, db::Database& db,
    const std::string& log_name) {
  runtime::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.tls_cert = CertPath(cert_name, ".crt");
  options.tls_key = CertPath(cert_name, ".key");
  options.tls_ca = CertPath("ca", ".crt");
  options.access_policy = SourcePath("deploy/access-policy.yaml");
  options.drain_timeout = absl::Seconds(2);
  options.max_message_bytes = settings().max_message_bytes;
  options.rpc_log_sink = FileLogSink(absl::StrCat(settings().temp_dir, "/", log_name));
  absl::StatusOr<std::unique_ptr<runtime::RunningServer>> server =
      runtime::RunningServer::Start(spec, options, db);
  if (!server.ok()) return Annotate(server.status(), absl::StrCat("starting ", spec.name));
  return server;
}

// ---------------------------------------------------------------------------
// Results.

absl::StatusOr<CaseResult> Measure(const std::string& id, const std::string& label,
                                   const std::string& kind, const MakeCall& make,
                                   MessageSizes sizes, double seconds, double warmup) {
  absl::StatusOr<Load> load = RunLoad(make, settings().threads, warmup, seconds);
  if (!load.ok()) return Annotate(load.status(), id);
  CaseResult result;
  result.id = id;
  result.label = label;
  result.kind = kind;
  result.request_bytes = sizes.request_bytes;
  result.response_bytes = sizes.response_bytes;
  result.load = *std::move(load);
  return result;
}

void CompareWithEcho(CaseResult* c, const CaseResult& echo, bool is_read) {
  c->baseline = echo.id;
  const double base = echo.load.CallsPerSecond();
  c->ratio = base > 0 ? c->load.CallsPerSecond() / base : 0;
  if (is_read) SetTarget(c, absl::StrFormat(">= %.1f x echo", kReadRatioTarget),
                         c->ratio >= kReadRatioTarget);
}

void SetTarget(CaseResult* c, const std::string& target, bool meets) {
  c->target = c->target.empty() ? target : absl::StrCat(c->target, ", ", target);
  c->meets = c->meets.value_or(true) && meets;
}

// ---------------------------------------------------------------------------
// The echo service.

namespace {

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
EchoRequest SizedEchoRequest(MessageSizes sizes) {
  EchoRequest request;
  request.set_response_bytes(static_cast<uint32_t>(PayloadFor(sizes.response_bytes)));
  const size_t fixed = request.ByteSizeLong();
  if (sizes.request_bytes > fixed) {
    request.set_payload(std::string(PayloadFor(sizes.request_bytes - fixed), 'r'));
  }
  return request;
}

// Serialised size of the echo's reply to `request`.
size_t EchoReplyBytes(const EchoRequest& request) {
  EchoResponse response;
  response.set_payload(std::string(request.response_bytes(), 'x'));
  return response.ByteSizeLong();
}

}  // namespace

struct EchoBaseline::Impl {
  EchoService service{runtime::kDefaultMaxMessageBytes};
  std::unique_ptr<grpc::Server> server;
  int port = 0;
  std::string address() const { return absl::StrCat("127.0.0.1:", port); }
};

EchoBaseline::EchoBaseline(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

EchoBaseline::~EchoBaseline() {
  if (impl_ && impl_->server) impl_->server->Shutdown(std::chrono::system_clock::now());
}

absl::StatusOr<std::unique_ptr<EchoBaseline>> EchoBaseline::Start() {
  absl::StatusOr<std::string> ca = ReadFile(CertPath("ca", ".crt"));
  if (!ca.ok()) return ca.status();
  absl::StatusOr<std::string> cert = ReadFile(CertPath("policyd", ".crt"));
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadFile(CertPath("policyd", ".key"));
  if (!key.ok()) return key.status();
  grpc::SslServerCredentialsOptions tls(GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);
  tls.pem_root_certs = *ca;
  tls.pem_key_cert_pairs.push_back({*key, *cert});
  auto impl = std::make_unique<Impl>();
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::SslServerCredentials(tls), &impl->port);
  builder.SetMaxReceiveMessageSize(settings().max_message_bytes);
  builder.SetMaxSendMessageSize(settings().max_message_bytes);
  runtime::SetSyncServerThreads(builder);
  builder.RegisterService(&impl->service);
  impl->server = builder.BuildAndStart();
  if (impl->server == nullptr || impl->port == 0) {
    return absl::UnavailableError("cannot start the echo server on 127.0.0.1");
  }
  return std::unique_ptr<EchoBaseline>(new EchoBaseline(std::move(impl)));
}

MakeCall EchoBaseline::CallLike(MessageSizes sizes, MessageSizes* echo_sizes) const {
  const EchoRequest request = SizedEchoRequest(sizes);
  *echo_sizes = MessageSizes{request.ByteSizeLong(), EchoReplyBytes(request)};
  return UnaryCall<Echo>(impl_->address(), kReader, request, "Echo");
}

absl::StatusOr<CaseResult> EchoBaseline::MeasureLike(const std::string& key, MessageSizes sizes,
                                                     double seconds, double warmup) {
  MessageSizes echo_sizes;
  const MakeCall make = CallLike(sizes, &echo_sizes);
  absl::StatusOr<CaseResult> base =
      Measure(absl::StrCat("echo.", key), absl::StrCat("echo sized like ", key), "echo", make,
              echo_sizes, seconds, warmup);
  if (!base.ok()) return base.status();
  base->baseline = base->id;
  base->ratio = 1;
  return base;
}

namespace {

// Adds the figures of one slice to the sum of the rounds.
void AddSlice(Load* sum, const Load& slice) {
  sum->calls += slice.calls;
  sum->errors += slice.errors;
  if (sum->first_error.empty()) sum->first_error = slice.first_error;
  sum->seconds += slice.seconds;
  sum->ran_out = sum->ran_out || slice.ran_out;
  sum->latency.Merge(slice.latency);
  sum->cpu_seconds += slice.cpu_seconds;
  sum->context_switches += slice.context_switches;
}

}  // namespace

absl::StatusOr<PairedResult> MeasureReadAgainstEcho(EchoBaseline& echo, const std::string& id,
                                                    const std::string& label,
                                                    const MakeCall& make, MessageSizes sizes,
                                                    double seconds, double warmup) {
  MessageSizes echo_sizes;
  const MakeCall echo_make = echo.CallLike(sizes, &echo_sizes);
  const int threads = settings().threads;
  const int rounds = std::max(1, static_cast<int>(std::lround(seconds / (2 * kRoundSeconds))));
  const double slice = seconds / (2 * rounds);
  if (warmup > 0) {
    for (const MakeCall* m : {&echo_make, &make}) {
      absl::StatusOr<Load> warm = RunLoad(*m, threads, warmup / 2, 0);
      if (!warm.ok()) return Annotate(warm.status(), absl::StrCat(id, " (warm-up)"));
    }
  }
  PairedResult out;
  Load echo_sum, case_sum;
  double low = 0, high = 0;
  for (int r = 0; r < rounds; ++r) {
    Load echo_slice, case_slice;
    for (int half = 0; half < 2; ++half) {
      const bool echo_now = (half == 0) == (r % 2 == 0);
      absl::StatusOr<Load> load =
          RunLoad(echo_now ? echo_make : make, threads, kSliceWarmupSeconds, slice);
      if (!load.ok()) return Annotate(load.status(), echo_now ? absl::StrCat("echo.", id) : id);
      (echo_now ? echo_slice : case_slice) = *std::move(load);
    }
    const double round_ratio = echo_slice.CallsPerSecond() > 0
                                   ? case_slice.CallsPerSecond() / echo_slice.CallsPerSecond()
                                   : 0;
    low = r == 0 ? round_ratio : std::min(low, round_ratio);
    high = r == 0 ? round_ratio : std::max(high, round_ratio);
    AddSlice(&echo_sum, echo_slice);
    AddSlice(&case_sum, case_slice);
  }
  out.echo.id = absl::StrCat("echo.", id);
  out.echo.label = absl::StrCat("echo sized like ", id, ", in rounds with it");
  out.echo.kind = "echo";
  out.echo.request_bytes = echo_sizes.request_bytes;
  out.echo.response_bytes = echo_sizes.response_bytes;
  out.echo.load = std::move(echo_sum);
  out.echo.baseline = out.echo.id;
  out.echo.ratio = 1;
  out.measured.id = id;
  out.measured.label = label;
  out.measured.kind = "read";
  out.measured.request_bytes = sizes.request_bytes;
  out.measured.response_bytes = sizes.response_bytes;
  out.measured.load = std::move(case_sum);
  CompareWithEcho(&out.measured, out.echo, /*is_read=*/true);
  out.measured.rounds = rounds;
  out.measured.round_ratio_low = low;
  out.measured.round_ratio_high = high;
  return out;
}

absl::Status MeasureEchoTwin(EchoBaseline& echo, Report& report) {
  absl::StatusOr<std::unique_ptr<EchoBaseline>> twin = EchoBaseline::Start();
  if (!twin.ok()) return twin.status();
  MessageSizes twin_sizes;
  const MakeCall make = (*twin)->CallLike(MessageSizes{17, 1034}, &twin_sizes);
  absl::StatusOr<PairedResult> paired = MeasureReadAgainstEcho(
      echo, "echo_twin", "a second echo server, identical to the echo (the noise floor)", make,
      twin_sizes, settings().seconds, settings().warmup);
  if (!paired.ok()) return paired.status();
  paired->measured.kind = "calibration";
  paired->measured.target.clear();
  paired->measured.meets.reset();
  std::cout << "\nnoise floor: a second echo server, identical to the echo, measured against "
               "it as a read is (1.00 on a quiet machine):\n";
  PrintTableHeader();
  PrintAndReport(*std::move(paired), report);
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// Child processes.

namespace {

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

void KillAndReap(pid_t pid) {
  ::kill(pid, SIGKILL);
  WaitExit(pid, kExitGiveUpSeconds);
}

// Polls grpc.health.v1 Check of `service` with a fresh channel each time (a
// channel that failed to connect would wait out gRPC's reconnect backoff)
// until SERVING, the child's exit or the give-up time.
enum class StartOutcome { kServing, kExited, kTimedOut, kNoCredentials };
StartOutcome AwaitServing(pid_t child, const std::string& address, const std::string& service,
                          Clock::time_point spawned, ChildResult* result) {
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials = Credentials(kReader);
  if (!credentials.ok()) {
    result->error = credentials.status().ToString();
    return StartOutcome::kNoCredentials;
  }
  for (int poll = 0; poll < 20000 && SecondsSince(spawned) < kServingGiveUpSeconds; ++poll) {
    grpc::ChannelArguments channel_args;
    channel_args.SetSslTargetNameOverride("localhost");
    channel_args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    auto channel = grpc::CreateCustomChannel(address, *credentials, channel_args);
    auto health = grpc::health::v1::Health::NewStub(channel);
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
    grpc::Status status = health->Check(&context, request, &response);
    ++result->health_polls;
    if (status.ok() && response.status() == grpc::health::v1::HealthCheckResponse::SERVING) {
      result->serving_ms = SecondsSince(spawned) * 1000;
      return StartOutcome::kServing;
    }
    int wait_status = 0;
    if (::waitpid(child, &wait_status, WNOHANG) == child) {
      result->exit_text = WaitText(wait_status);
      return StartOutcome::kExited;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return StartOutcome::kTimedOut;
}

}  // namespace

ChildResult MeasureChild(const ChildSpec& spec, const std::string& dir, const ChildLoad& load) {
  ChildResult result;
  result.binary = spec.binary;
  if (::access(spec.binary.c_str(), X_OK) != 0) {
    result.error = absl::StrCat(spec.binary, " is not an executable (build it, or pass its "
                                             "path with the flag of its case set)");
    return result;
  }
  std::filesystem::create_directories(dir);
  const std::string log = absl::StrCat(dir, "/", spec.log_name);

  // The port is probed free, then given to the child; if someone takes it in
  // between, the child exits at once and the next port is tried.
  pid_t pid = -1;
  std::string address;
  for (int attempt = 0; attempt < 3 && pid < 0; ++attempt) {
    absl::StatusOr<int> port = FreeLoopbackPort();
    if (!port.ok()) {
      result.error = port.status().ToString();
      return result;
    }
    address = absl::StrCat("127.0.0.1:", *port);
    std::vector<std::string> args = {spec.binary};
    for (std::string& a : spec.args(address, attempt)) args.push_back(std::move(a));
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                     0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    const Clock::time_point spawned = Clock::now();
    pid_t child = -1;
    const int rc =
        ::posix_spawn(&child, spec.binary.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      result.error = absl::StrCat("cannot start ", spec.binary, ": ", std::strerror(rc));
      return result;
    }
    result.ran = true;
    switch (AwaitServing(child, address, spec.health_service, spawned, &result)) {
      case StartOutcome::kServing:
        pid = child;
        break;
      case StartOutcome::kNoCredentials:
        KillAndReap(child);
        return result;
      case StartOutcome::kTimedOut:
        KillAndReap(child);
        result.error = absl::StrCat(spec.binary, " did not report SERVING within ",
                                    kServingGiveUpSeconds, " s; log tail:\n", Tail(log, 2000));
        return result;
      case StartOutcome::kExited:
        result.error = absl::StrCat(spec.binary, " exited (", result.exit_text,
                                    ") before SERVING; log tail:\n", Tail(log, 2000));
        result.ran = false;
        break;
    }
  }
  if (pid < 0) return result;
  result.error.clear();
  result.exit_text.clear();

  if (load) {
    absl::StatusOr<std::vector<CaseResult>> cases = load(address);
    if (!cases.ok()) {
      KillAndReap(pid);
      result.error = cases.status().ToString();
      return result;
    }
    result.cases = *std::move(cases);
    // The server's CPU is the child's: this process's CPU per call would
    // count the client alone.
    for (CaseResult& c : result.cases) c.server_in_this_process = false;
  }
  result.memory = ReadMemory(std::to_string(pid));
  if (spec.crash) {
    KillAndReap(pid);
    result.exit_text = "killed with SIGKILL (a crash)";
    return result;
  }

  // SIGTERM: NOT_SERVING, drain, exit 0.
  const Clock::time_point term = Clock::now();
  ::kill(pid, SIGTERM);
  std::optional<int> status = WaitExit(pid, kExitGiveUpSeconds);
  if (!status.has_value()) {
    KillAndReap(pid);
    result.exit_text = absl::StrCat("did not exit within ", kExitGiveUpSeconds,
                                    " s of SIGTERM; killed");
    return result;
  }
  result.shutdown_ms = SecondsSince(term) * 1000;
  result.exit_text = WaitText(*status);
  if (WIFEXITED(*status)) result.exit_code = WEXITSTATUS(*status);
  return result;
}

// ---------------------------------------------------------------------------
// The report.

std::string JsonNumber(double v) {
  if (!std::isfinite(v)) return "null";
  return absl::StrFormat("%.6g", v);
}

std::string JsonBool(bool v) { return v ? "true" : "false"; }

namespace {

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
                  ",\"ran_out\":", JsonBool(c.load.ran_out),
                  ",\"calls_per_second\":", JsonNumber(c.load.CallsPerSecond()),
                  ",\"p50_ms\":", JsonNumber(c.load.latency.QuantileMs(0.50)),
                  ",\"p99_ms\":", JsonNumber(c.load.latency.QuantileMs(0.99)),
                  ",\"cpu_us_per_call\":",
                  c.server_in_this_process ? JsonNumber(c.load.CpuMicrosPerCall()) : "null",
                  ",\"context_switches_per_call\":",
                  c.server_in_this_process ? JsonNumber(c.load.SwitchesPerCall()) : "null",
                  ",\"ratio_to_echo\":", JsonNumber(c.ratio), ",\"rounds\":", c.rounds,
                  ",\"round_ratio_low\":", JsonNumber(c.round_ratio_low),
                  ",\"round_ratio_high\":", JsonNumber(c.round_ratio_high),
                  ",\"target\":", runtime::JsonString(c.target), ",\"meets_target\":",
                  c.meets.has_value() ? JsonBool(*c.meets) : "null", "}");
  return out;
}

std::string ChildJson(const ChildResult& child) {
  std::string out = "{";
  absl::StrAppend(
      &out, "\"ran\":", JsonBool(child.ran), ",\"binary\":", runtime::JsonString(child.binary),
      ",\"database\":", runtime::JsonString(child.database),
      ",\"error\":", runtime::JsonString(child.error),
      ",\"serving_ms\":", JsonNumber(child.serving_ms), ",\"serving_meets_target\":",
      child.serving_ms >= 0 ? JsonBool(child.serving_ms <= kServingTargetMs) : "null",
      ",\"health_polls\":", child.health_polls, ",\"vm_rss_kib\":", child.memory.rss_kib,
      ",\"vm_hwm_kib\":", child.memory.hwm_kib, ",\"memory_meets_target\":",
      child.memory.hwm_kib >= 0 ? JsonBool(child.memory.hwm_kib <= kMemoryTargetKib) : "null",
      ",\"exit_code\":", child.exit_code, ",\"exit\":", runtime::JsonString(child.exit_text),
      ",\"shutdown_ms\":", JsonNumber(child.shutdown_ms), ",\"cases\":[");
  for (size_t i = 0; i < child.cases.size(); ++i) {
    absl::StrAppend(&out, i ? "," : "", CaseJson(child.cases[i]));
  }
  absl::StrAppend(&out, "]}");
  return out;
}

}  // namespace

std::string Report::Json(const Memory& self) const {
  const Settings& s = settings();
  std::string out = "{\n";
  absl::StrAppend(&out, "  \"tool\":\"seccoord-bench\",\n",
                  "  \"time\":", runtime::JsonString(runtime::Rfc3339Utc(absl::Now())), ",\n",
                  "  \"threads\":", s.threads, ",\n", "  \"seconds\":", JsonNumber(s.seconds),
                  ",\n", "  \"warmup_seconds\":", JsonNumber(s.warmup), ",\n",
                  "  \"cores\":", std::thread::hardware_concurrency(), ",\n",
                  "  \"drivers\":[\"sqlite\"", s.pg_url.empty() ? "" : ",\"postgres\"", "],\n",
                  "  \"targets\":{\"read_ratio_to_echo\":", JsonNumber(kReadRatioTarget),
                  ",\"resident_kib\":", kMemoryTargetKib,
                  ",\"serving_ms\":", JsonNumber(kServingTargetMs));
  for (const auto& [key, value] : targets_) {
    absl::StrAppend(&out, ",", runtime::JsonString(key), ":", JsonNumber(value));
  }
  absl::StrAppend(&out, "},\n", "  \"cases\":[\n");
  for (size_t i = 0; i < cases_.size(); ++i) {
    absl::StrAppend(&out, "    ", CaseJson(cases_[i]), i + 1 < cases_.size() ? ",\n" : "\n");
  }
  absl::StrAppend(&out, "  ],\n", "  \"bench_process\":{\"vm_rss_kib\":", self.rss_kib,
                  ",\"vm_hwm_kib\":", self.hwm_kib, "}");
  for (const auto& [key, child] : children_) {
    absl::StrAppend(&out, ",\n  ", runtime::JsonString(key), ":", ChildJson(child));
  }
  for (const auto& [key, json] : sections_) {
    absl::StrAppend(&out, ",\n  ", runtime::JsonString(key), ":", json);
  }
  absl::StrAppend(&out, ",\n  \"failures\":[");
  for (size_t i = 0; i < failures_.size(); ++i) {
    absl::StrAppend(&out, i ? "," : "", runtime::JsonString(failures_[i]));
  }
  absl::StrAppend(&out, "]\n}\n");
  return out;
}

void PrintTableHeader() {
  std::cout << absl::StrFormat("%-34s %7s %8s %11s %9s %9s %7s %7s  %-11s %s\n", "case",
                               "req B", "resp B", "calls/s", "p50 ms", "p99 ms", "cpu us",
                               "cs/call", "x echo", "target");
}

void PrintCaseRow(const CaseResult& c) {
  std::string ratio = c.kind == "echo" ? "1.00 (base)" : absl::StrFormat("%.2f", c.ratio);
  std::string target;
  if (!c.target.empty()) {
    target = absl::StrCat(c.target, ": ", c.meets.has_value() ? Meets(*c.meets) : "n/a");
  }
  const bool counted = c.server_in_this_process;
  const std::string cpu = counted ? absl::StrFormat("%.0f", c.load.CpuMicrosPerCall()) : "-";
  const std::string switches =
      counted ? absl::StrFormat("%.2f", c.load.SwitchesPerCall()) : "-";
  std::cout << absl::StrFormat("%-34s %7d %8d %11.1f %9.3f %9.3f %7s %7s  %-11s %s\n", c.id,
                               c.request_bytes, c.response_bytes, c.load.CallsPerSecond(),
                               c.load.latency.QuantileMs(0.50), c.load.latency.QuantileMs(0.99),
                               cpu, switches, ratio, target);
  if (c.rounds > 1) {
    std::cout << absl::StrFormat("    %d rounds against its echo; one round's ratio %.2f to %.2f\n",
                                 c.rounds, c.round_ratio_low, c.round_ratio_high);
  }
  if (c.load.ran_out) {
    std::cout << absl::StrFormat("    ran out of requests after %.2f s (%d calls)\n",
                                 c.load.seconds, c.load.calls);
  }
  if (c.load.errors > 0) {
    std::cout << absl::StrFormat("    %d of %d calls failed; first: %s\n", c.load.errors,
                                 c.load.calls, c.load.first_error);
  }
  std::cout.flush();
}

void PrintAndReport(PairedResult paired, Report& report) {
  PrintCaseRow(paired.echo);
  PrintCaseRow(paired.measured);
  report.AddCase(std::move(paired.echo));
  report.AddCase(std::move(paired.measured));
}

void PrintChild(const std::string& title, const ChildResult& child) {
  std::cout << "\n" << title << ":\n";
  if (!child.error.empty()) {
    std::cout << "  could not be measured: " << child.error << "\n";
    std::cout.flush();
    return;
  }
  std::cout << absl::StrFormat(
      "  time to SERVING        %8.1f ms   target <= %.0f ms: %s (spawn to first SERVING "
      "health answer, %d polls)\n",
      child.serving_ms, kServingTargetMs, Meets(child.serving_ms <= kServingTargetMs),
      child.health_polls);
  for (const CaseResult& c : child.cases) {
    std::cout << absl::StrFormat(
        "  under load: %-38s %9.1f calls/s  p50 %.3f ms  p99 %.3f ms%s\n", c.label,
        c.load.CallsPerSecond(), c.load.latency.QuantileMs(0.5), c.load.latency.QuantileMs(0.99),
        c.load.errors ? absl::StrCat("  (", c.load.errors, " failed: ", c.load.first_error, ")")
                      : "");
  }
  std::cout << absl::StrFormat(
      "  resident %s  VmHWM %s, VmRSS %s   target <= %s: %s\n",
      child.cases.empty() ? "after start" : "after load ", Mib(child.memory.hwm_kib),
      Mib(child.memory.rss_kib), Mib(kMemoryTargetKib),
      Meets(child.memory.hwm_kib >= 0 && child.memory.hwm_kib <= kMemoryTargetKib));
  std::cout << absl::StrFormat("  SIGTERM                %s after %.1f ms%s\n", child.exit_text,
                               child.shutdown_ms,
                               child.exit_code == 0 ? "" : "  (UNEXPECTED: exit 0 expected)");
  std::cout.flush();
}

}  // namespace seccoord::bench
