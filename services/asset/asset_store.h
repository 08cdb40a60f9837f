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
//   asset_counters  named counters; "asset_id" numbers A-000001, A-000002, …
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
