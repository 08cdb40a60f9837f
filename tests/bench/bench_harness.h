// The harness of seccoord-bench, shared by every case set (policy_cases.cc,
// assessment_cases.cc): the flags all sets read, the closed-loop load
// generator, the bare echo baseline over the servers' mTLS settings, the
// measurement of a server binary as a child process (time to SERVING,
// VmHWM under load, exit on SIGTERM), and the report (console table and
// JSON). It asserts nothing about time: targets are printed next to the
// figures as "meets target" / "below target", never turned into a failure.
//
// Every loop here is bounded in time and in count, and every server listens
// on 127.0.0.1 only.
//
// Thread-safety: Settings are written once by bench_main before any case set
// runs, then only read. RunLoad runs its own client threads and joins them
// before it returns; the Call a MakeCall returns belongs to one thread. A
// Report, an EchoBaseline and a ServerProcess are used by the thread that
// runs the case sets.
#ifndef SECCOORD_TESTS_BENCH_BENCH_HARNESS_H_
#define SECCOORD_TESTS_BENCH_BENCH_HARNESS_H_

#include <google/protobuf/descriptor.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <sys/types.h>

#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "services/runtime/db/database.h"
#include "services/runtime/server/server_main.h"

namespace seccoord::bench {

using Clock = std::chrono::steady_clock;

// Targets of DESIGN.md "Performance targets" shared by the case sets.
inline constexpr double kReadRatioTarget = 0.8;
inline constexpr int64_t kMemoryTargetKib = 64 * 1024;
inline constexpr double kServingTargetMs = 300;

// Bounds of every call and connection.
inline constexpr auto kCallDeadline = std::chrono::seconds(10);
inline constexpr auto kConnectDeadline = std::chrono::seconds(10);

// The dev certificate the read cases call as (a member: reads policies and
// every organisation's status, writes nothing of the union's).
inline constexpr char kReader[] = "mito-member1";

// ---------------------------------------------------------------------------
// Settings: the flags every case set reads (bench_main parses them).

struct Settings {
  int threads = 4;
  double seconds = 5;
  double warmup = 1;
  double child_seconds = 2;
  std::string pg_url;
  std::string json_path;
  std::string cert_dir;
  std::string source_dir;
  std::string temp_dir;  // made by bench_main, removed at the end
  bool keep_temp = false;
  int max_message_bytes = runtime::kDefaultMaxMessageBytes;
  // Directory of seccoord-bench: the server binaries are looked up there.
  std::string binary_dir;
};

// Parses the shared flags (absl::ParseCommandLine must have run) into
// *settings; INVALID_ARGUMENT names a bad flag.
absl::Status SettingsFromFlags(Settings* settings);
// The settings of this run, set once before any case set runs.
const Settings& settings();
void SetSettings(const Settings* settings);

// ---------------------------------------------------------------------------
// Small helpers.

absl::StatusOr<std::string> ReadFile(const std::string& path);
// <cert_dir>/<name><ext>, e.g. CertPath("ca", ".crt").
std::string CertPath(const std::string& name, const char* ext);
// <source_dir>/<relative>.
std::string SourcePath(const std::string& relative);
double SecondsSince(Clock::time_point start);
int64_t NowMicros();
// Unique per run (pid and time), so ids of repeated runs on one PostgreSQL
// server never collide.
std::string RunNonce();
std::string StatusText(const grpc::Status& status);
// Prefixes a status's message with `context`, keeping its code.
absl::Status Annotate(const absl::Status& status, const std::string& context);
std::string Meets(bool meets);

// VmRSS and VmHWM of a process, KiB (-1 when unreadable).
struct Memory {
  int64_t rss_kib = -1;
  int64_t hwm_kib = -1;
};
// `pid` is a process id or "self".
Memory ReadMemory(const std::string& pid);
std::string Mib(int64_t kib);

// ---------------------------------------------------------------------------
// Latency histogram: log-linear buckets over nanoseconds, 64 sub-buckets per
// power of two (≤ 1.6 % error), fixed size whatever the number of calls.
class Histogram {
 public:
  void Add(int64_t ns);
  void Merge(const Histogram& other);
  int64_t count() const { return count_; }
  // The q-quantile (0 < q ≤ 1) in milliseconds; 0 when empty.
  double QuantileMs(double q) const;

 private:
  static constexpr int kSub = 64;       // sub-buckets per power of two
  static constexpr int kExact = 128;    // values below are their own bucket
  static constexpr int kMaxShift = 40;  // ~18 minutes: beyond any deadline
  static size_t Index(int64_t v);
  static double Middle(size_t i);
  std::array<int64_t, kExact + (kMaxShift - 6) * kSub> buckets_{};
  int64_t count_ = 0;
};

// ---------------------------------------------------------------------------
// Channels and the closed loop.

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> Credentials(
    const std::string& cert_name);
// A channel with its own connection (own subchannel pool) to `address` as
// `cert_name`, with the servers' max message size.
absl::StatusOr<std::shared_ptr<grpc::Channel>> Channel(const std::string& address,
                                                       const std::string& cert_name);

// One client thread's call: sends one request and returns its status, or
// nullopt when it has nothing left to send (a case with a finite supply of
// requests, such as assessments to submit): that thread then stops.
using Call = std::function<std::optional<grpc::Status>()>;
// Makes the call of thread `thread` (its own channel, stub and request
// state); connected before it returns.
using MakeCall = std::function<absl::StatusOr<Call>(int thread)>;

struct Load {
  int64_t calls = 0;
  int64_t errors = 0;
  std::string first_error;
  double seconds = 0;
  // Some thread ran out of requests before the time was up.
  bool ran_out = false;
  Histogram latency;
  // CPU time (user + system) of this whole process — client threads and
  // in-process servers — over the measured seconds. On a shared machine
  // whose vCPUs lose time to others (steal), CPU per call moves far less
  // between runs than calls/s, so it tells what a case's own work costs.
  double cpu_seconds = 0;
  // Context switches (voluntary + involuntary, getrusage) of this process
  // over the same time. A thread that blocks and is woken again costs a
  // switch pair; on this kind of VM each costs several microseconds of CPU,
  // so a case whose calls wake more threads than its echo's pays for it
  // even when its own work is small.
  int64_t context_switches = 0;
  double CallsPerSecond() const { return seconds > 0 ? calls / seconds : 0; }
  // Microseconds of CPU per call; 0 without calls.
  double CpuMicrosPerCall() const { return calls > 0 ? cpu_seconds * 1e6 / calls : 0; }
  // Context switches per call; 0 without calls.
  double SwitchesPerCall() const {
    return calls > 0 ? static_cast<double>(context_switches) / calls : 0;
  }
};

// Runs `threads` closed loops: `warmup` seconds unrecorded, then `seconds`
// recorded (a thread finishes the call in progress at the end, and makes at
// least one recorded call even when `seconds` is up before it starts). The
// measured time ends when the last thread stopped.
absl::StatusOr<Load> RunLoad(const MakeCall& make, int threads, double warmup, double seconds);

// What a MakeCall keeps per client thread across the loads it is made for
// (MeasureReadAgainstEcho makes each thread's call anew for every slice):
// the next call number, the next page token. A thread goes on where its
// last slice stopped, so the slices together read what one long run would.
template <typename T>
class ThreadCarry {
 public:
  // The value `thread` left, or T() the first time.
  T Take(int thread) {
    std::lock_guard<std::mutex> lock(mu_);
    return values_[thread];
  }
  void Put(int thread, T value) {
    std::lock_guard<std::mutex> lock(mu_);
    values_[thread] = std::move(value);
  }

 private:
  std::mutex mu_;
  std::map<int, T> values_;
};

template <typename T>
struct NotDeduced {
  using type = T;
};

// Changes the request of thread `thread` before its n-th call (fresh
// request ids, the next assessment); false when it has nothing left to send.
template <typename Request>
using PrepareRequest = std::function<bool(int thread, int64_t n, Request* request)>;

// The path of `method` of the generated service `Service`
// ("/seccoord.v1.AssessmentService/GetFederationStatus"), checked against the
// generated descriptor: the method exists and takes `Request`.
template <typename Service, typename Request>
absl::StatusOr<std::string> MethodPath(const std::string& method) {
  const std::string service = Service::service_full_name();
  const google::protobuf::MethodDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
          absl::StrCat(service, ".", method));
  if (descriptor == nullptr || descriptor->client_streaming() ||
      descriptor->server_streaming()) {
    return absl::InvalidArgumentError(absl::StrCat(service, " has no unary method ", method));
  }
  if (descriptor->input_type() != Request::descriptor()) {
    return absl::InvalidArgumentError(absl::StrCat(service, ".", method, " takes ",
                                                   descriptor->input_type()->full_name(), ", not ",
                                                   Request::descriptor()->full_name()));
  }
  return absl::StrCat("/", service, "/", method);
}

// MakeCall for unary method `method` of the generated service `Service`:
// each thread gets its own channel as `cert_name`, a completion queue and
// its own copy of `request`; `prepare` (may be empty) changes the request
// before each call. A thread's call numbers n go on from one load to the
// next (ThreadCarry).
//
// The reply is received as bytes and not decoded (a generic stub, as gRPC's
// own qps benchmark does in its byte-buffer mode): the load generator shares
// this machine's two cores with the server, and decoding a large structured
// reply (a federation page of 100 statuses) in the client would charge the
// client's work to the service, while the echo's reply is one bytes field.
// Probe decodes each case's reply once, so a reply that does not parse is
// still a setup failure.
template <typename Service, typename Request>
MakeCall UnaryCall(std::string address, std::string cert_name, Request request,
                   std::string method,
                   typename NotDeduced<PrepareRequest<Request>>::type prepare = nullptr) {
  auto carry = std::make_shared<ThreadCarry<int64_t>>();
  return [=](int thread) -> absl::StatusOr<Call> {
    absl::StatusOr<std::string> path = MethodPath<Service, Request>(method);
    if (!path.ok()) return path.status();
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = Channel(address, cert_name);
    if (!channel.ok()) return channel.status();
    if (!(*channel)->WaitForConnected(std::chrono::system_clock::now() + kConnectDeadline)) {
      return absl::UnavailableError(absl::StrCat("cannot connect to ", address));
    }
    struct State {
      explicit State(std::shared_ptr<grpc::Channel> channel) : stub(std::move(channel)) {}
      ~State() {
        carry->Put(thread, n);
        cq.Shutdown();
        void* tag;
        bool ok;
        while (cq.Next(&tag, &ok)) {
        }
      }
      grpc::TemplatedGenericStub<Request, grpc::ByteBuffer> stub;
      grpc::CompletionQueue cq;
      std::string path;
      Request request;
      grpc::ByteBuffer reply;
      int64_t n = 0;
      std::shared_ptr<ThreadCarry<int64_t>> carry;
      int thread = 0;
    };
    auto state = std::make_shared<State>(*channel);
    state->path = *std::move(path);
    state->request = request;
    state->carry = carry;
    state->thread = thread;
    state->n = carry->Take(thread);
    return Call([state, prepare, thread]() -> std::optional<grpc::Status> {
      if (prepare && !prepare(thread, state->n++, &state->request)) return std::nullopt;
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
      std::unique_ptr<grpc::ClientAsyncResponseReader<grpc::ByteBuffer>> call =
          state->stub.PrepareUnaryCall(&context, state->path, state->request, &state->cq);
      call->StartCall();
      grpc::Status status;
      call->Finish(&state->reply, &status, state.get());
      void* tag = nullptr;
      bool ok = false;
      if (!state->cq.Next(&tag, &ok) || tag != state.get() || !ok) {
        return grpc::Status(grpc::StatusCode::INTERNAL, "the completion queue ended the call");
      }
      return status;
    });
  };
}

// Calls `method` once as `cert_name` and returns the serialised sizes of the
// request and its response; an error is a setup failure (the bench would
// measure the wrong thing).
struct MessageSizes {
  size_t request_bytes = 0;
  size_t response_bytes = 0;
};
template <typename Stub, typename Request, typename Response>
absl::StatusOr<MessageSizes> Probe(
    const std::string& address, const std::string& cert_name, const Request& request,
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    const std::string& what) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = Channel(address, cert_name);
  if (!channel.ok()) return channel.status();
  Stub stub(*channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
  Response response;
  grpc::Status status = (stub.*method)(&context, request, &response);
  if (!status.ok()) {
    return absl::InternalError(
        absl::StrCat("probe of ", what, " at ", address, ": ", StatusText(status)));
  }
  return MessageSizes{request.ByteSizeLong(), response.ByteSizeLong()};
}

// ---------------------------------------------------------------------------
// In-process servers.

// Starts `spec` on `db` (which must outlive it) on 127.0.0.1 with a free
// port, the dev certificate `cert_name`, the access policy of the source
// tree and the servers' max message size. Its per-RPC log lines go to
// <temp_dir>/<log_name>, one write per line like the real server writes
// stderr, so the measured server does the work the real one does.
absl::StatusOr<std::unique_ptr<runtime::RunningServer>> StartInProcessServer(
    const runtime::ServerSpec& spec, const std::string& cert_name, db::Database& db,
    const std::string& log_name);

// ---------------------------------------------------------------------------
// Results.

struct CaseResult {
  std::string id;        // echo.sqlite.get_revision, sqlite.get_revision, …
  std::string label;
  std::string kind;      // echo, read, write
  std::string baseline;  // id of the echo case it is compared with
  size_t request_bytes = 0;
  size_t response_bytes = 0;
  Load load;
  // False when the server is a child process: load's CPU time and context
  // switches are then the client's alone and are not reported.
  bool server_in_this_process = true;
  double ratio = 0;  // calls/s ÷ the baseline's calls/s
  // A read measured in rounds against its own echo (MeasureReadAgainstEcho):
  // the number of rounds and the lowest and highest ratio of one round.
  int rounds = 0;
  double round_ratio_low = 0;
  double round_ratio_high = 0;
  std::string target;
  std::optional<bool> meets;
};

// Runs the load of one case: `seconds` measured after `warmup`, on
// settings().threads threads.
absl::StatusOr<CaseResult> Measure(const std::string& id, const std::string& label,
                                   const std::string& kind, const MakeCall& make,
                                   MessageSizes sizes, double seconds, double warmup);

// Sets the case's ratio to `echo`; a read gets the target ≥ 0.8 × echo.
void CompareWithEcho(CaseResult* c, const CaseResult& echo, bool is_read);
// Adds an absolute target (e.g. ">= 1000 calls/s") beside the ratio; the
// verdict is `meets`.
void SetTarget(CaseResult* c, const std::string& target, bool meets);

// ---------------------------------------------------------------------------
// The echo service: the ceiling of gRPC + mTLS + protobuf on this machine.
// It has the TLS settings of RunningServer::Start (the policyd certificate,
// a client certificate requested and verified against the dev CA, the same
// max message size), its sync-server threads (SetSyncServerThreads) and
// nothing else: no guard, interceptors, log or database.
class EchoBaseline {
 public:
  static absl::StatusOr<std::unique_ptr<EchoBaseline>> Start();
  ~EchoBaseline();

  // Measures the echo with request and reply sized like a case's (within
  // two bytes), as kReader: case "echo.<key>", ratio 1.
  absl::StatusOr<CaseResult> MeasureLike(const std::string& key, MessageSizes sizes,
                                         double seconds, double warmup);

  // The echo's call sized like `sizes`, and the sizes it really has.
  MakeCall CallLike(MessageSizes sizes, MessageSizes* echo_sizes) const;

 private:
  struct Impl;
  explicit EchoBaseline(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A read case and the echo sized like it, measured in alternating rounds
// (echo, case, case, echo, echo, case, …: each half of the time in
// kRoundSeconds slices, the order swapped every round) on the same threads.
// A shared machine whose vCPUs lose time to others in bursts of a second
// or more slows both alike, so the ratio of the summed figures is the
// service's own cost, not which of two back-to-back runs had the better
// second. The measured `seconds` are shared: half for the case, half for
// its echo. Each slice connects anew (outside the measured time) and warms
// up for kSliceWarmupSeconds; `warmup` runs once before the first round.
// `make` is called anew for every slice; a case that walks (the n-th
// organisation, the next page) keeps each thread's place in a ThreadCarry.
//
// The echo comes back as case "echo.<id>" (ratio 1), the case with its
// ratio to that echo, the target ≥ 0.8 × echo, and the spread of the
// ratios of single rounds.
inline constexpr double kRoundSeconds = 0.5;
inline constexpr double kSliceWarmupSeconds = 0.1;
struct PairedResult {
  CaseResult echo;
  CaseResult measured;
};
absl::StatusOr<PairedResult> MeasureReadAgainstEcho(EchoBaseline& echo, const std::string& id,
                                                    const std::string& label,
                                                    const MakeCall& make, MessageSizes sizes,
                                                    double seconds, double warmup);

// ---------------------------------------------------------------------------
// A server binary as a child process.

struct ChildResult {
  bool ran = false;
  std::string binary;
  std::string database;  // what it ran on, for the report
  std::string error;     // set when this part could not be done
  double serving_ms = -1;
  int health_polls = 0;
  std::vector<CaseResult> cases;
  Memory memory;
  int exit_code = -1;      // -1: did not exit by itself
  std::string exit_text;   // "exit 0", "signal 9", …
  double shutdown_ms = -1;
};

struct ChildSpec {
  std::string binary;
  // Name of its log file in the directory (stdout and stderr).
  std::string log_name;
  // The grpc.health.v1 service name whose SERVING ends the start.
  std::string health_service;
  // Its command line after the binary, listening on `address`; `attempt`
  // (0, 1, 2) is the try with a freshly probed port.
  std::function<std::vector<std::string>(const std::string& address, int attempt)> args;
  // Ends the child with SIGKILL after the load instead of SIGTERM: a crash,
  // whose database the next child starts on (exit_code stays -1).
  bool crash = false;
};

// What runs against the SERVING child: cases measured under load, or an
// error (a seed that failed) that stops the child with SIGKILL.
using ChildLoad = std::function<absl::StatusOr<std::vector<CaseResult>>(const std::string& address)>;

// Spawns `spec` (stdout/stderr to <dir>/<log_name>), polls its health until
// SERVING (time from spawn), runs `load` (may be empty), reads its VmRSS and
// VmHWM, sends SIGTERM (SIGKILL when spec.crash) and waits for its exit.
// Never leaves it running.
ChildResult MeasureChild(const ChildSpec& spec, const std::string& dir, const ChildLoad& load);

// ---------------------------------------------------------------------------
// The report.

class Report {
 public:
  void AddCase(CaseResult c) { cases_.push_back(std::move(c)); }
  // A top-level JSON member holding a child's figures (e.g. "policyd").
  void AddChild(const std::string& key, ChildResult child) {
    children_.emplace_back(key, std::move(child));
  }
  // A target named in "targets" (e.g. "submit_per_second": 1000).
  void AddTarget(const std::string& key, double value) { targets_.emplace_back(key, value); }
  // A top-level member whose value is `json` (an object the case set wrote).
  void AddSection(const std::string& key, std::string json) {
    sections_.emplace_back(key, std::move(json));
  }
  // Something could not be measured: the run still ends and writes its
  // report, then exits 1.
  void AddFailure(const std::string& what) { failures_.push_back(what); }
  const std::vector<std::string>& failures() const { return failures_; }

  std::string Json(const Memory& bench_process) const;

 private:
  std::vector<CaseResult> cases_;
  std::vector<std::pair<std::string, ChildResult>> children_;
  std::vector<std::pair<std::string, double>> targets_;
  std::vector<std::pair<std::string, std::string>> sections_;
  std::vector<std::string> failures_;
};

std::string JsonNumber(double v);
std::string JsonBool(bool v);

// Console output: the table header of a case set, one row per case, and a
// child's figures.
void PrintTableHeader();
void PrintCaseRow(const CaseResult& c);
// Prints a read and its echo (MeasureReadAgainstEcho) and adds both to
// `report`, the echo first.
void PrintAndReport(PairedResult paired, Report& report);

// The noise floor of this run's ratios: a second echo server, identical to
// `echo`, measured against it exactly as a read is (MeasureReadAgainstEcho),
// sized like an organisation status (17-byte request, 1,034-byte reply).
// Its ratio is 1 on a quiet machine; how far it lands from 1, and the
// spread of its rounds, is how far apart two ratios of the same run must be
// before they say anything. Case "echo_twin" (kind "calibration", no
// target) with its echo "echo.echo_twin"; printed and added to `report`.
absl::Status MeasureEchoTwin(EchoBaseline& echo, Report& report);

void PrintChild(const std::string& title, const ChildResult& child);

// ---------------------------------------------------------------------------
// A case set: the cases of one service, run by bench_main in order.
struct CaseSet {
  std::string name;
  // Checks the set's own flags; INVALID_ARGUMENT names a bad one.
  std::function<absl::Status()> check_flags;
  // Runs the set, adding its figures to the report; an error is a setup
  // failure (a server, the seed), reported and turned into exit code 1.
  std::function<absl::Status(EchoBaseline& echo, Report& report)> run;
};

}  // namespace seccoord::bench

#endif  // SECCOORD_TESTS_BENCH_BENCH_HARNESS_H_
