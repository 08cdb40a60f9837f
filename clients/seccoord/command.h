// The CLI's command framework: global options, the per-run context every
// command uses (profile, channels, deadlines, output), error classes and exit
// codes, the calls every command makes (one unary call, every page of a
// list, a watch stream) and the registration of command groups.
//
// A command group (policy, asset, assessment, status, audit) is one file
// with one function `void RegisterXxxCommands(CLI::App& root, CommandContext& ctx)`
// that adds its subcommands; a leaf subcommand installs its action with
// SetAction. Adding a group is a new file and one line in kCommandGroups
// (command.cc).
//
// Exit codes (also printed in the --help footer):
//   0  success
//   1  the server refused or failed the call (any gRPC error code), or the
//      server could not be reached (UNAVAILABLE, DEADLINE_EXCEEDED)
//   2  usage: bad command line, invalid argument value (date, number) or
//      input file
//   3  configuration: config file, profile or TLS files missing or invalid
//   4  verification failed: `policy verify` found a hash or chain mismatch,
//      `audit verify` found the chain not intact
// Every failure prints one line "error: <GRPC_CODE_NAME>: <message>" on stderr.
//
// Thread-safety: a CommandContext belongs to the one thread that runs the
// command; the free functions are stateless.
#ifndef SECCOORD_CLIENTS_SECCOORD_COMMAND_H_
#define SECCOORD_CLIENTS_SECCOORD_COMMAND_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "clients/seccoord/cli_config.h"
#include "clients/seccoord/output.h"

namespace CLI {
class App;
}  // namespace CLI

namespace seccoord::cli {

// Exit codes of the seccoord binary.
enum ExitCode : int {
  kExitOk = 0,
  kExitRpc = 1,
  kExitUsage = 2,
  kExitConfig = 3,
  kExitVerify = 4,
};

// The exit-code table as printed in --help.
extern const char kExitCodeHelp[];

// Marks a status with the class that decides the exit code.
absl::Status UsageError(absl::Status status);
absl::Status ConfigError(absl::Status status);
absl::Status VerificationError(absl::Status status);
// A status received from a server (exit code 1).
absl::Status RpcError(const grpc::Status& status);

// A usage error (INVALID_ARGUMENT) "<where>: <reason>"; `where` is the flag
// (--due) or the file and key a value came from ("advice.yaml: [0].due").
absl::Status UsageErrorAt(std::string_view where, std::string_view reason);
// The same with the message of `status` as the reason.
absl::Status UsageErrorAt(std::string_view where, const absl::Status& status);

// A value read by `parse` (a vocabulary parser such as
// asset::ParseSegmentValue); its refusal as UsageErrorAt(where, …).
template <typename Value>
absl::StatusOr<Value> ParseValue(absl::StatusOr<Value> (*parse)(std::string_view),
                                 std::string_view where, std::string_view text) {
  absl::StatusOr<Value> value = parse(text);
  if (!value.ok()) return UsageErrorAt(where, value.status());
  return *value;
}

// The exit code for a failed status: by its class mark; unmarked → 1.
int ExitCodeFor(const absl::Status& status);

// "error: PERMISSION_DENIED: message" (no trailing newline).
std::string FormatError(const absl::Status& status);

// A fresh random request id: a UUID version 4 from std::random_device,
// e.g. "3b241101-e2bb-4255-8caf-4136c566a962".
std::string NewRequestId();

// Options that apply to every command.
struct GlobalOptions {
  std::string config_path;  // --config
  std::string profile;      // --profile
  std::string output = "table";  // -o table|json
  bool wareki = false;      // --wareki
  double timeout_seconds = 10;   // --timeout
};

// Everything a command needs at run time. Config, profile and channels are
// resolved lazily, so --help and usage errors never need a config file.
class CommandContext {
 public:
  CommandContext(EnvLookup env, std::ostream& out, std::ostream& err);

  GlobalOptions& options() { return options_; }
  const EnvLookup& env() const { return env_; }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }

  // Output format and date style from the global options.
  OutputOptions output() const;

  // The selected profile (config file and profile resolved on first use).
  // Errors are marked ConfigError.
  absl::StatusOr<const Profile*> profile();

  // A channel to `service` of the selected profile (one per service, reused).
  absl::StatusOr<std::shared_ptr<grpc::Channel>> Channel(ServiceKind service);

  // Prepares a call: sets the --timeout deadline (unless `with_deadline` is
  // false, for a live watch stream that runs until interrupted).
  void PrepareCall(grpc::ClientContext* call, bool with_deadline = true) const;

  // Prints a response: its protobuf JSON with -o json, else `table()`.
  absl::Status Print(const google::protobuf::Message& response,
                     const std::function<std::string()>& table);

  // Prints what a create call made: its protobuf JSON with -o json; else the
  // new `id` alone on stdout (for scripts) and `details()` on stderr.
  absl::Status PrintCreated(const google::protobuf::Message& response, const std::string& id,
                            const std::function<std::string()>& details);

  // The action of the chosen leaf command (set by SetAction during parsing).
  void set_action(std::function<absl::Status()> action) { action_ = std::move(action); }
  const std::function<absl::Status()>& action() const { return action_; }

 private:
  GlobalOptions options_;
  EnvLookup env_;
  std::ostream& out_;
  std::ostream& err_;
  std::optional<Profile> profile_;
  std::map<ServiceKind, std::shared_ptr<grpc::Channel>> channels_;
  std::function<absl::Status()> action_;
};

// Checks that every string field of `request` (nested messages and repeated
// fields included) is valid UTF-8, naming the first bad one, e.g.
// "change_summary: is not valid UTF-8" — the wire format would refuse such a
// request without saying which field (text typed in a Shift_JIS terminal).
absl::Status CheckRequestText(const google::protobuf::Message& request);

// One unary call with the --timeout deadline: the request's text is checked
// first (a usage error); a failure of the call is an RpcError.
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> Unary(CommandContext& ctx, Stub& stub,
                               grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                            Response*),
                               const Request& request) {
  absl::Status text = CheckRequestText(request);
  if (!text.ok()) return UsageError(text);
  grpc::ClientContext call;
  ctx.PrepareCall(&call);
  Response response;
  grpc::Status status = (stub.*method)(&call, request, &response);
  if (!status.ok()) return RpcError(status);
  return response;
}

// A stub of `Service` on the channel to `service` of the selected profile.
template <typename Service>
absl::StatusOr<std::unique_ptr<typename Service::Stub>> NewServiceStub(CommandContext& ctx,
                                                                       ServiceKind service) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = ctx.Channel(service);
  if (!channel.ok()) return channel.status();
  return Service::NewStub(*channel);
}

// Every page of a list call: `method` is called with `request` (its page
// token advanced) until a page has no next_page_token, and the repeated
// field `items` of every page is gathered into one response. With
// `first_page_only`, the first page alone, with its next_page_token.
template <typename Stub, typename Request, typename Response, typename Item>
absl::StatusOr<Response> AllPages(CommandContext& ctx, Stub& stub,
                                  grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                               const Request&, Response*),
                                  Request request,
                                  google::protobuf::RepeatedPtrField<Item>* (Response::*items)(),
                                  bool first_page_only = false) {
  Response all;
  while (true) {
    absl::StatusOr<Response> page = Unary(ctx, stub, method, request);
    if (!page.ok()) return page.status();
    for (Item& item : *((*page).*items)()) *((all.*items)()->Add()) = std::move(item);
    if (first_page_only) {
      all.set_next_page_token(page->next_page_token());
      break;
    }
    if (page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
  }
  return all;
}

// A watch stream (`policy watch`, `assessment watch`): `open(call)` starts it
// on a call prepared with the --timeout deadline only when `with_deadline`
// (a live watch runs until interrupted). Each event is printed as it comes —
// one JSON line with -o json, else `line(event, options)` — and flushed.
// A stream that breaks is an RpcError that tells where to resume:
// "… (last sequence N; resume with --since N)", N being `since` when no
// event came.
template <typename Event, typename Open, typename Line>
absl::Status WatchEvents(CommandContext& ctx, bool with_deadline, int64_t since, Open open,
                         Line line) {
  grpc::ClientContext call;
  ctx.PrepareCall(&call, with_deadline);
  std::unique_ptr<grpc::ClientReader<Event>> reader = open(&call);
  Event event;
  int64_t last = since;
  const OutputOptions opts = ctx.output();
  while (reader->Read(&event)) {
    last = event.sequence();
    if (opts.format == OutputFormat::kJson) {
      absl::StatusOr<std::string> json = ToJson(event, /*pretty=*/false);
      if (!json.ok()) return json.status();
      ctx.out() << *json;
    } else {
      ctx.out() << line(event, opts);
    }
    ctx.out().flush();
  }
  grpc::Status status = reader->Finish();
  if (!status.ok()) {
    return RpcError(grpc::Status(
        status.error_code(),
        absl::StrCat(status.error_message(), " (last sequence ", last, "; resume with --since ",
                     last, ")")));
  }
  return absl::OkStatus();
}

// Reads FILE ("-" = standard input) as bytes; a usage error naming the file
// when it cannot be read.
absl::StatusOr<std::string> ReadInputFile(const std::string& path);

// Writes `bytes` to FILE exactly (created or truncated); a usage error
// (PERMISSION_DENIED) "FILE: cannot write the file" when that fails.
absl::Status WriteOutputFile(const std::string& path, std::string_view bytes);

// Makes `command` a leaf whose action is `action`, run after parsing. A
// command may have an action and subcommands too (`status`, `status
// federation`): its action runs only when no subcommand is chosen.
void SetAction(CLI::App* command, CommandContext& ctx, std::function<absl::Status()> action);

// A command group registration function.
using RegisterFn = void (*)(CLI::App& root, CommandContext& ctx);

// Builds the whole command tree with the global options on `app`.
void BuildCommandTree(CLI::App& app, CommandContext& ctx);

// Parses argv and runs the chosen command. Returns the process exit code;
// output goes to `out`, errors to `err`.
int RunCli(int argc, const char* const* argv, const EnvLookup& env, std::ostream& out,
           std::ostream& err);

}  // namespace seccoord::cli

#endif  // SECCOORD_CLIENTS_SECCOORD_COMMAND_H_
