// AssetLogic: the rules of the asset service, detached from gRPC.
//
// - An asset belongs to one organisation; it defaults to the caller's and a
//   caller may only write assets of its own organisation (PERMISSION_DENIED).
// - Every field is validated naming the field: name 1–200 bytes of UTF-8,
//   every enum set and known, texts bounded, at most 50 connections, each to
//   an existing asset other than itself and none twice. Segments out of scope
//   by 第6 of the basic policy (マイナンバー利用事務系, LGWAN接続系) are refused
//   with FAILED_PRECONDITION; nothing is stored.
// - Ids are A-000001, A-000002, … from a counter; an import may bring its
//   own ids of that form, and with an id its etag (version), so an export
//   imported into another inventory exports the same file.
// - Every asset carries an etag (its version); an update names it and a
//   stale one is ABORTED. Retired assets cannot be updated.
// - Retiring needs a disposal record (a valid date not in the future); for
//   storage media and equipment of confidentiality 2 or above also the
//   erasure method and the witness.
// - Every change appends a history entry (version, action, actor, time, the
//   fields that changed, the asset after the change) in the same
//   transaction.
// - Findings are the compliance rules (compliance_rules.h) evaluated per
//   asset. They are stored with the asset in the transaction that writes it,
//   together with the findings of the assets connected to it that look at it
//   (the cross-segment rule reads the target's segment, state and name), and
//   the per-organisation counts move in the same transaction; so
//   ListFindings pages through stored rows and GetFindingsSummary reads a
//   few count rows, at the same cost for 20 assets and for 20,000.
// - One visibility rule for every read path (get, list, history, findings,
//   summary, export): a caller holding read_assets sees every
//   organisation's assets; one outside its scope is answered as missing.
// - ExportAssets writes the CSV in pages of assets (the first page with the
//   header), so no call holds the whole inventory.
// - CSV import validates every row with the same checks as CreateAsset
//   (connections may also name ids of the same file) and reports every
//   rejected row; when any row is rejected nothing is stored (OK with
//   `errors` set, imported = 0). Otherwise all rows are stored in one
//   transaction. A dry run validates and reports without writing. With
//   `update` (the spreadsheet round trip) a row naming an existing asset
//   updates it like UpdateAsset, guarded by the row's etag (a stale row is a
//   row error), a row without change is UNCHANGED, and a retired asset's row
//   must stay as it is; `changes` says per row what is (or would be) done.
// - Every mutation carries a request_id; a retry returns the first result
//   and does nothing twice.
//
// Thread-safety: safe from many threads; all state lives in the store.
#ifndef SECCOORD_SERVICES_ASSET_ASSET_LOGIC_H_
#define SECCOORD_SERVICES_ASSET_ASSET_LOGIC_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/civil_date.h"
#include "seccoord/v1/asset.pb.h"
#include "common/asset_csv.h"
#include "services/asset/asset_store.h"
#include "services/runtime/auth/caller.h"
#include "services/runtime/clock.h"
#include "services/runtime/mutation.h"

namespace seccoord::asset {

// Bounds on request content.
inline constexpr size_t kMaxNameBytes = 200;
inline constexpr size_t kMaxShortTextBytes = 200;   // custodian, location, …
inline constexpr size_t kMaxNotesBytes = 4000;
inline constexpr size_t kMaxConnectionNoteBytes = 500;
inline constexpr size_t kMaxOrganizationBytes = 64;
inline constexpr int kMaxConnections = 50;
inline constexpr int kMaxImportRows = 5000;
// Highest etag (version) a new asset may bring from another inventory.
inline constexpr int64_t kMaxImportedVersion = 1'000'000'000;
inline constexpr int kMaxPageSize = 500;
inline constexpr int kDefaultPageSize = 100;
// The organisation whose summary GetFindingsSummary returns by default.
inline constexpr char kUnionOrganization[] = "kasama-union";

// Time sources, injectable for tests (shared by every service).
using Clock = runtime::Clock;

// The fields that differ between two assets, by name ("name",
// "controls.mfa", "connections", "disposal.witness", …); id, etag and the
// timestamps are not compared.
std::vector<std::string> ChangedFields(const v1::Asset& before, const v1::Asset& after);

// Computes the stored findings, links and counts of every asset once, for a
// database migrated to asset schema version 2 from version 1 (where findings
// were computed per call). A no-op when done before; safe when replicas
// start at once (one claims the work in its transaction).
absl::Status BackfillStoredFindings(AssetStore& store);

class AssetLogic {
 public:
  // `auditor` appends a committed mutation's audit entry inside its
  // transaction (runtime/mutation.h); empty in domain tests.
  AssetLogic(AssetStore& store, Clock clock, runtime::MutationAuditor auditor = nullptr)
      : store_(store), clock_(std::move(clock)), auditor_(std::move(auditor)) {}

  absl::StatusOr<v1::Asset> CreateAsset(const runtime::Caller& caller,
                                        const v1::CreateAssetRequest& request);
  absl::StatusOr<v1::Asset> GetAsset(const runtime::Caller& caller,
                                     const v1::GetAssetRequest& request);
  absl::StatusOr<v1::Asset> UpdateAsset(const runtime::Caller& caller,
                                        const v1::UpdateAssetRequest& request);
  absl::StatusOr<v1::ListAssetsResponse> ListAssets(const runtime::Caller& caller,
                                                    const v1::ListAssetsRequest& request);
  absl::StatusOr<v1::Asset> RetireAsset(const runtime::Caller& caller,
                                        const v1::RetireAssetRequest& request);
  absl::StatusOr<v1::ListAssetHistoryResponse> ListAssetHistory(
      const runtime::Caller& caller, const v1::ListAssetHistoryRequest& request);
  absl::StatusOr<v1::ListFindingsResponse> ListFindings(const runtime::Caller& caller,
                                                        const v1::ListFindingsRequest& request);
  absl::StatusOr<v1::FindingsSummary> GetFindingsSummary(
      const runtime::Caller& caller, const v1::GetFindingsSummaryRequest& request);
  absl::StatusOr<v1::ImportAssetsResponse> ImportAssets(const runtime::Caller& caller,
                                                        const v1::ImportAssetsRequest& request);
  absl::StatusOr<v1::ExportAssetsResponse> ExportAssets(const runtime::Caller& caller,
                                                        const v1::ExportAssetsRequest& request);

 private:
  // Runs a mutation through runtime::RunMutation: once per (caller,
  // request_id), a retry gets the stored response; audited in its
  // transaction. `body` runs inside the write transaction.
  template <typename Response>
  absl::StatusOr<Response> Idempotent(
      const runtime::Caller& caller, const std::string& request_id, const char* method,
      const std::function<absl::StatusOr<Response>(AssetStore::Tx&)>& body);

  // One row of an import that passed validation: what it writes.
  struct PlannedRow {
    int line = 0;
    // As it will be stored (organization and lifecycle set; id empty where
    // the file had none; for an update, the stored etag and times).
    v1::Asset asset;
    // The asset the row updates (import with update), if any.
    std::optional<v1::Asset> stored;
    // The fields an update changes; empty for an UNCHANGED row.
    std::vector<std::string> changed;
  };

  // Validates the rows of an import against what `tx` sees; appends every
  // problem to response->errors. When there is none, *ready holds the rows
  // to write.
  absl::Status ValidateImport(AssetStore::Tx& tx, const runtime::Caller& caller,
                              const std::vector<ParsedRow>& rows, bool update,
                              v1::ImportAssetsResponse* response,
                              std::vector<PlannedRow>* ready);

  AssetStore& store_;
  Clock clock_;
  runtime::MutationAuditor auditor_;
};

}  // namespace seccoord::asset

#endif  // SECCOORD_SERVICES_ASSET_ASSET_LOGIC_H_
