// `seccoord asset …`: the commands of AssetService — the union's information
// asset inventory (第4(2)), its compliance findings (第6), and CSV import and
// export of the inventory.
//
// As for the policy commands, each command is a pure request builder (tested
// without a server), the RPC call (asset_commands.cc), and a pure renderer
// (below).
//
// Enum values on the command line and in YAML files are read by the value
// parsers of the CSV layout (common/asset_csv.h, library
// seccoord_asset_csv), so flags, YAML and CSV cells accept the same forms:
// the proto's short names (SENSITIVE, 3B, TERMS_BASED; case-insensitive,
// full-width letters folded), the full proto names (SEGMENT_SENSITIVE), or the
// Japanese labels listed in docs/asset-csv.md (機微情報取扱系, 機密性3B, 約款).
#ifndef SECCOORD_CLIENTS_SECCOORD_ASSET_COMMANDS_H_
#define SECCOORD_CLIENTS_SECCOORD_ASSET_COMMANDS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "clients/seccoord/output.h"
#include "seccoord/v1/asset.pb.h"

namespace CLI {
class App;
}  // namespace CLI

namespace seccoord::cli {

class CommandContext;

// Adds `asset` and its subcommands to `root`.
void RegisterAssetCommands(CLI::App& root, CommandContext& ctx);

// ---- Enum values. Each parser returns a usage error (INVALID_ARGUMENT)
// "<where>: unknown value 'X' (one of: A, B, …)" for anything it does not
// know; `where` is the flag (--segment) or "FILE: key".
absl::StatusOr<v1::AssetCategory> ParseAssetCategory(std::string_view where,
                                                     std::string_view text);
absl::StatusOr<v1::Segment> ParseSegment(std::string_view where, std::string_view text);
absl::StatusOr<v1::Confidentiality> ParseConfidentiality(std::string_view where,
                                                         std::string_view text);
absl::StatusOr<v1::Integrity> ParseIntegrity(std::string_view where, std::string_view text);
absl::StatusOr<v1::Availability> ParseAvailability(std::string_view where,
                                                   std::string_view text);
absl::StatusOr<v1::ExternalServiceUse> ParseExternalServiceUse(std::string_view where,
                                                               std::string_view text);
absl::StatusOr<v1::Lifecycle> ParseLifecycle(std::string_view where, std::string_view text);
// auto, utf-8 (utf8), cp932 (shift_jis, sjis).
absl::StatusOr<v1::CsvEncoding> ParseCsvEncoding(std::string_view where, std::string_view text);

// Short names for output: "INFORMATION_SYSTEM", "SENSITIVE", "3B", "2",
// "TERMS_BASED", "ACTIVE", "CRITICAL"; "-" when unspecified.
std::string AssetCategoryName(v1::AssetCategory value);
std::string SegmentName(v1::Segment value);
std::string ConfidentialityName(v1::Confidentiality value);
std::string IntegrityName(v1::Integrity value);
std::string AvailabilityName(v1::Availability value);
std::string ExternalServiceUseName(v1::ExternalServiceUse value);
std::string LifecycleName(v1::Lifecycle value);
std::string SeverityName(v1::Severity value);
// The Japanese label of a value ("情報システム", "約款", "使用中"); "" if none.
std::string AssetCategoryLabel(v1::AssetCategory value);
std::string ExternalServiceUseLabel(v1::ExternalServiceUse value);
std::string LifecycleLabel(v1::Lifecycle value);

// ---- Building assets from flags and YAML.

// The field flags of `asset add` and `asset update`. A field that is nullopt
// (or a connection list that is empty) was not given and is left as it is.
struct AssetFieldFlags {
  std::optional<std::string> name;
  std::optional<std::string> category;
  std::optional<std::string> segment;
  std::optional<std::string> confidentiality;
  std::optional<std::string> integrity;
  std::optional<std::string> availability;
  std::optional<std::string> custodian;
  std::optional<std::string> location;
  std::optional<std::string> external;       // --external NONE|CONTRACTED|TERMS_BASED
  std::optional<std::string> external_name;  // --external-name
  std::optional<std::string> notes;
  std::optional<bool> mfa;             // --mfa / --no-mfa
  std::optional<bool> export_blocked;  // --export-blocked / --no-export-blocked
  std::optional<bool> monitoring;      // --monitoring / --no-monitoring
  std::optional<bool> encryption;      // --encryption / --no-encryption
  std::optional<bool> backup;          // --backup / --no-backup
  // --connect ID[:approved][:NOTE], repeatable: adds the connection, or
  // replaces the one to the same asset.
  std::vector<std::string> connect;
  // --disconnect ID, repeatable (update): removes the connection to ID.
  std::vector<std::string> disconnect;
};

// Applies the given flags to `asset`. Usage errors name the flag.
absl::Status ApplyAssetFlags(const AssetFieldFlags& flags, v1::Asset* asset);

// Parses one "--connect" value as a connection entry of the CSV layout:
// "A-000003", "A-000003:approved", "A-000003:approved:承認 R8-01" or
// "A-000003::note" (the flag is "approved", 承認, or empty).
absl::StatusOr<v1::Connection> ParseConnectFlag(std::string_view text);

// Parses an asset YAML file (`asset add -f FILE.yaml`):
//   name: 予約管理システム
//   category: INFORMATION_SYSTEM        # or 情報システム
//   segment: SENSITIVE                  # or 機微情報取扱系
//   confidentiality: 3B                 # integrity: 2, availability: 2
//   custodian: 総務課
//   location: 事務所サーバ室
//   controls: {mfa: true, export_blocked: true, traffic_monitoring: false,
//              encryption: true, backup: true}
//   external_service: CONTRACTED         # NONE, CONTRACTED, TERMS_BASED
//   external_service_name: ○○システム保守
//   connections:
//     - {asset_id: A-000002, approved: true, note: 承認番号…}
//     - A-000005                         # shorthand: not approved, no note
//   notes: 火葬場予約
// Unknown keys, wrong types and unknown enum values are usage errors naming
// `file_name` and the key.
absl::StatusOr<v1::Asset> ParseAssetYaml(std::string_view file_name, std::string_view yaml);

// `asset add [-f FILE.yaml] [flags]`: the YAML asset (if any) with the flags
// applied over it. Without a file, --name, --category, --segment,
// --confidentiality, --integrity and --availability are required.
absl::StatusOr<v1::CreateAssetRequest> BuildAddAssetRequest(const std::optional<v1::Asset>& yaml,
                                                            const AssetFieldFlags& flags,
                                                            const std::string& request_id);

// `asset update ID --etag E [flags]`: `current` (from GetAsset) with the flags
// applied, carrying `etag` (the server refuses a stale one with ABORTED).
// A usage error when no field flag was given.
absl::StatusOr<v1::UpdateAssetRequest> BuildUpdateAssetRequest(const v1::Asset& current,
                                                               const std::string& etag,
                                                               const AssetFieldFlags& flags,
                                                               const std::string& request_id);

// `asset list [--org O] [--category C] [--segment S] [--confidentiality L]
// [--lifecycle L] [--page-size N]` (empty strings = no filter; page size 0 =
// the default).
struct AssetListFlags {
  std::string org;
  std::string category;
  std::string segment;
  std::string confidentiality;
  std::string lifecycle;
  int page_size = 0;
  std::string page_token;
};
absl::StatusOr<v1::ListAssetsRequest> BuildListAssetsRequest(const AssetListFlags& flags);

// `asset retire ID [--etag E] --date D --erasure METHOD --witness NAME`:
// `date` in ISO or wareki (2026-11-25, 令和8年11月25日, R8.11.25).
absl::StatusOr<v1::RetireAssetRequest> BuildRetireAssetRequest(
    const std::string& asset_id, const std::string& etag, const std::string& date,
    const std::string& erasure, const std::string& witness, const std::string& request_id);

// `asset import FILE.csv [--encoding E] [--dry-run]` with the file's bytes.
absl::StatusOr<v1::ImportAssetsRequest> BuildImportAssetsRequest(
    std::string csv, const std::string& encoding, bool dry_run, const std::string& request_id);

// ---- Rendering.

// `asset list`: ID NAME CATEGORY SEGMENT C/I/A LOCATION LIFECYCLE.
std::string RenderAssetList(const v1::ListAssetsResponse& response, const OutputOptions& opts);

// `asset show`: every field, one "key: value" line each, then connections
// and the disposal record.
std::string RenderAsset(const v1::Asset& asset, const OutputOptions& opts);

// `asset history`: VERSION ACTION ACTOR TIME CHANGED.
std::string RenderAssetHistory(const v1::ListAssetHistoryResponse& response,
                               const OutputOptions& opts);

// `asset findings`: SEVERITY RULE ARTICLE ASSET NAME MESSAGE, then a count.
std::string RenderFindings(const v1::ListFindingsResponse& response, const OutputOptions& opts);

// `asset summary`: totals per severity, then RULE ARTICLE SEVERITY COUNT.
std::string RenderFindingsSummary(const v1::FindingsSummary& summary, const OutputOptions& opts);

// `asset import`: "imported 12 assets (encoding UTF8)" / "dry run: 12 rows
// would be imported …", or one "line N, column C: reason" line per rejected
// row followed by "N rows rejected; nothing imported".
std::string RenderImportResult(const v1::ImportAssetsResponse& response,
                               const OutputOptions& opts);

}  // namespace seccoord::cli

#endif  // SECCOORD_CLIENTS_SECCOORD_ASSET_COMMANDS_H_
