// `seccoord status …`: the aggregated status of the self-inspection
// (DESIGN.md "Assessment service": aggregated status and federation view) —
// figures only, readable by members, the union and the advisor:
//
//   seccoord status [--org O] [--fy FY]            one organisation (default
//                                                  the caller's own)
//   seccoord status federation [--fy FY] [--years N]
//                                                  every organisation, and
//                                                  the trend of 実施率
//
// As for the other groups, each command is a pure request builder, the RPC
// call (status_commands.cc) and a pure renderer; `-o json` prints the
// response's protobuf JSON. The 実施率 shown is the server's (ResultCounts),
// never recomputed here.
//
// Thread-safety: stateless functions; the registered actions run on the
// thread that runs the CLI.
#ifndef SECCOORD_CLIENTS_SECCOORD_STATUS_COMMANDS_H_
#define SECCOORD_CLIENTS_SECCOORD_STATUS_COMMANDS_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "clients/seccoord/command.h"
#include "clients/seccoord/output.h"
#include "seccoord/v1/assessment.grpc.pb.h"
#include "seccoord/v1/assessment.pb.h"

namespace CLI {
class App;
}  // namespace CLI

namespace seccoord::cli {

class CommandContext;

// Adds `status` and `status federation` to `root`.
void RegisterStatusCommands(CLI::App& root, CommandContext& ctx);

// ---- Request builders. Bad values are usage errors naming the flag.

// `status [--org O] [--fy FY]` ("" = the caller's organisation, the current
// fiscal year). FY as 2026, 令和8年度, R8 or FY2026.
struct OrganizationStatusFlags {
  std::string organization;
  std::string fiscal_year;
};
// Every page of the federation view as one FederationStatus (organisations
// and trends of all pages; the other fields from the first).
absl::StatusOr<v1::FederationStatus> ReadFederationStatus(
    CommandContext& ctx, v1::AssessmentService::Stub& stub,
    v1::GetFederationStatusRequest request);

absl::StatusOr<v1::GetOrganizationStatusRequest> BuildOrganizationStatusRequest(
    const OrganizationStatusFlags& flags);

// `status federation [--fy FY] [--years N]`: N fiscal years of trend, 1–10
// (not given = the server's default, 5).
inline constexpr int kMaxTrendYears = 10;
struct FederationStatusFlags {
  std::string fiscal_year;
  std::optional<int> years;
};
absl::StatusOr<v1::GetFederationStatusRequest> BuildFederationStatusRequest(
    const FederationStatusFlags& flags);

// ---- Rendering.

// The bar of a 実施率: round(rate × cells) "█" then "░" up to `cells`; "" when
// there is no rate.
inline constexpr int kRateBarCells = 20;
std::string RateBar(const v1::ResultCounts& counts, int cells = kRateBarCells);

// A fiscal year as a column header of the trend: "2024", or "R6" with
// `wareki`.
std::string TrendYearHeader(int fiscal_year, bool wareki);

// `status`: the header (organisation, 年度, latest assessment id / round /
// state, checklist, policy binding, counted submission), one row per chapter
// (番号 章 実施 一部 未実施 該当なし 未回答 実施率 and the bar) and the total
// row 計, then open advice (count, oldest's age in days), advice asking for a
// policy review (第8), overdue remediations, the asset findings summary and
// the documents whose review is due, each with its as-of time and ", stale"
// when stale, and "checklist derived from basic-policy rN, rM in force" when
// the checklist is outdated. Without an assessment: "ORG: no assessment for
// 令和8年度" and the peer facts.
std::string RenderOrganizationStatus(const v1::OrganizationStatus& status,
                                     const OutputOptions& opts);

// `status federation`: ORGANIZATION STATE 実施率 OPEN ADVICE OVERDUE per
// organisation ("no assessment" when it has none), then the trend: one row
// per organisation with the 実施率 of each fiscal year ("—" for a year
// without assessment, "-" for one without rate), years as 2024… or R6….
std::string RenderFederationStatus(const v1::FederationStatus& federation,
                                   const OutputOptions& opts);

}  // namespace seccoord::cli

#endif  // SECCOORD_CLIENTS_SECCOORD_STATUS_COMMANDS_H_
