#include "services/asset/asset_store.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status.h"
#include "services/asset/compliance_rules.h"
#include "services/runtime/db/proto_column.h"

namespace seccoord::asset {
namespace {

std::string EncodeProto(const google::protobuf::Message& message) {
  return db::EncodeProtoColumn(message);
}

absl::Status DecodeProto(const std::string& text, google::protobuf::Message* message) {
  return db::DecodeProtoColumn(text, message, "asset record");
}

constexpr char kHistoryColumns[] =
    "asset_id, version, action, actor, time_us, changed_fields, snapshot";

absl::StatusOr<v1::AssetChange> ChangeFromRow(const db::Row& row) {
  v1::AssetChange c;
  c.set_asset_id(row.Text(0));
  c.set_version(row.Int(1));
  c.set_action(row.Text(2));
  c.set_actor(row.Text(3));
  c.set_time_us(row.Int(4));
  if (!row.Text(5).empty()) {
    for (const auto& f : absl::StrSplit(row.Text(5), ',')) c.add_changed_fields(std::string(f));
  }
  SECCOORD_RETURN_IF_ERROR(DecodeProto(row.Text(6), c.mutable_snapshot()));
  return c;
}

}  // namespace

std::string FormatAssetId(int64_t number) { return absl::StrFormat("A-%06d", number); }

std::optional<int64_t> ParseAssetId(const std::string& id) {
  if (id.size() != 8 || id[0] != 'A' || id[1] != '-') return std::nullopt;
  int64_t n = 0;
  for (size_t i = 2; i < id.size(); ++i) {
    if (id[i] < '0' || id[i] > '9') return std::nullopt;
    n = n * 10 + (id[i] - '0');
  }
  return n;
}

std::vector<db::Migration> AssetMigrations() {
  return {
      {1,
       "assets, asset history, counters",
       {
           "CREATE TABLE assets ("
           " id TEXT PRIMARY KEY,"
           " organization TEXT NOT NULL,"
           " category INTEGER NOT NULL,"
           " segment INTEGER NOT NULL,"
           " confidentiality INTEGER NOT NULL,"
           " lifecycle INTEGER NOT NULL,"
           " version BIGINT NOT NULL,"
           " etag TEXT NOT NULL,"
           " update_time_us BIGINT NOT NULL,"
           " body TEXT NOT NULL)",
           "CREATE INDEX assets_by_organization ON assets (organization, lifecycle, id)",
           "CREATE INDEX assets_by_segment ON assets (segment, id)",
           "CREATE INDEX assets_by_category ON assets (category, id)",
           "CREATE INDEX assets_by_confidentiality ON assets (confidentiality, id)",
           "CREATE TABLE asset_history ("
           " asset_id TEXT NOT NULL,"
           " version BIGINT NOT NULL,"
           " action TEXT NOT NULL,"
           " actor TEXT NOT NULL,"
           " time_us BIGINT NOT NULL,"
           " changed_fields TEXT NOT NULL,"
           " snapshot TEXT NOT NULL,"
           " PRIMARY KEY (asset_id, version))",
           "CREATE TABLE asset_counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
           "INSERT INTO asset_counters (name, value) VALUES ('asset_id', 0)",
       }},
      {2,
       "stored findings, connection links, summary counts",
       {
           "CREATE TABLE asset_links ("
           " from_id TEXT NOT NULL,"
           " to_id TEXT NOT NULL,"
           " PRIMARY KEY (to_id, from_id))",
           "CREATE INDEX asset_links_by_from ON asset_links (from_id)",
           "CREATE TABLE asset_findings ("
           " asset_id TEXT NOT NULL,"
           " rule_order INTEGER NOT NULL,"
           " rule_id TEXT NOT NULL,"
           " organization TEXT NOT NULL,"
           " body TEXT NOT NULL,"
           " PRIMARY KEY (asset_id, rule_order))",
           "CREATE INDEX asset_findings_by_organization"
           " ON asset_findings (organization, asset_id, rule_order)",
           "CREATE TABLE findings_counts ("
           " organization TEXT NOT NULL,"
           " rule_id TEXT NOT NULL,"
           " count BIGINT NOT NULL,"
           " PRIMARY KEY (organization, rule_id))",
           "CREATE TABLE assets_in_use ("
           " organization TEXT PRIMARY KEY,"
           " count BIGINT NOT NULL)",
           // Existing assets get their findings computed once, at the first
           // start of a binary with this schema (BackfillStoredFindings).
           "INSERT INTO asset_counters (name, value) VALUES ('findings_stored', 0)",
       }},
  };
}

absl::StatusOr<std::optional<v1::Asset>> AssetStore::Tx::GetAsset(const std::string& id) {
  SECCOORD_ASSIGN_OR_RETURN(auto rows, tx_.Query("SELECT body FROM assets WHERE id = $1", {id}));
  if (rows.empty()) return std::nullopt;
  v1::Asset asset;
  SECCOORD_RETURN_IF_ERROR(DecodeProto(rows[0].Text(0), &asset));
  return asset;
}

absl::StatusOr<std::vector<std::string>> AssetStore::Tx::ListAssetIds() {
  SECCOORD_ASSIGN_OR_RETURN(auto rows, tx_.Query("SELECT id FROM assets ORDER BY id"));
  std::vector<std::string> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(row.Text(0));
  return out;
}

absl::StatusOr<std::vector<v1::Asset>> AssetStore::Tx::ListAssets(const AssetFilter& filter,
                                                                  const std::string& after_id,
                                                                  int limit) {
  // Only the filters that are set become conditions, each with its own
  // placeholder, so every $k of the statement is bound.
  std::string sql = "SELECT body FROM assets WHERE id > $1";
  db::Params params = {after_id};
  auto add = [&](const char* column, db::Value value) {
    params.push_back(std::move(value));
    absl::StrAppend(&sql, " AND ", column, " = $", params.size());
  };
  if (!filter.organization.empty()) add("organization", filter.organization);
  if (filter.category != v1::ASSET_CATEGORY_UNSPECIFIED) {
    add("category", static_cast<int64_t>(filter.category));
  }
  if (filter.segment != v1::SEGMENT_UNSPECIFIED) {
    add("segment", static_cast<int64_t>(filter.segment));
  }
  if (filter.confidentiality != v1::CONFIDENTIALITY_UNSPECIFIED) {
    add("confidentiality", static_cast<int64_t>(filter.confidentiality));
  }
  if (filter.lifecycle != v1::LIFECYCLE_UNSPECIFIED) {
    add("lifecycle", static_cast<int64_t>(filter.lifecycle));
  }
  sql += " ORDER BY id";
  if (limit > 0) {
    params.push_back(static_cast<int64_t>(limit));
    absl::StrAppend(&sql, " LIMIT $", params.size());
  }
  SECCOORD_ASSIGN_OR_RETURN(auto rows, tx_.Query(sql, params));
  std::vector<v1::Asset> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    v1::Asset asset;
    SECCOORD_RETURN_IF_ERROR(DecodeProto(row.Text(0), &asset));
    out.push_back(std::move(asset));
  }
  return out;
}

absl::StatusOr<std::string> AssetStore::Tx::NextAssetId() {
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows, tx_.Query("UPDATE asset_counters SET value = value + 1 WHERE name = $1"
                           " RETURNING value",
                           {std::string("asset_id")}));
  if (rows.empty()) return absl::InternalError("counter asset_id missing");
  return FormatAssetId(rows[0].Int(0));
}

absl::Status AssetStore::Tx::ReserveAssetNumber(int64_t number) {
  return tx_
      .Execute("UPDATE asset_counters SET value = CASE WHEN value < $2 THEN $2 ELSE value END"
               " WHERE name = $1",
               {std::string("asset_id"), number})
      .status();
}

absl::Status AssetStore::Tx::InsertAsset(const v1::Asset& asset, int64_t version) {
  return tx_
      .Execute("INSERT INTO assets (id, organization, category, segment, confidentiality,"
               " lifecycle, version, etag, update_time_us, body)"
               " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
               {asset.id(), asset.organization(), static_cast<int64_t>(asset.category()),
                static_cast<int64_t>(asset.segment()),
                static_cast<int64_t>(asset.confidentiality()),
                static_cast<int64_t>(asset.lifecycle()), version, asset.etag(),
                asset.update_time_us(), EncodeProto(asset)})
      .status();
}

absl::Status AssetStore::Tx::UpdateAsset(const v1::Asset& asset, int64_t version,
                                         const std::string& expected_etag) {
  SECCOORD_ASSIGN_OR_RETURN(
      int64_t changed,
      tx_.Execute("UPDATE assets SET organization = $2, category = $3, segment = $4,"
                  " confidentiality = $5, lifecycle = $6, version = $7, etag = $8,"
                  " update_time_us = $9, body = $10 WHERE id = $1 AND etag = $11",
                  {asset.id(), asset.organization(), static_cast<int64_t>(asset.category()),
                   static_cast<int64_t>(asset.segment()),
                   static_cast<int64_t>(asset.confidentiality()),
                   static_cast<int64_t>(asset.lifecycle()), version, asset.etag(),
                   asset.update_time_us(), EncodeProto(asset), expected_etag}));
  if (changed == 0) {
    return absl::AbortedError(absl::StrCat("etag: asset ", asset.id(),
                                           " was changed concurrently; read it again"));
  }
  return absl::OkStatus();
}

absl::Status AssetStore::Tx::AppendHistory(const v1::AssetChange& change) {
  return tx_
      .Execute(absl::StrCat("INSERT INTO asset_history (", kHistoryColumns,
                            ") VALUES ($1, $2, $3, $4, $5, $6, $7)"),
               {change.asset_id(), change.version(), change.action(), change.actor(),
                change.time_us(), absl::StrJoin(change.changed_fields(), ","),
                EncodeProto(change.snapshot())})
      .status();
}

absl::StatusOr<std::vector<v1::AssetChange>> AssetStore::Tx::ListHistory(
    const std::string& asset_id, int64_t after_version, int limit) {
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows, tx_.Query(absl::StrCat("SELECT ", kHistoryColumns,
                                        " FROM asset_history WHERE asset_id = $1"
                                        " AND version > $2 ORDER BY version LIMIT $3"),
                           {asset_id, after_version, static_cast<int64_t>(limit)}));
  std::vector<v1::AssetChange> out;
  for (const auto& row : rows) {
    SECCOORD_ASSIGN_OR_RETURN(auto change, ChangeFromRow(row));
    out.push_back(std::move(change));
  }
  return out;
}

absl::StatusOr<int64_t> AssetStore::Tx::LatestVersion(const std::string& asset_id) {
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows, tx_.Query("SELECT COALESCE(MAX(version), 0) FROM asset_history"
                           " WHERE asset_id = $1",
                           {asset_id}));
  return rows.empty() ? 0 : rows[0].Int(0);
}

absl::Status AssetStore::Tx::LockAssets(std::vector<std::string> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  for (const std::string& id : ids) {
    SECCOORD_RETURN_IF_ERROR(
        tx_.Execute("UPDATE assets SET version = version WHERE id = $1", {id}).status());
  }
  return absl::OkStatus();
}

absl::Status AssetStore::Tx::ReplaceLinks(const std::string& from_id,
                                          const std::vector<std::string>& to_ids) {
  SECCOORD_RETURN_IF_ERROR(
      tx_.Execute("DELETE FROM asset_links WHERE from_id = $1", {from_id}).status());
  for (const std::string& to_id : to_ids) {
    SECCOORD_RETURN_IF_ERROR(tx_.Execute("INSERT INTO asset_links (from_id, to_id) VALUES ($1, $2)"
                                         " ON CONFLICT (to_id, from_id) DO NOTHING",
                                         {from_id, to_id})
                                 .status());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> AssetStore::Tx::ListLinkedFrom(const std::string& to_id) {
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows,
      tx_.Query("SELECT from_id FROM asset_links WHERE to_id = $1 ORDER BY from_id", {to_id}));
  std::vector<std::string> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(row.Text(0));
  return out;
}

absl::StatusOr<std::vector<v1::Finding>> AssetStore::Tx::GetFindings(const std::string& asset_id) {
  return ListFindings("", asset_id, "", -1, 0);
}

absl::Status AssetStore::Tx::ReplaceFindings(const std::string& asset_id,
                                             const std::vector<v1::Finding>& findings) {
  SECCOORD_RETURN_IF_ERROR(
      tx_.Execute("DELETE FROM asset_findings WHERE asset_id = $1", {asset_id}).status());
  for (const v1::Finding& f : findings) {
    const int order = ComplianceRuleIndex(f.rule_id());
    if (order < 0) return absl::InternalError(absl::StrCat("unknown rule ", f.rule_id()));
    SECCOORD_RETURN_IF_ERROR(
        tx_.Execute("INSERT INTO asset_findings (asset_id, rule_order, rule_id, organization,"
                    " body) VALUES ($1, $2, $3, $4, $5)",
                    {asset_id, static_cast<int64_t>(order), f.rule_id(), f.organization(),
                     EncodeProto(f)})
            .status());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::Finding>> AssetStore::Tx::ListFindings(
    const std::string& organization, const std::string& asset_id,
    const std::string& after_asset_id, int after_rule_order, int limit) {
  // The cursor is the pair (asset_id, rule_order), written out as
  // "asset > a OR (asset = a AND order > o)" so both drivers use the index.
  std::string sql =
      "SELECT body FROM asset_findings WHERE (asset_id > $1 OR (asset_id = $1 AND"
      " rule_order > $2))";
  db::Params params = {after_asset_id, static_cast<int64_t>(after_rule_order)};
  if (!organization.empty()) {
    params.push_back(organization);
    absl::StrAppend(&sql, " AND organization = $", params.size());
  }
  if (!asset_id.empty()) {
    params.push_back(asset_id);
    absl::StrAppend(&sql, " AND asset_id = $", params.size());
  }
  sql += " ORDER BY asset_id, rule_order";
  if (limit > 0) {
    params.push_back(static_cast<int64_t>(limit));
    absl::StrAppend(&sql, " LIMIT $", params.size());
  }
  SECCOORD_ASSIGN_OR_RETURN(auto rows, tx_.Query(sql, params));
  std::vector<v1::Finding> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    v1::Finding f;
    SECCOORD_RETURN_IF_ERROR(DecodeProto(row.Text(0), &f));
    out.push_back(std::move(f));
  }
  return out;
}

absl::Status AssetStore::Tx::AddFindingCount(const std::string& organization,
                                             const std::string& rule_id, int64_t delta) {
  if (delta == 0) return absl::OkStatus();
  return tx_
      .Execute("INSERT INTO findings_counts (organization, rule_id, count) VALUES ($1, $2, $3)"
               " ON CONFLICT (organization, rule_id) DO UPDATE"
               " SET count = findings_counts.count + $3",
               {organization, rule_id, delta})
      .status();
}

absl::Status AssetStore::Tx::AddAssetsInUse(const std::string& organization, int64_t delta) {
  if (delta == 0) return absl::OkStatus();
  return tx_
      .Execute("INSERT INTO assets_in_use (organization, count) VALUES ($1, $2)"
               " ON CONFLICT (organization) DO UPDATE SET count = assets_in_use.count + $2",
               {organization, delta})
      .status();
}

absl::StatusOr<AssetStore::Tx::FindingCounts> AssetStore::Tx::ReadFindingCounts(
    const std::string& organization) {
  FindingCounts counts;
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows, tx_.Query("SELECT rule_id, count FROM findings_counts WHERE organization = $1"
                           " ORDER BY rule_id",
                           {organization}));
  for (const auto& row : rows) counts.by_rule.emplace_back(row.Text(0), row.Int(1));
  SECCOORD_ASSIGN_OR_RETURN(
      auto in_use,
      tx_.Query("SELECT count FROM assets_in_use WHERE organization = $1", {organization}));
  if (!in_use.empty()) counts.assets_in_use = in_use[0].Int(0);
  return counts;
}

absl::StatusOr<bool> AssetStore::Tx::ClaimFindingsBackfill() {
  SECCOORD_ASSIGN_OR_RETURN(
      int64_t changed,
      tx_.Execute("UPDATE asset_counters SET value = 1 WHERE name = $1 AND value = 0",
                  {std::string("findings_stored")}));
  return changed > 0;
}

absl::Status AssetStore::Read(const std::function<absl::Status(Tx&)>& fn) {
  SECCOORD_ASSIGN_OR_RETURN(auto tx, db_.Begin(db::TxMode::kReadOnly));
  Tx typed(*tx);
  return fn(typed);
}

}  // namespace seccoord::asset
