#include "clients/seccoord/command.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <fstream>
#include <random>
#include <sstream>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "clients/seccoord/assessment_commands.h"
#include "clients/seccoord/asset_commands.h"
#include "clients/seccoord/audit_commands.h"
#include "clients/seccoord/channel.h"
#include "clients/seccoord/health_commands.h"
#include "clients/seccoord/policy_commands.h"
#include "clients/seccoord/status_commands.h"
#include "common/status.h"
#include "common/utf8.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"

namespace seccoord::cli {
namespace {

// The command groups, in the order --help lists them. A new group (asset,
// assessment) is a new file with its Register function, added here.
constexpr RegisterFn kCommandGroups[] = {
    &RegisterPolicyCommands,
    &RegisterAssetCommands,
    &RegisterAssessmentCommands,
    &RegisterStatusCommands,
    &RegisterAuditCommands,
    &RegisterHealthCommands,
};

constexpr char kExitClassPayload[] = "type.seccoord/cli.exit_class";

absl::Status Mark(absl::Status status, const char* exit_class) {
  if (!status.ok()) status.SetPayload(kExitClassPayload, absl::Cord(exit_class));
  return status;
}

}  // namespace

const char kExitCodeHelp[] =
    "Exit codes: 0 success; 1 the server refused or failed the call, or could not be reached;\n"
    "2 usage (bad command line, argument or input file); 3 configuration (config file,\n"
    "profile, TLS files); 4 verification failed (policy verify, audit verify).\n"
    "Errors are printed as \"error: <GRPC_CODE_NAME>: <message>\" on stderr.\n"
    "Config: --config, else $SECCOORD_CONFIG, else ~/.config/seccoord/config.yaml;\n"
    "profile: --profile, else $SECCOORD_PROFILE, else the config's default_profile.";

absl::Status UsageError(absl::Status status) { return Mark(std::move(status), "usage"); }
absl::Status ConfigError(absl::Status status) { return Mark(std::move(status), "config"); }
absl::Status VerificationError(absl::Status status) { return Mark(std::move(status), "verify"); }
absl::Status RpcError(const grpc::Status& status) {
  return Mark(FromGrpcStatus(status), "rpc");
}

absl::Status UsageErrorAt(std::string_view where, std::string_view reason) {
  return UsageError(
      absl::InvalidArgumentError(absl::StrCat(std::string(where), ": ", std::string(reason))));
}

absl::Status UsageErrorAt(std::string_view where, const absl::Status& status) {
  return UsageErrorAt(where, std::string(status.message()));
}

int ExitCodeFor(const absl::Status& status) {
  if (status.ok()) return kExitOk;
  const auto payload = status.GetPayload(kExitClassPayload);
  if (!payload.has_value()) return kExitRpc;
  const std::string exit_class(*payload);
  if (exit_class == "usage") return kExitUsage;
  if (exit_class == "config") return kExitConfig;
  if (exit_class == "verify") return kExitVerify;
  return kExitRpc;
}

std::string FormatError(const absl::Status& status) {
  return absl::StrCat("error: ", std::string(StatusCodeName(status.code())), ": ", status.message());
}

std::string NewRequestId() {
  std::random_device device;
  std::uniform_int_distribution<unsigned> byte(0, 255);
  unsigned char b[16];
  for (unsigned char& c : b) c = static_cast<unsigned char>(byte(device));
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  return absl::StrFormat(
      "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2],
      b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

CommandContext::CommandContext(EnvLookup env, std::ostream& out, std::ostream& err)
    : env_(std::move(env)), out_(out), err_(err) {}

OutputOptions CommandContext::output() const {
  OutputOptions opts;
  opts.format = options_.output == "json" ? OutputFormat::kJson : OutputFormat::kTable;
  opts.wareki = options_.wareki;
  return opts;
}

absl::StatusOr<const Profile*> CommandContext::profile() {
  if (!profile_) {
    auto path = ResolveConfigPath(options_.config_path, env_);
    if (!path.ok()) return ConfigError(path.status());
    auto config = LoadCliConfig(*path, env_);
    if (!config.ok()) return ConfigError(config.status());
    auto profile = ResolveProfile(*config, options_.profile, env_);
    if (!profile.ok()) return ConfigError(profile.status());
    profile_ = *std::move(profile);
  }
  return &*profile_;
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> CommandContext::Channel(ServiceKind service) {
  auto it = channels_.find(service);
  if (it != channels_.end()) return it->second;
  auto profile = this->profile();
  if (!profile.ok()) return profile.status();
  auto channel = MakeChannel(**profile, service);
  if (!channel.ok()) return ConfigError(channel.status());
  channels_[service] = *channel;
  return *channel;
}

void CommandContext::PrepareCall(grpc::ClientContext* call, bool with_deadline) const {
  if (with_deadline) {
    call->set_deadline(std::chrono::system_clock::now() +
                       std::chrono::microseconds(
                           static_cast<int64_t>(options_.timeout_seconds * 1e6)));
  }
}

absl::Status CommandContext::Print(const google::protobuf::Message& response,
                                   const std::function<std::string()>& table) {
  if (output().format == OutputFormat::kJson) {
    auto json = ToJson(response, /*pretty=*/true);
    if (!json.ok()) return json.status();
    out_ << *json;
  } else {
    out_ << table();
  }
  out_.flush();
  return absl::OkStatus();
}

absl::Status CommandContext::PrintCreated(const google::protobuf::Message& response,
                                          const std::string& id,
                                          const std::function<std::string()>& details) {
  if (output().format == OutputFormat::kJson) return Print(response, nullptr);
  out_ << id << "\n";
  out_.flush();
  err_ << details();
  return absl::OkStatus();
}

void SetAction(CLI::App* command, CommandContext& ctx, std::function<absl::Status()> action) {
  command->callback([command, &ctx, action = std::move(action)] {
    // A command with an action of its own and subcommands (`status` and
    // `status federation`): the chosen subcommand's action wins, whichever
    // callback CLI11 runs first.
    if (!command->get_subcommands().empty()) return;
    ctx.set_action(action);
  });
}

void BuildCommandTree(CLI::App& app, CommandContext& ctx) {
  GlobalOptions& o = ctx.options();
  app.footer(kExitCodeHelp);
  app.require_subcommand(1);
  // Global options may also be given after the subcommand.
  app.fallthrough();
  app.add_option("--config", o.config_path,
                 "Config file (default: $SECCOORD_CONFIG, then ~/.config/seccoord/config.yaml)");
  app.add_option("--profile", o.profile,
                 "Profile in the config (default: $SECCOORD_PROFILE, then default_profile)");
  app.add_option("-o,--output", o.output, "Output format: table or json (protobuf JSON)")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  app.add_flag("--wareki", o.wareki, "Show dates in the Japanese era calendar (令和8年4月1日)");
  app.add_option("--timeout", o.timeout_seconds, "Deadline of every call, in seconds")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            double seconds = 0;
            if (!CLI::detail::lexical_cast(text, seconds) || !(seconds > 0) ||
                seconds > 86400) {
              return "must be a number of seconds, more than 0 and at most 86400";
            }
            return std::string();
          },
          "SECONDS", "seconds"))
      ->capture_default_str();
  for (RegisterFn register_group : kCommandGroups) register_group(app, ctx);
}

int RunCli(int argc, const char* const* argv, const EnvLookup& env, std::ostream& out,
           std::ostream& err) {
  CommandContext ctx(env, out, err);
  CLI::App app{"seccoord: the union's information security policy, assets and self-inspection",
               "seccoord"};
  BuildCommandTree(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      // --help (anywhere) and friends: print and succeed.
      return app.exit(e, out, err);
    }
    // Name the command the error is about, and for a group without a
    // subcommand list what it offers.
    CLI::App* deepest = &app;
    std::string path = "seccoord";
    while (true) {
      std::vector<CLI::App*> chosen = deepest->get_subcommands();
      if (chosen.empty()) break;
      deepest = chosen.front();
      absl::StrAppend(&path, " ", deepest->get_name());
    }
    std::string message = e.what();
    std::vector<CLI::App*> offered = deepest->get_subcommands({});
    if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr && !offered.empty() &&
        deepest->get_subcommands().empty()) {
      std::vector<std::string> names;
      for (const CLI::App* sub : offered) names.push_back(sub->get_name());
      message = absl::StrCat("'", path, "' needs a command: ", absl::StrJoin(names, ", "));
    }
    err << FormatError(absl::InvalidArgumentError(message)) << "\n"
        << "Run '" << path << " --help' for more information.\n";
    return kExitUsage;
  }
  if (!ctx.action()) {
    err << FormatError(absl::InvalidArgumentError("no command given")) << "\n";
    return kExitUsage;
  }
  absl::Status status;
  try {
    status = ctx.action()();
  } catch (const std::exception& e) {
    status = absl::InternalError(e.what());
  }
  out.flush();
  if (!status.ok()) {
    err << FormatError(status) << "\n";
    return ExitCodeFor(status);
  }
  return kExitOk;
}

namespace {

absl::Status CheckMessageText(const google::protobuf::Message& message, const std::string& prefix) {
  using google::protobuf::FieldDescriptor;
  const auto* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    const std::string name = prefix + field->name();
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
          if (!IsValidUtf8(reflection->GetRepeatedString(message, field, i))) {
            return InvalidField(absl::StrCat(name, "[", i, "]"), "is not valid UTF-8");
          }
        }
      } else if (!IsValidUtf8(reflection->GetString(message, field))) {
        return InvalidField(name, "is not valid UTF-8");
      }
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
          SECCOORD_RETURN_IF_ERROR(
              CheckMessageText(reflection->GetRepeatedMessage(message, field, i),
                               absl::StrCat(name, "[", i, "].")));
        }
      } else {
        SECCOORD_RETURN_IF_ERROR(
            CheckMessageText(reflection->GetMessage(message, field), name + "."));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckRequestText(const google::protobuf::Message& request) {
  return CheckMessageText(request, "");
}

absl::StatusOr<std::string> ReadInputFile(const std::string& path) {
  std::ostringstream bytes;
  if (path == "-") {
    bytes << std::cin.rdbuf();
    return bytes.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return UsageError(absl::NotFoundError(absl::StrCat(path, ": cannot read the file")));
  bytes << in.rdbuf();
  return bytes.str();
}

absl::Status WriteOutputFile(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    return UsageError(absl::PermissionDeniedError(absl::StrCat(path, ": cannot write the file")));
  }
  return absl::OkStatus();
}

}  // namespace seccoord::cli
