#include "clients/seccoord/audit_commands.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "clients/seccoord/command.h"
#include "common/status.h"
#include "seccoord/v1/audit.grpc.pb.h"

namespace seccoord::cli {
namespace {

constexpr int64_t kMaxPageSize = 1000;

struct AuditArgs {
  std::string service = "policy";
  int64_t after = 0;
  int64_t limit = 100;
};

absl::StatusOr<std::unique_ptr<v1::AuditService::Stub>> AuditStub(CommandContext& ctx,
                                                                 const std::string& service) {
  auto kind = ParseServiceKind(service);
  if (!kind.ok()) return UsageError(kind.status());
  return NewServiceStub<v1::AuditService>(ctx, *kind);
}

absl::Status RunList(CommandContext& ctx, const AuditArgs& a) {
  SECCOORD_ASSIGN_OR_RETURN(auto stub, AuditStub(ctx, a.service));
  v1::ListAuditEntriesResponse all;
  std::string token;
  while (a.limit == 0 || all.entries_size() < a.limit) {
    const v1::ListAuditEntriesRequest request =
        BuildAuditListRequest(a.after, a.limit, all.entries_size(), token);
    grpc::ClientContext call;
    ctx.PrepareCall(&call);
    v1::ListAuditEntriesResponse page;
    grpc::Status status = stub->ListAuditEntries(&call, request, &page);
    if (!status.ok()) return RpcError(status);
    for (auto& entry : *page.mutable_entries()) {
      if (a.limit != 0 && all.entries_size() >= a.limit) break;
      *all.add_entries() = std::move(entry);
    }
    token = page.next_page_token();
    if (token.empty() || page.entries().empty()) break;
  }
  if (a.limit != 0 && all.entries_size() >= a.limit && !token.empty()) {
    all.set_next_page_token(token);
  }
  SECCOORD_RETURN_IF_ERROR(ctx.Print(all, [&] { return RenderAuditEntries(all, ctx.output()); }));
  if (ctx.output().format == OutputFormat::kTable && !all.next_page_token().empty() &&
      all.entries_size() > 0) {
    ctx.err() << "(more entries: --after " << all.entries(all.entries_size() - 1).sequence()
              << ")\n";
  }
  return absl::OkStatus();
}

absl::Status RunVerify(CommandContext& ctx, const AuditArgs& a) {
  SECCOORD_ASSIGN_OR_RETURN(auto stub, AuditStub(ctx, a.service));
  grpc::ClientContext call;
  ctx.PrepareCall(&call);
  v1::VerifyAuditChainResponse response;
  grpc::Status status = stub->VerifyAuditChain(&call, v1::VerifyAuditChainRequest(), &response);
  if (!status.ok()) return RpcError(status);
  SECCOORD_RETURN_IF_ERROR(
      ctx.Print(response, [&] { return RenderAuditVerify(response, ctx.output()); }));
  if (!response.intact()) {
    return VerificationError(absl::DataLossError(
        absl::StrCat(a.service, " audit chain is not intact: first bad entry #",
                     response.first_bad_sequence(), ": ", response.problem())));
  }
  return absl::OkStatus();
}

void AddServiceOption(CLI::App* c, AuditArgs* a) {
  c->add_option("--service", a->service, "Whose audit chain: policy, asset or assessment")
      ->check(CLI::IsMember({"policy", "asset", "assessment"}))
      ->capture_default_str();
}

}  // namespace

v1::ListAuditEntriesRequest BuildAuditListRequest(int64_t after, int64_t limit, int64_t received,
                                                  const std::string& page_token) {
  v1::ListAuditEntriesRequest request;
  request.set_after_sequence(after);
  int64_t page = kMaxPageSize;
  if (limit > 0) page = std::clamp<int64_t>(limit - received, 1, kMaxPageSize);
  request.set_page_size(static_cast<int32_t>(page));
  request.set_page_token(page_token);
  return request;
}

void RegisterAuditCommands(CLI::App& root, CommandContext& ctx) {
  CLI::App* audit =
      root.add_subcommand("audit", "The hash-chained audit log of a service (union_admin, advisor)");
  audit->require_subcommand(1);
  {
    auto a = std::make_shared<AuditArgs>();
    CLI::App* c = audit->add_subcommand("list", "List audit entries in sequence order");
    AddServiceOption(c, a.get());
    c->add_option("--after", a->after, "Only entries after this sequence number")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    c->add_option("--limit", a->limit, "At most this many entries (0 = all)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    SetAction(c, ctx, [&ctx, a] { return RunList(ctx, *a); });
  }
  {
    auto a = std::make_shared<AuditArgs>();
    CLI::App* c = audit->add_subcommand(
        "verify", "Verify the whole chain; exit 4 naming the first bad entry when not intact");
    AddServiceOption(c, a.get());
    SetAction(c, ctx, [&ctx, a] { return RunVerify(ctx, *a); });
  }
}

}  // namespace seccoord::cli
