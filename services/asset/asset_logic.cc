#include "services/asset/asset_logic.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <unordered_map>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/proto_convert.h"
#include "common/status.h"
#include "common/utf8.h"
#include "google/protobuf/descriptor.h"
#include "services/asset/compliance_rules.h"
#include "services/runtime/mutation.h"
#include "services/runtime/paging.h"
#include "services/runtime/request_log.h"

namespace seccoord::asset {
namespace {

using runtime::Caller;

constexpr char kCreate[] = "/seccoord.v1.AssetService/CreateAsset";
constexpr char kUpdate[] = "/seccoord.v1.AssetService/UpdateAsset";
constexpr char kRetire[] = "/seccoord.v1.AssetService/RetireAsset";
constexpr char kImport[] = "/seccoord.v1.AssetService/ImportAssets";

constexpr char kCreated[] = "CREATED";
constexpr char kUpdated[] = "UPDATED";
constexpr char kRetired[] = "RETIRED";
constexpr char kImported[] = "IMPORTED";

// The object a mutation's response is about, for its audit entry.
std::string TargetOf(const v1::Asset& a) { return absl::StrCat("assets/", a.id()); }
std::string TargetOf(const v1::ImportAssetsResponse& r) {
  return r.errors_size() > 0 ? "assets/import:rejected" : "assets/import";
}

// One thing wrong with an asset: the field it is about and the status the
// API returns for it (INVALID_ARGUMENT, RESOURCE_EXHAUSTED,
// FAILED_PRECONDITION or PERMISSION_DENIED), whose message names the field.
struct Problem {
  std::string field;
  absl::Status status;
};

// The reason of a problem without the "field: " its message starts with.
std::string ReasonOf(const Problem& p) {
  std::string message(p.status.message());
  const std::string prefix = p.field + ": ";
  if (message.rfind(prefix, 0) == 0) message = message.substr(prefix.size());
  return message;
}

void CheckText(std::vector<Problem>* out, const std::string& field, const std::string& value,
               size_t max_bytes, bool allow_empty) {
  absl::Status s = ValidateText(field, value, max_bytes, allow_empty);
  if (!s.ok()) out->push_back({field, std::move(s)});
}

// "NETWORK, INFORMATION_SYSTEM, …": the value names without the enum's
// prefix (taken from its UNSPECIFIED value).
std::string EnumNames(const google::protobuf::EnumDescriptor* d) {
  std::string prefix = d->value(0)->name();
  constexpr std::string_view kUnspecified = "UNSPECIFIED";
  if (prefix.size() >= kUnspecified.size()) prefix.resize(prefix.size() - kUnspecified.size());
  std::vector<std::string> names;
  for (int i = 0; i < d->value_count(); ++i) {
    if (d->value(i)->number() == 0) continue;
    std::string name = d->value(i)->name();
    if (name.rfind(prefix, 0) == 0) name = name.substr(prefix.size());
    names.push_back(name);
  }
  return absl::StrJoin(names, ", ");
}

void CheckEnum(std::vector<Problem>* out, const std::string& field, int value,
               const google::protobuf::EnumDescriptor* d) {
  if (value == 0) {
    out->push_back({field, InvalidField(field, absl::StrCat("required; one of ", EnumNames(d)))});
  } else if (d->FindValueByNumber(value) == nullptr) {
    out->push_back({field, InvalidField(field, absl::StrCat("unknown value ", value, "; one of ",
                                                            EnumNames(d)))});
  }
}

// A filter enum: unset is fine, unknown is not.
absl::Status CheckFilterEnum(const std::string& field, int value,
                             const google::protobuf::EnumDescriptor* d) {
  if (value != 0 && d->FindValueByNumber(value) == nullptr) {
    return InvalidField(field, absl::StrCat("unknown value ", value, "; one of ", EnumNames(d)));
  }
  return absl::OkStatus();
}

// What can be checked of an asset without the database: texts, enums, the
// 第6 scope, and the shape of the connections (count, ids, self, twice).
std::vector<Problem> CheckContent(const v1::Asset& a) {
  std::vector<Problem> out;
  CheckText(&out, "name", a.name(), kMaxNameBytes, /*allow_empty=*/false);
  CheckEnum(&out, "category", a.category(), v1::AssetCategory_descriptor());
  CheckEnum(&out, "segment", a.segment(), v1::Segment_descriptor());
  if (absl::Status s = CheckSegmentInScope(a); !s.ok()) out.push_back({"segment", s});
  CheckEnum(&out, "confidentiality", a.confidentiality(), v1::Confidentiality_descriptor());
  CheckEnum(&out, "integrity", a.integrity(), v1::Integrity_descriptor());
  CheckEnum(&out, "availability", a.availability(), v1::Availability_descriptor());
  CheckText(&out, "custodian", a.custodian(), kMaxShortTextBytes, true);
  CheckText(&out, "location", a.location(), kMaxShortTextBytes, true);
  CheckEnum(&out, "external_service", a.external_service(),
            v1::ExternalServiceUse_descriptor());
  CheckText(&out, "external_service_name", a.external_service_name(), kMaxShortTextBytes, true);
  CheckText(&out, "notes", a.notes(), kMaxNotesBytes, true);
  if (a.connections_size() > kMaxConnections) {
    out.push_back({"connections", absl::ResourceExhaustedError(absl::StrCat(
                                      "connections: at most ", kMaxConnections,
                                      " connections, got ", a.connections_size()))});
    return out;
  }
  std::map<std::string, int> seen;
  for (int i = 0; i < a.connections_size(); ++i) {
    const v1::Connection& c = a.connections(i);
    const std::string at = absl::StrCat("connections[", i, "]");
    const std::string id_field = at + ".asset_id";
    if (c.asset_id().empty()) {
      out.push_back({id_field, InvalidField(id_field, "required")});
    } else if (!ParseAssetId(c.asset_id())) {
      out.push_back({id_field, InvalidField(id_field, absl::StrCat("\"", c.asset_id(),
                                                                   "\" is not an asset id such "
                                                                   "as A-000001"))});
    } else if (!a.id().empty() && c.asset_id() == a.id()) {
      out.push_back({id_field, InvalidField(id_field, absl::StrCat("an asset cannot be connected "
                                                                   "to itself (", a.id(), ")"))});
    } else if (auto [it, inserted] = seen.emplace(c.asset_id(), i); !inserted) {
      out.push_back({id_field, InvalidField(id_field, absl::StrCat(c.asset_id(),
                                                                   " is already connections[",
                                                                   it->second, "]"))});
    }
    CheckText(&out, at + ".note", c.note(), kMaxConnectionNoteBytes, true);
  }
  return out;
}

// Each connection must name an asset that exists.
void CheckConnectionsExist(const v1::Asset& a,
                           const std::function<bool(const std::string&)>& exists,
                           std::vector<Problem>* out) {
  for (int i = 0; i < a.connections_size(); ++i) {
    const std::string& id = a.connections(i).asset_id();
    if (!ParseAssetId(id) || id == a.id()) continue;  // reported by CheckContent
    if (!exists(id)) {
      const std::string field = absl::StrCat("connections[", i, "].asset_id");
      out->push_back({field, InvalidField(field, absl::StrCat("no asset ", id))});
    }
  }
}

// The disposal record of a retirement: a valid date not after today; and,
// when `erasure_required`, the erasure method and the witness.
std::vector<Problem> CheckDisposal(const v1::DisposalRecord& d, const CivilDate& today,
                                   bool erasure_required) {
  std::vector<Problem> out;
  auto date = ValidProtoDate("disposal.date", d.date());
  if (!date.ok()) {
    out.push_back({"disposal.date", date.status()});
  } else if (*date > today) {
    out.push_back({"disposal.date",
                   InvalidField("disposal.date", absl::StrCat(FormatIsoDate(*date),
                                                              " is in the future (today is ",
                                                              FormatIsoDate(today), ")"))});
  }
  constexpr char kWhy[] =
      "required for storage media and equipment of confidentiality 2 or above";
  if (erasure_required && d.erasure_method().empty()) {
    out.push_back({"disposal.erasure_method",
                   InvalidField("disposal.erasure_method",
                                absl::StrCat(kWhy, " (crypto-erase, secure erase, degaussing, "
                                                   "physical destruction)"))});
  } else {
    CheckText(&out, "disposal.erasure_method", d.erasure_method(), kMaxShortTextBytes, true);
  }
  if (erasure_required && d.witness().empty()) {
    out.push_back({"disposal.witness",
                   InvalidField("disposal.witness",
                                absl::StrCat(kWhy, " (the staff member who witnessed the "
                                                   "erasure)"))});
  } else {
    CheckText(&out, "disposal.witness", d.witness(), kMaxShortTextBytes, true);
  }
  return out;
}

bool HasDisposalContent(const v1::DisposalRecord& d) {
  return d.date().year() != 0 || d.date().month() != 0 || d.date().day() != 0 ||
         !d.erasure_method().empty() || !d.witness().empty();
}

absl::Status CheckOwnOrganization(const Caller& caller, const std::string& organization) {
  if (organization != caller.principal.organization) {
    return absl::PermissionDeniedError(
        absl::StrCat(caller.Uri(), " may only write assets of ", caller.principal.organization,
                     ", not of ", organization));
  }
  return absl::OkStatus();
}

absl::Status ValidateAssetId(const std::string& field, const std::string& id) {
  if (id.empty()) return InvalidField(field, "required");
  if (!ParseAssetId(id)) {
    if (!IsValidUtf8(id) || id.size() > 64) return InvalidField(field, "is not an asset id");
    return InvalidField(field, absl::StrCat("\"", id, "\" is not an asset id such as A-000001"));
  }
  return absl::OkStatus();
}

absl::Status ValidateEtagText(const std::string& etag) {
  if (etag.size() > 64) return InvalidField("etag", "exceeds 64 bytes");
  return absl::OkStatus();
}

// The version an etag stands for (etags are the version in decimal).
int64_t VersionOf(const std::string& etag) {
  int64_t version = 0;
  if (!absl::SimpleAtoi(etag, &version)) version = 0;
  return version;
}

absl::StatusOr<v1::Asset> LoadAsset(AssetStore::Tx& tx, const std::string& id) {
  SECCOORD_ASSIGN_OR_RETURN(auto asset, tx.GetAsset(id));
  if (!asset) return absl::NotFoundError(absl::StrCat("no asset ", id));
  return *std::move(asset);
}

absl::StatusOr<int> PageSize(int32_t requested) {
  return runtime::PageSize(requested, kMaxPageSize, kDefaultPageSize);
}

using runtime::PageTokenCodec;

// Appends the field names that differ between a and b (same message type).
void DiffMessages(const google::protobuf::Message& a, const google::protobuf::Message& b,
                  const std::string& prefix, const std::set<std::string>& skip,
                  std::vector<std::string>* out) {
  using google::protobuf::FieldDescriptor;
  const auto* d = a.GetDescriptor();
  const auto* ra = a.GetReflection();
  const auto* rb = b.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (skip.count(f->name())) continue;
    const std::string name = prefix + f->name();
    if (f->is_repeated()) {
      const int n = ra->FieldSize(a, f);
      bool differ = n != rb->FieldSize(b, f);
      for (int k = 0; !differ && k < n; ++k) {
        switch (f->cpp_type()) {
          case FieldDescriptor::CPPTYPE_MESSAGE:
            differ = ra->GetRepeatedMessage(a, f, k).SerializeAsString() !=
                     rb->GetRepeatedMessage(b, f, k).SerializeAsString();
            break;
          case FieldDescriptor::CPPTYPE_STRING:
            differ = ra->GetRepeatedString(a, f, k) != rb->GetRepeatedString(b, f, k);
            break;
          default:
            differ = true;  // Asset has no repeated scalars; be conservative
            break;
        }
      }
      if (differ) out->push_back(name);
      continue;
    }
    bool differ = false;
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_MESSAGE:
        // A date is one value ("disposal.date"); other messages (controls,
        // disposal) are reported field by field.
        if (f->message_type() == v1::Date::descriptor()) {
          differ = ra->GetMessage(a, f).SerializeAsString() !=
                   rb->GetMessage(b, f).SerializeAsString();
          break;
        }
        DiffMessages(ra->GetMessage(a, f), rb->GetMessage(b, f), name + ".", {}, out);
        continue;
      case FieldDescriptor::CPPTYPE_STRING:
        differ = ra->GetString(a, f) != rb->GetString(b, f);
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        differ = ra->GetBool(a, f) != rb->GetBool(b, f);
        break;
      case FieldDescriptor::CPPTYPE_ENUM:
        differ = ra->GetEnumValue(a, f) != rb->GetEnumValue(b, f);
        break;
      case FieldDescriptor::CPPTYPE_INT32:
        differ = ra->GetInt32(a, f) != rb->GetInt32(b, f);
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        differ = ra->GetInt64(a, f) != rb->GetInt64(b, f);
        break;
      case FieldDescriptor::CPPTYPE_UINT32:
        differ = ra->GetUInt32(a, f) != rb->GetUInt32(b, f);
        break;
      case FieldDescriptor::CPPTYPE_UINT64:
        differ = ra->GetUInt64(a, f) != rb->GetUInt64(b, f);
        break;
      case FieldDescriptor::CPPTYPE_DOUBLE:
        differ = ra->GetDouble(a, f) != rb->GetDouble(b, f);
        break;
      case FieldDescriptor::CPPTYPE_FLOAT:
        differ = ra->GetFloat(a, f) != rb->GetFloat(b, f);
        break;
    }
    if (differ) out->push_back(name);
  }
}

v1::AssetChange MakeChange(const v1::Asset& after, int64_t version, const char* action,
                           const Caller& caller, int64_t now,
                           std::vector<std::string> changed_fields) {
  v1::AssetChange change;
  change.set_asset_id(after.id());
  change.set_version(version);
  change.set_action(action);
  change.set_actor(caller.Uri());
  change.set_time_us(now);
  for (auto& f : changed_fields) change.add_changed_fields(std::move(f));
  *change.mutable_snapshot() = after;
  return change;
}

// The CSV column (English header, asset_csv.h) a problem with `field` is
// reported under: "controls.mfa" → "mfa", "disposal.date" → "disposal_date",
// "connections[2].asset_id" → "connections".
std::string ColumnOf(const std::string& field) {
  if (field.rfind("connections", 0) == 0) return "connections";
  if (field.rfind("controls.", 0) == 0) return field.substr(9);
  if (field == "disposal" || field == "disposal.date") return "disposal_date";
  if (field.rfind("disposal.", 0) == 0) return field.substr(9);
  return field;
}

// Stored assets are canonical: an empty controls or disposal message is
// the same as none, so it is stored as none (and compares equal after a CSV
// round trip).
void Normalize(v1::Asset& a) {
  if (a.has_controls() && a.controls().ByteSizeLong() == 0) a.clear_controls();
  if (a.has_disposal() && a.disposal().ByteSizeLong() == 0) a.clear_disposal();
}

// What an update (UpdateAsset, and a row of an import with update) makes of
// `stored`: the incoming fields, with the stored organisation, lifecycle,
// times and etag. The disposal record is RetireAsset's alone, so an update
// carries none (an updated asset is never a retired one).
v1::Asset MergeUpdate(const v1::Asset& stored, const v1::Asset& incoming) {
  v1::Asset next = incoming;
  next.set_organization(stored.organization());
  next.set_lifecycle(stored.lifecycle());
  next.clear_disposal();
  next.set_create_time_us(stored.create_time_us());
  next.set_update_time_us(stored.update_time_us());
  next.set_etag(stored.etag());
  Normalize(next);
  return next;
}

// Stores `next` (MergeUpdate of `stored`, whose `changed` fields are not
// empty) as the next version of the asset, guarded by the stored etag, with
// its history entry; returns it as stored. The caller refreshes findings.
absl::StatusOr<v1::Asset> WriteUpdate(AssetStore::Tx& tx, const Caller& caller,
                                      const v1::Asset& stored, v1::Asset next,
                                      std::vector<std::string> changed, int64_t now) {
  const int64_t version = VersionOf(stored.etag()) + 1;
  next.set_update_time_us(now);
  next.set_etag(absl::StrCat(version));
  SECCOORD_RETURN_IF_ERROR(tx.UpdateAsset(next, version, stored.etag()));
  SECCOORD_RETURN_IF_ERROR(
      tx.AppendHistory(MakeChange(next, version, kUpdated, caller, now, std::move(changed))));
  return next;
}

// The one visibility rule of every read path (DESIGN.md: get, list, export,
// findings, summary and history see the same assets). The permission table
// lets only callers holding read_assets (union staff, union admin, advisor)
// reach a read handler, and such a caller sees the assets of every
// organisation; `organization` narrows what is asked for ("" = all).
AssetFilter VisibleAssets(const Caller& caller, const std::string& organization) {
  (void)caller;  // every reader sees every organisation (see above)
  AssetFilter filter;
  filter.organization = organization;
  return filter;
}

// True if `asset` is among the assets `scope` (VisibleAssets) covers; an
// asset outside it is answered as one that does not exist.
bool InScope(const AssetFilter& scope, const v1::Asset& asset) {
  return scope.organization.empty() || scope.organization == asset.organization();
}

// Loads an asset the caller may read; NOT_FOUND "no asset ID" both for one
// that does not exist and for one outside the caller's scope.
absl::StatusOr<v1::Asset> LoadVisibleAsset(AssetStore::Tx& tx, const Caller& caller,
                                           const std::string& id) {
  SECCOORD_ASSIGN_OR_RETURN(v1::Asset asset, LoadAsset(tx, id));
  if (!InScope(VisibleAssets(caller, ""), asset)) {
    return absl::NotFoundError(absl::StrCat("no asset ", id));
  }
  return asset;
}

// The +1 / -1 an asset's write moves its organisation's count of assets in
// use by (`before` is null for a new asset).
int64_t InUseDelta(const v1::Asset* before, const v1::Asset& after) {
  return (IsInUse(after) ? 1 : 0) - (before != nullptr && IsInUse(*before) ? 1 : 0);
}

// Keeps the stored findings true in the transaction that writes assets:
// after `written` are stored, their connection links are replaced, and the
// findings of each of them and of every asset whose connections name one of
// them (the cross-segment rule looks at the targets' segment, lifecycle and
// name) are computed again; what changed is stored and the organisation's
// counts move by the difference.
//
// With `lock`, each asset whose findings are computed and each target they
// look at is locked before it is read (AssetStore::Tx::LockAssets): on
// PostgreSQL, READ COMMITTED, two writers touching connected assets then see
// each other's committed rows instead of both computing from stale ones.
class FindingsKeeper {
 public:
  explicit FindingsKeeper(AssetStore::Tx& tx) : tx_(tx) {}

  // Before `id` is written: locks it together with the assets its findings
  // and theirs look at (the assets connecting to it, its stored connection
  // targets and `new_targets`), in one ascending order, so two writers of
  // connected assets queue on the same first row instead of deadlocking.
  absl::Status LockAround(const std::string& id, const std::vector<std::string>& new_targets) {
    std::vector<std::string> ids = new_targets;
    ids.push_back(id);
    SECCOORD_ASSIGN_OR_RETURN(auto from, tx_.ListLinkedFrom(id));
    ids.insert(ids.end(), from.begin(), from.end());
    SECCOORD_ASSIGN_OR_RETURN(auto stored, tx_.GetAsset(id));
    if (stored) {
      for (std::string& t : TargetsOf(*stored)) ids.push_back(std::move(t));
    }
    return tx_.LockAssets(std::move(ids));
  }

  absl::Status Refresh(const std::vector<v1::Asset>& written, bool lock) {
    std::set<std::string> affected;
    for (const v1::Asset& a : written) {
      loaded_[a.id()] = a;
      SECCOORD_RETURN_IF_ERROR(tx_.ReplaceLinks(a.id(), TargetsOf(a)));
      affected.insert(a.id());
    }
    for (const v1::Asset& a : written) {
      SECCOORD_ASSIGN_OR_RETURN(auto from, tx_.ListLinkedFrom(a.id()));
      affected.insert(from.begin(), from.end());
    }
    if (lock) {
      SECCOORD_RETURN_IF_ERROR(
          tx_.LockAssets(std::vector<std::string>(affected.begin(), affected.end())));
    }
    std::vector<std::string> targets;
    for (const std::string& id : affected) {
      SECCOORD_ASSIGN_OR_RETURN(const v1::Asset* asset, Load(id));
      if (asset == nullptr) continue;
      for (std::string& t : TargetsOf(*asset)) {
        if (!loaded_.count(t)) targets.push_back(std::move(t));
      }
    }
    if (lock) SECCOORD_RETURN_IF_ERROR(tx_.LockAssets(targets));
    for (const std::string& id : targets) SECCOORD_RETURN_IF_ERROR(Load(id).status());
    for (const std::string& id : affected) {
      const v1::Asset* asset = Find(id);
      if (asset != nullptr) SECCOORD_RETURN_IF_ERROR(Store(*asset));
    }
    return absl::OkStatus();
  }

 private:
  static std::vector<std::string> TargetsOf(const v1::Asset& a) {
    std::vector<std::string> out;
    for (const auto& c : a.connections()) out.push_back(c.asset_id());
    return out;
  }

  const v1::Asset* Find(const std::string& id) const {
    auto it = loaded_.find(id);
    return it == loaded_.end() || !it->second ? nullptr : &*it->second;
  }

  absl::StatusOr<const v1::Asset*> Load(const std::string& id) {
    if (!loaded_.count(id)) {
      SECCOORD_ASSIGN_OR_RETURN(auto asset, tx_.GetAsset(id));
      loaded_[id] = std::move(asset);
    }
    return Find(id);
  }

  absl::Status Store(const v1::Asset& asset) {
    const AssetLookup lookup = [this](const std::string& id) { return Find(id); };
    std::vector<v1::Finding> now = EvaluateAsset(asset, lookup);
    SECCOORD_ASSIGN_OR_RETURN(std::vector<v1::Finding> before, tx_.GetFindings(asset.id()));
    auto same = [](const std::vector<v1::Finding>& a, const std::vector<v1::Finding>& b) {
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].SerializeAsString() != b[i].SerializeAsString()) return false;
      }
      return true;
    };
    if (same(before, now)) return absl::OkStatus();
    std::map<std::pair<std::string, std::string>, int64_t> delta;
    for (const auto& f : before) --delta[{f.organization(), f.rule_id()}];
    for (const auto& f : now) ++delta[{f.organization(), f.rule_id()}];
    for (const auto& [key, d] : delta) {
      SECCOORD_RETURN_IF_ERROR(tx_.AddFindingCount(key.first, key.second, d));
    }
    return tx_.ReplaceFindings(asset.id(), now);
  }

  AssetStore::Tx& tx_;
  std::unordered_map<std::string, std::optional<v1::Asset>> loaded_;
};

}  // namespace

absl::Status BackfillStoredFindings(AssetStore& store) {
  SECCOORD_ASSIGN_OR_RETURN(auto transaction, store.database().Begin(db::TxMode::kReadWrite));
  AssetStore::Tx tx(*transaction);
  SECCOORD_ASSIGN_OR_RETURN(bool claimed, tx.ClaimFindingsBackfill());
  if (!claimed) return absl::OkStatus();  // computed before (or by a replica)
  // A page at a time, so memory stays bounded by the page and its targets;
  // assets of later pages that an earlier page connects to are loaded by
  // the keeper, and assets connecting to a later page are computed again
  // when that page is stored.
  constexpr int kPage = 500;
  std::string after;
  while (true) {
    SECCOORD_ASSIGN_OR_RETURN(auto page, tx.ListAssets(AssetFilter(), after, kPage));
    if (page.empty()) break;
    for (const v1::Asset& a : page) {
      SECCOORD_RETURN_IF_ERROR(tx.AddAssetsInUse(a.organization(), InUseDelta(nullptr, a)));
    }
    // No locks: the claim's row lock keeps a second starting replica out,
    // and the service does not serve before its migrations are done.
    SECCOORD_RETURN_IF_ERROR(FindingsKeeper(tx).Refresh(page, /*lock=*/false));
    after = page.back().id();
  }
  return transaction->Commit();
}

std::vector<std::string> ChangedFields(const v1::Asset& before, const v1::Asset& after) {
  std::vector<std::string> out;
  DiffMessages(before, after, "", {"id", "etag", "create_time_us", "update_time_us"}, &out);
  return out;
}

template <typename Response>
absl::StatusOr<Response> AssetLogic::Idempotent(
    const Caller& caller, const std::string& request_id, const char* method,
    const std::function<absl::StatusOr<Response>(AssetStore::Tx&)>& body) {
  return runtime::RunMutation<Response>(
      store_.database(), {caller, request_id, method, clock_.now_us(), auditor_},
      [&](db::Transaction& transaction) {
        AssetStore::Tx tx(transaction);
        return body(tx);
      },
      [](const Response& r) { return TargetOf(r); });
}

absl::StatusOr<v1::Asset> AssetLogic::CreateAsset(const Caller& caller,
                                                  const v1::CreateAssetRequest& request) {
  v1::Asset asset = request.asset();
  // Server-set fields are ignored.
  asset.clear_id();
  asset.clear_etag();
  asset.clear_lifecycle();
  asset.clear_disposal();
  asset.clear_create_time_us();
  asset.clear_update_time_us();
  if (asset.organization().empty()) asset.set_organization(caller.principal.organization);
  SECCOORD_RETURN_IF_ERROR(
      ValidateText("organization", asset.organization(), kMaxOrganizationBytes, false));
  SECCOORD_RETURN_IF_ERROR(CheckOwnOrganization(caller, asset.organization()));
  if (auto problems = CheckContent(asset); !problems.empty()) return problems.front().status;
  return Idempotent<v1::Asset>(
      caller, request.request_id(), kCreate,
      [&](AssetStore::Tx& tx) -> absl::StatusOr<v1::Asset> {
        std::vector<Problem> problems;
        absl::Status lookup_error;
        CheckConnectionsExist(
            asset,
            [&](const std::string& id) {
              auto found = tx.GetAsset(id);
              if (!found.ok()) lookup_error.Update(found.status());
              return found.ok() && found->has_value();
            },
            &problems);
        SECCOORD_RETURN_IF_ERROR(lookup_error);
        if (!problems.empty()) return problems.front().status;
        v1::Asset stored = asset;
        Normalize(stored);
        SECCOORD_ASSIGN_OR_RETURN(std::string id, tx.NextAssetId());
        const int64_t now = clock_.now_us();
        stored.set_id(id);
        stored.set_lifecycle(v1::LIFECYCLE_ACTIVE);
        stored.set_create_time_us(now);
        stored.set_update_time_us(now);
        stored.set_etag("1");
        SECCOORD_RETURN_IF_ERROR(tx.InsertAsset(stored, 1));
        SECCOORD_RETURN_IF_ERROR(tx.AppendHistory(
            MakeChange(stored, 1, kCreated, caller, now, ChangedFields(v1::Asset(), stored))));
        SECCOORD_RETURN_IF_ERROR(
            tx.AddAssetsInUse(stored.organization(), InUseDelta(nullptr, stored)));
        SECCOORD_RETURN_IF_ERROR(FindingsKeeper(tx).Refresh({stored}, /*lock=*/true));
        return stored;
      });
}

absl::StatusOr<v1::Asset> AssetLogic::GetAsset(const Caller& caller,
                                               const v1::GetAssetRequest& request) {
  SECCOORD_RETURN_IF_ERROR(ValidateAssetId("asset_id", request.asset_id()));
  v1::Asset asset;
  SECCOORD_RETURN_IF_ERROR(store_.Read([&](AssetStore::Tx& tx) -> absl::Status {
    SECCOORD_ASSIGN_OR_RETURN(asset, LoadVisibleAsset(tx, caller, request.asset_id()));
    return absl::OkStatus();
  }));
  return asset;
}

absl::StatusOr<v1::Asset> AssetLogic::UpdateAsset(const Caller& caller,
                                                  const v1::UpdateAssetRequest& request) {
  const v1::Asset& asset = request.asset();
  SECCOORD_RETURN_IF_ERROR(ValidateAssetId("id", asset.id()));
  if (asset.etag().empty()) {
    return InvalidField("etag", "required; pass the etag of the asset as you read it");
  }
  SECCOORD_RETURN_IF_ERROR(ValidateEtagText(asset.etag()));
  SECCOORD_RETURN_IF_ERROR(
      ValidateText("organization", asset.organization(), kMaxOrganizationBytes, true));
  if (auto problems = CheckContent(asset); !problems.empty()) return problems.front().status;
  return Idempotent<v1::Asset>(
      caller, request.request_id(), kUpdate,
      [&](AssetStore::Tx& tx) -> absl::StatusOr<v1::Asset> {
        {
          std::vector<std::string> targets;
          for (const auto& c : asset.connections()) targets.push_back(c.asset_id());
          SECCOORD_RETURN_IF_ERROR(FindingsKeeper(tx).LockAround(asset.id(), targets));
        }
        SECCOORD_ASSIGN_OR_RETURN(v1::Asset stored, LoadAsset(tx, asset.id()));
        SECCOORD_RETURN_IF_ERROR(CheckOwnOrganization(caller, stored.organization()));
        if (!asset.organization().empty()) {
          SECCOORD_RETURN_IF_ERROR(CheckOwnOrganization(caller, asset.organization()));
        }
        // A retired asset sent back as it was read carries RETIRED itself:
        // the stored state decides, so the caller learns the real reason.
        if (stored.lifecycle() == v1::LIFECYCLE_RETIRED) {
          return absl::FailedPreconditionError(
              absl::StrCat("asset ", stored.id(), " is RETIRED; retired assets cannot be updated"));
        }
        if (asset.lifecycle() == v1::LIFECYCLE_RETIRED) {
          return InvalidField("lifecycle", "an update cannot retire an asset; use RetireAsset");
        }
        if (asset.etag() != stored.etag()) {
          return absl::AbortedError(absl::StrCat("etag: asset ", stored.id(),
                                                 " has changed since it was read (etag ",
                                                 asset.etag(), ", now ", stored.etag(),
                                                 "); read it again"));
        }
        std::vector<Problem> problems;
        absl::Status lookup_error;
        CheckConnectionsExist(
            asset,
            [&](const std::string& id) {
              auto found = tx.GetAsset(id);
              if (!found.ok()) lookup_error.Update(found.status());
              return found.ok() && found->has_value();
            },
            &problems);
        SECCOORD_RETURN_IF_ERROR(lookup_error);
        if (!problems.empty()) return problems.front().status;

        v1::Asset next = MergeUpdate(stored, asset);
        std::vector<std::string> changed = ChangedFields(stored, next);
        if (changed.empty()) return stored;  // nothing to change: no new version
        SECCOORD_ASSIGN_OR_RETURN(
            next, WriteUpdate(tx, caller, stored, std::move(next), std::move(changed),
                              clock_.now_us()));
        SECCOORD_RETURN_IF_ERROR(FindingsKeeper(tx).Refresh({next}, /*lock=*/true));
        return next;
      });
}

absl::StatusOr<v1::ListAssetsResponse> AssetLogic::ListAssets(
    const Caller& caller, const v1::ListAssetsRequest& request) {
  SECCOORD_ASSIGN_OR_RETURN(int page_size, PageSize(request.page_size()));
  const PageTokenCodec tokens("assets", request);
  SECCOORD_ASSIGN_OR_RETURN(std::string after, tokens.Decode(request.page_token()));
  SECCOORD_RETURN_IF_ERROR(
      ValidateText("organization", request.organization(), kMaxOrganizationBytes, true));
  SECCOORD_RETURN_IF_ERROR(
      CheckFilterEnum("category", request.category(), v1::AssetCategory_descriptor()));
  SECCOORD_RETURN_IF_ERROR(
      CheckFilterEnum("segment", request.segment(), v1::Segment_descriptor()));
  SECCOORD_RETURN_IF_ERROR(CheckFilterEnum("confidentiality", request.confidentiality(),
                                           v1::Confidentiality_descriptor()));
  SECCOORD_RETURN_IF_ERROR(
      CheckFilterEnum("lifecycle", request.lifecycle(), v1::Lifecycle_descriptor()));
  AssetFilter filter = VisibleAssets(caller, request.organization());
  filter.category = request.category();
  filter.segment = request.segment();
  filter.confidentiality = request.confidentiality();
  filter.lifecycle = request.lifecycle();
  v1::ListAssetsResponse response;
  SECCOORD_RETURN_IF_ERROR(store_.Read([&](AssetStore::Tx& tx) -> absl::Status {
    // One more than a page tells whether there is a next one.
    SECCOORD_ASSIGN_OR_RETURN(auto assets, tx.ListAssets(filter, after, page_size + 1));
    const bool more = static_cast<int>(assets.size()) > page_size;
    if (more) assets.resize(page_size);
    for (auto& a : assets) *response.add_assets() = std::move(a);
    if (more) {
      response.set_next_page_token(
          tokens.Encode(response.assets(response.assets_size() - 1).id()));
    }
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<v1::Asset> AssetLogic::RetireAsset(const Caller& caller,
                                                  const v1::RetireAssetRequest& request) {
  SECCOORD_RETURN_IF_ERROR(ValidateAssetId("asset_id", request.asset_id()));
  SECCOORD_RETURN_IF_ERROR(ValidateEtagText(request.etag()));
  return Idempotent<v1::Asset>(
      caller, request.request_id(), kRetire,
      [&](AssetStore::Tx& tx) -> absl::StatusOr<v1::Asset> {
        SECCOORD_RETURN_IF_ERROR(FindingsKeeper(tx).LockAround(request.asset_id(), {}));
        SECCOORD_ASSIGN_OR_RETURN(v1::Asset stored, LoadAsset(tx, request.asset_id()));
        SECCOORD_RETURN_IF_ERROR(CheckOwnOrganization(caller, stored.organization()));
        if (stored.lifecycle() == v1::LIFECYCLE_RETIRED) {
          return absl::FailedPreconditionError(
              absl::StrCat("asset ", stored.id(), " is already RETIRED"));
        }
        if (!request.etag().empty() && request.etag() != stored.etag()) {
          return absl::AbortedError(absl::StrCat("etag: asset ", stored.id(),
                                                 " has changed since it was read (etag ",
                                                 request.etag(), ", now ", stored.etag(),
                                                 "); read it again"));
        }
        const bool erasure = RequiresErasureRecord(stored);
        if (!request.has_disposal()) {
          return InvalidField(
              "disposal",
              erasure ? "required: date, erasure method and witness (storage media and "
                        "equipment of confidentiality 2 or above)"
                      : "required: the date of disposal");
        }
        auto problems = CheckDisposal(request.disposal(), clock_.today(), erasure);
        if (!problems.empty()) return problems.front().status;
        v1::Asset next = stored;
        const int64_t now = clock_.now_us();
        const int64_t version = VersionOf(stored.etag()) + 1;
        next.set_lifecycle(v1::LIFECYCLE_RETIRED);
        *next.mutable_disposal() = request.disposal();
        next.set_update_time_us(now);
        next.set_etag(absl::StrCat(version));
        SECCOORD_RETURN_IF_ERROR(tx.UpdateAsset(next, version, stored.etag()));
        SECCOORD_RETURN_IF_ERROR(tx.AppendHistory(
            MakeChange(next, version, kRetired, caller, now, ChangedFields(stored, next))));
        SECCOORD_RETURN_IF_ERROR(
            tx.AddAssetsInUse(next.organization(), InUseDelta(&stored, next)));
        SECCOORD_RETURN_IF_ERROR(FindingsKeeper(tx).Refresh({next}, /*lock=*/true));
        return next;
      });
}

absl::StatusOr<v1::ListAssetHistoryResponse> AssetLogic::ListAssetHistory(
    const Caller& caller, const v1::ListAssetHistoryRequest& request) {
  SECCOORD_RETURN_IF_ERROR(ValidateAssetId("asset_id", request.asset_id()));
  SECCOORD_ASSIGN_OR_RETURN(int page_size, PageSize(request.page_size()));
  const PageTokenCodec tokens("history", request);
  SECCOORD_ASSIGN_OR_RETURN(std::string cursor, tokens.Decode(request.page_token()));
  // The token is bound to the asset it listed (runtime/paging.h).
  int64_t after = 0;
  if (!cursor.empty() && (!absl::SimpleAtoi(cursor, &after) || after < 0)) {
    return InvalidField("page_token", "malformed; pass next_page_token of a previous response");
  }
  v1::ListAssetHistoryResponse response;
  SECCOORD_RETURN_IF_ERROR(store_.Read([&](AssetStore::Tx& tx) -> absl::Status {
    SECCOORD_RETURN_IF_ERROR(LoadVisibleAsset(tx, caller, request.asset_id()).status());
    SECCOORD_ASSIGN_OR_RETURN(auto changes,
                              tx.ListHistory(request.asset_id(), after, page_size + 1));
    const bool more = static_cast<int>(changes.size()) > page_size;
    if (more) changes.resize(page_size);
    for (auto& c : changes) *response.add_changes() = std::move(c);
    if (more) {
      response.set_next_page_token(
          tokens.Encode(absl::StrCat(response.changes(response.changes_size() - 1).version())));
    }
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<v1::ListFindingsResponse> AssetLogic::ListFindings(
    const Caller& caller, const v1::ListFindingsRequest& request) {
  SECCOORD_RETURN_IF_ERROR(
      ValidateText("organization", request.organization(), kMaxOrganizationBytes, true));
  if (!request.asset_id().empty()) {
    SECCOORD_RETURN_IF_ERROR(ValidateAssetId("asset_id", request.asset_id()));
  }
  SECCOORD_ASSIGN_OR_RETURN(int page_size, PageSize(request.page_size()));
  const PageTokenCodec tokens("findings", request);
  SECCOORD_ASSIGN_OR_RETURN(std::string cursor, tokens.Decode(request.page_token()));
  // The cursor "after_asset_id|after_rule_order" is the position; the token
  // is bound to the listing's organization and asset_id (runtime/paging.h).
  std::string after_asset;
  int after_order = -1;
  if (!cursor.empty()) {
    std::vector<std::string> parts = absl::StrSplit(cursor, '|');
    if (parts.size() != 2 || !absl::SimpleAtoi(parts[1], &after_order)) {
      return InvalidField("page_token", "malformed; pass next_page_token of a previous response");
    }
    after_asset = parts[0];
  }
  const AssetFilter scope = VisibleAssets(caller, request.organization());
  v1::ListFindingsResponse response;
  SECCOORD_RETURN_IF_ERROR(store_.Read([&](AssetStore::Tx& tx) -> absl::Status {
    if (!request.asset_id().empty()) {
      SECCOORD_ASSIGN_OR_RETURN(v1::Asset target,
                                LoadVisibleAsset(tx, caller, request.asset_id()));
      if (!InScope(scope, target)) {
        return absl::NotFoundError(
            absl::StrCat("no asset ", request.asset_id(), " in ", request.organization()));
      }
    }
    SECCOORD_ASSIGN_OR_RETURN(auto findings,
                              tx.ListFindings(scope.organization, request.asset_id(), after_asset,
                                              after_order, page_size + 1));
    const bool more = static_cast<int>(findings.size()) > page_size;
    if (more) findings.resize(page_size);
    for (auto& f : findings) *response.add_findings() = std::move(f);
    if (more) {
      const v1::Finding& last = response.findings(response.findings_size() - 1);
      response.set_next_page_token(
          tokens.Encode(absl::StrCat(last.asset_id(), "|", ComplianceRuleIndex(last.rule_id()))));
    }
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<v1::FindingsSummary> AssetLogic::GetFindingsSummary(
    const Caller& caller, const v1::GetFindingsSummaryRequest& request) {
  SECCOORD_RETURN_IF_ERROR(
      ValidateText("organization", request.organization(), kMaxOrganizationBytes, true));
  const std::string organization =
      request.organization().empty() ? std::string(kUnionOrganization) : request.organization();
  const AssetFilter scope = VisibleAssets(caller, organization);
  v1::FindingsSummary summary;
  SECCOORD_RETURN_IF_ERROR(store_.Read([&](AssetStore::Tx& tx) -> absl::Status {
    SECCOORD_ASSIGN_OR_RETURN(AssetStore::Tx::FindingCounts counts,
                              tx.ReadFindingCounts(scope.organization));
    summary = SummarizeFindingCounts(organization, counts.by_rule,
                                     static_cast<int>(counts.assets_in_use));
    return absl::OkStatus();
  }));
  return summary;
}

absl::Status AssetLogic::ValidateImport(AssetStore::Tx& tx, const Caller& caller,
                                        const std::vector<ParsedRow>& rows, bool update,
                                        v1::ImportAssetsResponse* response,
                                        std::vector<PlannedRow>* ready) {
  std::vector<v1::RowError> errors;
  auto report = [&](int line, const std::string& column, const std::string& reason) {
    v1::RowError e;
    e.set_line(line);
    e.set_column(column);
    e.set_reason(reason);
    errors.push_back(std::move(e));
  };
  SECCOORD_ASSIGN_OR_RETURN(auto existing_list, tx.ListAssetIds());
  const std::set<std::string> existing(existing_list.begin(), existing_list.end());
  // Ids the file brings, with the line of their first occurrence.
  std::map<std::string, int> in_file;
  for (const auto& row : rows) {
    const std::string& id = row.asset.id();
    if (id.empty() || !ParseAssetId(id)) continue;
    in_file.emplace(id, row.line);
  }
  const CivilDate today = clock_.today();
  ready->clear();
  for (const auto& row : rows) {
    v1::Asset asset = row.asset;
    const size_t errors_before = errors.size();
    std::optional<v1::Asset> stored;
    if (!asset.id().empty()) {
      if (!ParseAssetId(asset.id())) {
        report(row.line, ColumnOf("id"),
               absl::StrCat("\"", IsValidUtf8(asset.id()) ? asset.id() : "?",
                            "\" is not an asset id such as A-000001 (leave it empty for a new "
                            "id)"));
      } else if (existing.count(asset.id()) && !update) {
        report(row.line, ColumnOf("id"),
               absl::StrCat(asset.id(), " already exists (an import with update changes it)"));
      } else if (int first = in_file.at(asset.id()); first != row.line) {
        report(row.line, ColumnOf("id"),
               absl::StrCat(asset.id(), " appears twice in the file (also on line ", first, ")"));
      } else if (existing.count(asset.id())) {
        SECCOORD_ASSIGN_OR_RETURN(stored, tx.GetAsset(asset.id()));
      }
    }
    if (stored.has_value()) {
      // The etag guards the round trip: the row was exported from this
      // version of the asset, or someone changed it since.
      if (asset.etag().empty()) {
        report(row.line, "etag",
               absl::StrCat("required to update ", stored->id(),
                            " (the etag column of an export; export it again)"));
      } else if (asset.etag() != stored->etag()) {
        report(row.line, "etag",
               absl::StrCat(stored->id(), " has changed since this row was exported (etag ",
                            IsValidUtf8(asset.etag()) ? asset.etag() : "?", ", now ",
                            stored->etag(), "); export it again"));
      }
      if (stored->lifecycle() != v1::LIFECYCLE_RETIRED &&
          asset.lifecycle() == v1::LIFECYCLE_RETIRED) {
        report(row.line, "lifecycle",
               absl::StrCat("an import cannot retire ", stored->id(),
                            "; retire it with its disposal record (seccoord asset retire)"));
      }
    }
    if (asset.organization().empty()) {
      asset.set_organization(stored ? stored->organization() : caller.principal.organization);
    }
    if (absl::Status s =
            ValidateText("organization", asset.organization(), kMaxOrganizationBytes, false);
        !s.ok()) {
      report(row.line, ColumnOf("organization"), ReasonOf({"organization", s}));
    } else if (asset.organization() != caller.principal.organization) {
      report(row.line, ColumnOf("organization"),
             absl::StrCat("may only write assets of ", caller.principal.organization, ", not of ",
                          asset.organization()));
    } else if (stored && stored->organization() != asset.organization()) {
      report(row.line, ColumnOf("organization"),
             absl::StrCat(stored->id(), " belongs to ", stored->organization(),
                          "; an import cannot move it"));
    }
    std::vector<Problem> problems = CheckContent(asset);
    CheckConnectionsExist(
        asset,
        [&](const std::string& id) { return existing.count(id) > 0 || in_file.count(id) > 0; },
        &problems);
    if (asset.lifecycle() == v1::LIFECYCLE_UNSPECIFIED) asset.set_lifecycle(v1::LIFECYCLE_ACTIVE);
    if (asset.lifecycle() == v1::LIFECYCLE_RETIRED) {
      // Imported as it was recorded; RETIRED_MEDIA_ERASURE flags a record
      // without erasure method or witness.
      for (auto& p : CheckDisposal(asset.disposal(), today, /*erasure_required=*/false)) {
        problems.push_back(std::move(p));
      }
    } else if (asset.lifecycle() != v1::LIFECYCLE_ACTIVE) {
      problems.push_back({"lifecycle", InvalidField("lifecycle", absl::StrCat(
                                                                     "unknown value ",
                                                                     asset.lifecycle()))});
    } else if (HasDisposalContent(asset.disposal())) {
      problems.push_back(
          {"disposal", InvalidField("disposal", "only a RETIRED asset has a disposal record")});
    } else {
      asset.clear_disposal();
    }
    for (const auto& p : problems) report(row.line, ColumnOf(p.field), ReasonOf(p));
    if (errors.size() != errors_before) continue;
    PlannedRow plan;
    plan.line = row.line;
    if (stored.has_value() && stored->lifecycle() == v1::LIFECYCLE_RETIRED) {
      // A retired asset's row must stay as it was exported (with its
      // lifecycle and disposal record); nothing of it is written.
      asset.set_organization(stored->organization());
      asset.set_create_time_us(stored->create_time_us());
      asset.set_update_time_us(stored->update_time_us());
      asset.set_etag(stored->etag());
      Normalize(asset);
      plan.changed = ChangedFields(*stored, asset);
      if (!plan.changed.empty()) {
        report(row.line, "",
               absl::StrCat(stored->id(), " is RETIRED; retired assets cannot be updated (row "
                            "changes ", absl::StrJoin(plan.changed, ", "), ")"));
        continue;
      }
      asset = *stored;
    } else if (stored.has_value()) {
      // The row as the asset would be after the update, by UpdateAsset's
      // own rule.
      asset = MergeUpdate(*stored, asset);
      plan.changed = ChangedFields(*stored, asset);
    } else if (!asset.id().empty() && !asset.etag().empty()) {
      // A row with its id from another inventory keeps its version, so the
      // export of the new inventory reads as the file did.
      int64_t version = 0;
      if (!absl::SimpleAtoi(asset.etag(), &version) || version < 1 ||
          version > kMaxImportedVersion) {
        report(row.line, "etag",
               absl::StrCat("\"", IsValidUtf8(asset.etag()) ? asset.etag() : "?",
                            "\" is not an etag of an export (a version such as 3)"));
        continue;
      }
    } else {
      asset.clear_etag();
    }
    plan.asset = std::move(asset);
    plan.stored = std::move(stored);
    ready->push_back(std::move(plan));
  }
  std::stable_sort(errors.begin(), errors.end(),
                   [](const v1::RowError& a, const v1::RowError& b) { return a.line() < b.line(); });
  for (auto& e : errors) *response->add_errors() = std::move(e);
  if (response->errors_size() > 0) ready->clear();
  return absl::OkStatus();
}

absl::StatusOr<v1::ImportAssetsResponse> AssetLogic::ImportAssets(
    const Caller& caller, const v1::ImportAssetsRequest& request) {
  SECCOORD_RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id()));
  v1::CsvEncoding encoding = request.encoding();
  if (encoding == v1::CSV_ENCODING_UNSPECIFIED) encoding = v1::CSV_ENCODING_AUTO;
  SECCOORD_RETURN_IF_ERROR(
      CheckFilterEnum("encoding", encoding, v1::CsvEncoding_descriptor()));
  if (request.csv().empty()) return InvalidField("csv", "the file is empty");
  SECCOORD_ASSIGN_OR_RETURN(CsvParseResult parsed,
                            ParseAssetCsv(request.csv(), encoding, kMaxImportRows));
  if (static_cast<int>(parsed.rows.size() + parsed.errors.size()) > kMaxImportRows) {
    return absl::ResourceExhaustedError(
        absl::StrCat("csv: at most ", kMaxImportRows, " rows per import"));
  }

  // Rows the parser rejected, then every row checked like CreateAsset.
  auto validate = [&](AssetStore::Tx& tx, std::vector<PlannedRow>* ready)
      -> absl::StatusOr<v1::ImportAssetsResponse> {
    v1::ImportAssetsResponse response;
    response.set_detected_encoding(parsed.encoding);
    response.set_dry_run(request.dry_run());
    v1::ImportAssetsResponse checked;
    SECCOORD_RETURN_IF_ERROR(
        ValidateImport(tx, caller, parsed.rows, request.update(), &checked, ready));
    std::vector<v1::RowError> errors(parsed.errors.begin(), parsed.errors.end());
    for (const auto& e : checked.errors()) errors.push_back(e);
    std::stable_sort(errors.begin(), errors.end(), [](const auto& a, const auto& b) {
      return a.line() < b.line();
    });
    for (auto& e : errors) *response.add_errors() = std::move(e);
    if (response.errors_size() > 0) ready->clear();
    return response;
  };
  // What each row does, once ids are assigned (a dry run leaves new ones "").
  auto report_changes = [](const std::vector<PlannedRow>& ready,
                           v1::ImportAssetsResponse* response) {
    for (const PlannedRow& plan : ready) {
      v1::RowChange* change = response->add_changes();
      change->set_line(plan.line);
      change->set_asset_id(plan.asset.id());
      change->set_action(!plan.stored ? "CREATE" : plan.changed.empty() ? "UNCHANGED" : "UPDATE");
      for (const std::string& f : plan.changed) change->add_changed_fields(f);
      if (change->action() != "UNCHANGED") response->set_imported(response->imported() + 1);
    }
  };

  if (request.dry_run()) {
    v1::ImportAssetsResponse response;
    SECCOORD_RETURN_IF_ERROR(store_.Read([&](AssetStore::Tx& tx) -> absl::Status {
      std::vector<PlannedRow> ready;
      SECCOORD_ASSIGN_OR_RETURN(response, validate(tx, &ready));
      report_changes(ready, &response);
      return absl::OkStatus();
    }));
    return response;
  }

  return Idempotent<v1::ImportAssetsResponse>(
      caller, request.request_id(), kImport,
      [&](AssetStore::Tx& tx) -> absl::StatusOr<v1::ImportAssetsResponse> {
        std::vector<PlannedRow> ready;
        SECCOORD_ASSIGN_OR_RETURN(v1::ImportAssetsResponse response, validate(tx, &ready));
        if (response.errors_size() > 0) return response;  // nothing stored
        // Explicit ids first move the counter past them, so the ids handed
        // out to the other rows never collide with the file's.
        int64_t highest = 0;
        for (const auto& plan : ready) {
          if (plan.stored) continue;
          if (auto n = ParseAssetId(plan.asset.id())) highest = std::max(highest, *n);
        }
        if (highest > 0) SECCOORD_RETURN_IF_ERROR(tx.ReserveAssetNumber(highest));
        const int64_t now = clock_.now_us();
        std::vector<v1::Asset> written;
        for (auto& plan : ready) {
          v1::Asset& a = plan.asset;
          if (plan.stored) {
            if (plan.changed.empty()) continue;  // UNCHANGED: no new version
            SECCOORD_ASSIGN_OR_RETURN(
                a, WriteUpdate(tx, caller, *plan.stored, std::move(a), plan.changed, now));
            written.push_back(a);
            continue;
          }
          if (a.id().empty()) {
            SECCOORD_ASSIGN_OR_RETURN(std::string id, tx.NextAssetId());
            a.set_id(id);
          }
          Normalize(a);
          a.set_create_time_us(now);
          a.set_update_time_us(now);
          const int64_t version = a.etag().empty() ? 1 : VersionOf(a.etag());
          a.set_etag(absl::StrCat(version));
          SECCOORD_RETURN_IF_ERROR(tx.InsertAsset(a, version));
          SECCOORD_RETURN_IF_ERROR(tx.AppendHistory(
              MakeChange(a, version, kImported, caller, now, ChangedFields(v1::Asset(), a))));
          SECCOORD_RETURN_IF_ERROR(tx.AddAssetsInUse(a.organization(), InUseDelta(nullptr, a)));
          written.push_back(a);
        }
        SECCOORD_RETURN_IF_ERROR(FindingsKeeper(tx).Refresh(written, /*lock=*/true));
        report_changes(ready, &response);
        return response;
      });
}

absl::StatusOr<v1::ExportAssetsResponse> AssetLogic::ExportAssets(
    const Caller& caller, const v1::ExportAssetsRequest& request) {
  SECCOORD_RETURN_IF_ERROR(
      ValidateText("organization", request.organization(), kMaxOrganizationBytes, true));
  SECCOORD_ASSIGN_OR_RETURN(
      int page_size, runtime::PageSize(request.page_size(), kMaxPageSize, kMaxPageSize));
  // The cursor is the last asset id exported; the token is bound to this
  // export's organization and include_retired (runtime/paging.h).
  const PageTokenCodec tokens("export", request);
  SECCOORD_ASSIGN_OR_RETURN(std::string after, tokens.Decode(request.page_token()));
  AssetFilter filter = VisibleAssets(caller, request.organization());
  if (!request.include_retired()) filter.lifecycle = v1::LIFECYCLE_ACTIVE;
  std::vector<v1::Asset> assets;
  SECCOORD_RETURN_IF_ERROR(store_.Read([&](AssetStore::Tx& tx) -> absl::Status {
    SECCOORD_ASSIGN_OR_RETURN(assets, tx.ListAssets(filter, after, page_size + 1));
    return absl::OkStatus();
  }));
  const bool more = static_cast<int>(assets.size()) > page_size;
  if (more) assets.resize(page_size);
  v1::ExportAssetsResponse response;
  std::string csv = request.page_token().empty() ? WriteAssetCsvHeader(request.bom()) : "";
  csv += WriteAssetCsvRecords(assets);
  response.set_csv(std::move(csv));
  response.set_rows(static_cast<int32_t>(assets.size()));
  if (more) {
    response.set_next_page_token(tokens.Encode(assets.back().id()));
  }
  return response;
}

}  // namespace seccoord::asset
