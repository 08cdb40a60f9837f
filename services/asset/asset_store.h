// AssetStore: the only place with SQL for the asset service.
//
// Schema (component "asset"):
//   assets          one row per asset: the columns lists filter on
//                   (organization, category, segment, confidentiality,
//                   lifecycle), the etag and version used by conditional
//                   writes, and the whole asset as base64 of its serialized
//                   proto (body), which is what reads return;
//   asset_history   one row per change (asset_id, version): action, actor,
//                   time, changed fields (comma-separated) and the snapshot
//                   of the asset after the change (base64 proto);
//   asset_counters  named counters; "asset_id" numbers A-000001, A-000002, …;
//                   "findings_stored" is 1 once the stored findings below
//                   have been computed for the assets of before version 2;
//   asset_links     one row per connection (from_id → to_id), so a change of
//                   an asset finds the assets whose findings look at it;
//   asset_findings  the findings of each asset (asset_id, rule_order — the
//                   rule's place in the rule table), its organisation and the
//                   Finding as base64 proto, written with the asset;
//   findings_counts per organisation and rule the number of stored findings,
//   assets_in_use   per organisation the number of assets in use; both are
//                   moved by the same transaction that changes a finding or
//                   an asset, so a summary reads a few rows at any size.
// written once in portable SQL for both drivers.
//
// The domain runs its rules inside one transaction through an AssetStore::Tx:
// typed reads and writes, no SQL outside this file. Updates carry the etag
// the domain read, so a concurrent change turns into ABORTED rather than a
// lost update.
//
// Thread-safety: AssetStore is safe from many threads; a Tx belongs to the
// thread running the Read callback or the mutation body.
#ifndef SECCOORD_SERVICES_ASSET_ASSET_STORE_H_
#define SECCOORD_SERVICES_ASSET_ASSET_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "seccoord/v1/asset.pb.h"
#include "services/runtime/db/database.h"
#include "services/runtime/db/migrations.h"

namespace seccoord::asset {

// Schema of the asset service (component "asset").
std::vector<db::Migration> AssetMigrations();

// "A-000012" for 12.
std::string FormatAssetId(int64_t number);
// 12 for "A-000012"; nullopt unless the id is "A-" followed by six digits.
std::optional<int64_t> ParseAssetId(const std::string& id);

// Filters of a list; 0 / "" = any.
struct AssetFilter {
  std::string organization;
  v1::AssetCategory category = v1::ASSET_CATEGORY_UNSPECIFIED;
  v1::Segment segment = v1::SEGMENT_UNSPECIFIED;
  v1::Confidentiality confidentiality = v1::CONFIDENTIALITY_UNSPECIFIED;
  v1::Lifecycle lifecycle = v1::LIFECYCLE_UNSPECIFIED;
};

class AssetStore {
 public:
  // Typed access within one transaction.
  class Tx {
   public:
    explicit Tx(db::Transaction& tx) : tx_(tx) {}

    absl::StatusOr<std::optional<v1::Asset>> GetAsset(const std::string& id);
    // Every asset id, ascending.
    absl::StatusOr<std::vector<std::string>> ListAssetIds();
    // Assets matching `filter` with id > after_id, ascending by id, at most
    // `limit` (limit <= 0: all).
    absl::StatusOr<std::vector<v1::Asset>> ListAssets(const AssetFilter& filter,
                                                      const std::string& after_id, int limit);

    // The next server-assigned id (serialises concurrent writers on PG).
    absl::StatusOr<std::string> NextAssetId();
    // Moves the id counter to at least `number`, so ids given explicitly by
    // an import are never handed out again.
    absl::Status ReserveAssetNumber(int64_t number);

    // Inserts a new asset at `version`. ALREADY_EXISTS when the id is taken.
    absl::Status InsertAsset(const v1::Asset& asset, int64_t version);
    // Replaces the asset's row if its stored etag is still expected_etag;
    // ABORTED otherwise.
    absl::Status UpdateAsset(const v1::Asset& asset, int64_t version,
                             const std::string& expected_etag);

    // Appends one history entry. ALREADY_EXISTS when the version is taken.
    absl::Status AppendHistory(const v1::AssetChange& change);
    // History entries of an asset with version > after_version, ascending,
    // at most limit.
    absl::StatusOr<std::vector<v1::AssetChange>> ListHistory(const std::string& asset_id,
                                                             int64_t after_version, int limit);
    // Highest version of the asset's history (0 when none).
    absl::StatusOr<int64_t> LatestVersion(const std::string& asset_id);

    // Takes the write lock of each asset row in `ids` (ascending, so two
    // writers lock in one order) until the transaction ends: on PostgreSQL,
    // READ COMMITTED, a writer that computes findings from these rows then
    // reads them only after any concurrent writer of them has committed.
    // (SQLite has one writer at a time; the statement is harmless there.)
    absl::Status LockAssets(std::vector<std::string> ids);

    // The connection targets of `from_id` become exactly `to_ids`.
    absl::Status ReplaceLinks(const std::string& from_id, const std::vector<std::string>& to_ids);
    // Ids of the assets whose connections name `to_id`, ascending.
    absl::StatusOr<std::vector<std::string>> ListLinkedFrom(const std::string& to_id);

    // The stored findings of an asset, in rule-table order.
    absl::StatusOr<std::vector<v1::Finding>> GetFindings(const std::string& asset_id);
    // The stored findings of `asset_id` become exactly `findings` (each kept
    // under its rule's place in the table, ComplianceRuleIndex).
    absl::Status ReplaceFindings(const std::string& asset_id,
                                 const std::vector<v1::Finding>& findings);
    // Stored findings by asset id then rule order, after the cursor
    // (after_asset_id, after_rule_order), at most `limit`; only those of
    // `organization` / `asset_id` when not empty.
    absl::StatusOr<std::vector<v1::Finding>> ListFindings(const std::string& organization,
                                                          const std::string& asset_id,
                                                          const std::string& after_asset_id,
                                                          int after_rule_order, int limit);

    // Adds `delta` to the count of `rule_id` findings of `organization`.
    absl::Status AddFindingCount(const std::string& organization, const std::string& rule_id,
                                 int64_t delta);
    // Adds `delta` to the number of assets in use of `organization`.
    absl::Status AddAssetsInUse(const std::string& organization, int64_t delta);
    // Stored counts of `organization`: rule id → findings (rules without
    // findings may be absent), and the assets in use.
    struct FindingCounts {
      std::vector<std::pair<std::string, int64_t>> by_rule;
      int64_t assets_in_use = 0;
    };
    absl::StatusOr<FindingCounts> ReadFindingCounts(const std::string& organization);

    // Marks the stored findings as computed; false if they already were (a
    // concurrent start did it), true if this transaction must compute them.
    absl::StatusOr<bool> ClaimFindingsBackfill();

   private:
    db::Transaction& tx_;
  };

  explicit AssetStore(db::Database& db) : db_(db) {}

  // The database, for runtime::RunMutation (which opens the write
  // transaction a mutation, its request log record and its audit entry
  // share); reads and writes go through Tx.
  db::Database& database() { return db_; }

  // Runs fn in a read-only transaction.
  absl::Status Read(const std::function<absl::Status(Tx&)>& fn);

 private:
  db::Database& db_;
};

}  // namespace seccoord::asset

#endif  // SECCOORD_SERVICES_ASSET_ASSET_STORE_H_
