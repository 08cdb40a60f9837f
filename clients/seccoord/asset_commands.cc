#include "clients/seccoord/asset_commands.h"

#include <yaml-cpp/yaml.h>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/seccoord/command.h"
#include "clients/seccoord/policy_commands.h"
#include "clients/seccoord/yaml_input.h"
#include "common/civil_date.h"
#include "common/proto_convert.h"
#include "common/status.h"
#include "common/text_width.h"
#include "common/utf8.h"
#include "seccoord/v1/asset.grpc.pb.h"
#include "common/asset_csv.h"

namespace seccoord::cli {
namespace {

using Stub = v1::AssetService::Stub;

// ---- Enum values. The values of asset fields are read by the CSV layout's
// parsers (common/asset_csv.h), so a flag, a YAML file and a CSV cell
// accept the same names and Japanese labels. Only the CSV encoding, which is
// not a cell value, is mapped here.

struct EncodingEntry {
  v1::CsvEncoding value;
  const char* name;
  std::vector<const char*> spellings;  // normalised: upper case, '-' as '_'
};

const std::vector<EncodingEntry>& CsvEncodings() {
  static const std::vector<EncodingEntry>* table = new std::vector<EncodingEntry>{
      {v1::CSV_ENCODING_AUTO, "AUTO", {"AUTO", "CSV_ENCODING_AUTO"}},
      {v1::CSV_ENCODING_UTF8, "UTF8", {"UTF8", "UTF_8", "CSV_ENCODING_UTF8"}},
      {v1::CSV_ENCODING_CP932, "CP932",
       {"CP932", "SHIFT_JIS", "SJIS", "WINDOWS_31J", "MS932", "CSV_ENCODING_CP932"}},
      // Only detected (auto reads a file with a UTF-16 BOM), never asked for.
      {v1::CSV_ENCODING_UTF16, "UTF16", {}},
  };
  return *table;
}

// Full-width ASCII folded, surrounding spaces trimmed, ASCII upper-cased and
// '-' read as '_': "ｕｔｆ-8 " → "UTF_8".
std::string NormalizeFlagText(std::string_view text) {
  std::string folded = FoldFullWidthAscii(text);
  std::string trimmed(absl::StripAsciiWhitespace(folded));
  for (char& c : trimmed) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == '-') c = '_';
  }
  return trimmed;
}

std::string NameOrDash(std::string_view name) {
  return name.empty() ? std::string("-") : std::string(name);
}

// "INFORMATION_SYSTEM (情報システム)", or the name alone.
std::string NameAndLabel(const std::string& name, std::string_view label) {
  if (label.empty() || name == "-") return name;
  return absl::StrCat(name, " (", std::string(label), ")");
}

std::string YesNo(bool value) { return value ? "yes" : "no"; }

// ---- RPC plumbing.

absl::StatusOr<std::unique_ptr<Stub>> AssetStub(CommandContext& ctx) {
  return NewServiceStub<v1::AssetService>(ctx, ServiceKind::kAsset);
}

// ---- Command-line arguments (owned by the command tree, filled by CLI11).

// A string flag and whether it was given.
struct StringFlag {
  std::string value;
  CLI::Option* option = nullptr;
  std::optional<std::string> Get() const {
    if (option == nullptr || option->count() == 0) return std::nullopt;
    return value;
  }
};

// A --x / --no-x flag and whether either was given.
struct BoolFlag {
  bool value = false;
  CLI::Option* option = nullptr;
  std::optional<bool> Get() const {
    if (option == nullptr || option->count() == 0) return std::nullopt;
    return value;
  }
};

struct FieldArgs {
  StringFlag name, category, segment, confidentiality, integrity, availability, custodian,
      location, external, external_name, notes;
  BoolFlag mfa, export_blocked, monitoring, encryption, backup;
  std::vector<std::string> connect;
  std::vector<std::string> disconnect;

  AssetFieldFlags Flags() const {
    AssetFieldFlags f;
    f.name = name.Get();
    f.category = category.Get();
    f.segment = segment.Get();
    f.confidentiality = confidentiality.Get();
    f.integrity = integrity.Get();
    f.availability = availability.Get();
    f.custodian = custodian.Get();
    f.location = location.Get();
    f.external = external.Get();
    f.external_name = external_name.Get();
    f.notes = notes.Get();
    f.mfa = mfa.Get();
    f.export_blocked = export_blocked.Get();
    f.monitoring = monitoring.Get();
    f.encryption = encryption.Get();
    f.backup = backup.Get();
    f.connect = connect;
    f.disconnect = disconnect;
    return f;
  }
};

void AddFieldFlags(CLI::App* c, FieldArgs* a, bool update) {
  auto str = [c](const char* flag, StringFlag* target, const char* help) {
    target->option = c->add_option(flag, target->value, help);
  };
  auto flag = [c](const char* names, BoolFlag* target, const char* help) {
    target->option = c->add_flag(names, target->value, help);
  };
  str("--name", &a->name, "Name (名称), 1–200 bytes");
  str("--category", &a->category,
      "Category (第4(2)): NETWORK, INFORMATION_SYSTEM, EQUIPMENT, STORAGE_MEDIA, INFORMATION, "
      "SYSTEM_DOCUMENT (or ネットワーク, 情報システム, …)");
  str("--segment", &a->segment,
      "Segment (第6(3)): SENSITIVE (機微情報取扱系), INTERNET (インターネット接続系), NONE");
  str("--confidentiality", &a->confidentiality, "機密性: 3A, 3B, 3C, 2 or 1");
  str("--integrity", &a->integrity, "完全性: 2 or 1");
  str("--availability", &a->availability, "可用性: 2 or 1");
  str("--custodian", &a->custodian, "Custodian (管理者), e.g. 総務課");
  str("--location", &a->location, "Where it is kept or installed (第6(4))");
  str("--external", &a->external,
      "External service use (第6(8)): NONE, CONTRACTED (外部委託), TERMS_BASED (約款)");
  str("--external-name", &a->external_name, "Name of the external service or provider");
  str("--notes", &a->notes, "Free notes");
  flag("--mfa,!--no-mfa", &a->mfa, "Multi-factor authentication is in place (多要素認証)");
  flag("--export-blocked,!--no-export-blocked", &a->export_blocked,
       "Taking information out is blocked (情報持ち出し不可設定)");
  flag("--monitoring,!--no-monitoring", &a->monitoring,
       "Traffic is monitored for unauthorised communication (不正通信の監視)");
  flag("--encryption,!--no-encryption", &a->encryption, "Encrypted (暗号化)");
  flag("--backup,!--no-backup", &a->backup, "Backed up (バックアップ)");
  c->add_option("--connect", a->connect,
                "Connection to another asset: ID, ID:approved (an approved cross-segment "
                "exception, 第6(3)ア) or ID:approved:NOTE / ID::NOTE; repeatable")
      ->allow_extra_args(false);
  if (update) {
    c->add_option("--disconnect", a->disconnect, "Remove the connection to asset ID; repeatable")
        ->allow_extra_args(false);
  }
}

struct AddArgs {
  std::string file;
  FieldArgs fields;
};
struct UpdateArgs {
  std::string id;
  std::string etag;
  FieldArgs fields;
};
struct IdArgs {
  std::string id;
};
struct ListArgs {
  AssetListFlags flags;
  CLI::Option* page_size_option = nullptr;
};
struct RetireArgs {
  std::string id;
  std::string etag;
  std::string date;
  std::string erasure;
  std::string witness;
};
struct FindingsArgs {
  std::string org;
  std::string asset;
};
struct ImportArgs {
  std::string file;
  std::string encoding = "auto";
  bool dry_run = false;
  bool update = false;
};
struct ExportArgs {
  bool bom = false;
  bool include_retired = false;
  std::string org;
  std::string file;
};

// ---- Actions.

absl::Status RunAdd(CommandContext& ctx, const AddArgs& a) {
  std::optional<v1::Asset> yaml;
  if (!a.file.empty()) {
    SECCOORD_ASSIGN_OR_RETURN(std::string text, ReadInputFile(a.file));
    SECCOORD_ASSIGN_OR_RETURN(yaml, ParseAssetYaml(a.file, text));
  }
  SECCOORD_ASSIGN_OR_RETURN(v1::CreateAssetRequest request,
                            BuildAddAssetRequest(yaml, a.fields.Flags(), NewRequestId()));
  SECCOORD_ASSIGN_OR_RETURN(auto stub, AssetStub(ctx));
  SECCOORD_ASSIGN_OR_RETURN(v1::Asset response,
                            Unary(ctx, *stub, &Stub::CreateAsset, request));
  // The id alone on stdout (for scripts); the details on stderr.
  return ctx.PrintCreated(response, response.id(), [&] {
    return absl::StrCat("created ", response.id(), " ", response.name(), " (etag ",
                        response.etag(), ")\n");
  });
}

absl::Status RunList(CommandContext& ctx, const ListArgs& a) {
  const bool limited = a.page_size_option != nullptr && a.page_size_option->count() > 0;
  SECCOORD_ASSIGN_OR_RETURN(v1::ListAssetsRequest request, BuildListAssetsRequest(a.flags));
  SECCOORD_ASSIGN_OR_RETURN(auto stub, AssetStub(ctx));
  SECCOORD_ASSIGN_OR_RETURN(v1::ListAssetsResponse all,
                            AllPages(ctx, *stub, &Stub::ListAssets, request,
                                     &v1::ListAssetsResponse::mutable_assets,
                                     /*first_page_only=*/limited));
  SECCOORD_RETURN_IF_ERROR(ctx.Print(all, [&] { return RenderAssetList(all, ctx.output()); }));
  if (ctx.output().format == OutputFormat::kTable && !all.next_page_token().empty()) {
    ctx.err() << "(more assets: --page-token " << all.next_page_token() << ")\n";
  }
  return absl::OkStatus();
}

absl::Status RunShow(CommandContext& ctx, const IdArgs& a) {
  v1::GetAssetRequest request;
  request.set_asset_id(a.id);
  SECCOORD_ASSIGN_OR_RETURN(auto stub, AssetStub(ctx));
  SECCOORD_ASSIGN_OR_RETURN(v1::Asset response, Unary(ctx, *stub, &Stub::GetAsset, request));
  return ctx.Print(response, [&] { return RenderAsset(response, ctx.output()); });
}

absl::Status RunHistory(CommandContext& ctx, const IdArgs& a) {
  v1::ListAssetHistoryRequest request;
  request.set_asset_id(a.id);
  SECCOORD_ASSIGN_OR_RETURN(auto stub, AssetStub(ctx));
  v1::ListAssetHistoryResponse all;
  while (true) {
    SECCOORD_ASSIGN_OR_RETURN(v1::ListAssetHistoryResponse page,
                              Unary(ctx, *stub, &Stub::ListAssetHistory, request));
    for (auto& change : *page.mutable_changes()) *all.add_changes() = std::move(change);
    if (page.next_page_token().empty() || page.changes().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  return ctx.Print(all, [&] { return RenderAssetHistory(all, ctx.output()); });
}

absl::Status RunUpdate(CommandContext& ctx, const UpdateArgs& a) {
  const AssetFieldFlags flags = a.fields.Flags();
  // Check the flags before contacting the server: a bad value is a usage error.
  SECCOORD_RETURN_IF_ERROR(BuildUpdateAssetRequest(v1::Asset(), a.etag, flags, "").status());
  SECCOORD_ASSIGN_OR_RETURN(auto stub, AssetStub(ctx));
  v1::GetAssetRequest get;
  get.set_asset_id(a.id);
  SECCOORD_ASSIGN_OR_RETURN(v1::Asset current, Unary(ctx, *stub, &Stub::GetAsset, get));
  SECCOORD_ASSIGN_OR_RETURN(v1::UpdateAssetRequest request,
                            BuildUpdateAssetRequest(current, a.etag, flags, NewRequestId()));
  SECCOORD_ASSIGN_OR_RETURN(v1::Asset response,
                            Unary(ctx, *stub, &Stub::UpdateAsset, request));
  return ctx.Print(response, [&] {
    return absl::StrCat("updated ", response.id(), " ", response.name(), " (etag ",
                        response.etag(), ")\n");
  });
}

absl::Status RunRetire(CommandContext& ctx, const RetireArgs& a) {
  SECCOORD_ASSIGN_OR_RETURN(
      v1::RetireAssetRequest request,
      BuildRetireAssetRequest(a.id, a.etag, a.date, a.erasure, a.witness, NewRequestId()));
  SECCOORD_ASSIGN_OR_RETURN(auto stub, AssetStub(ctx));
  if (request.etag().empty()) {
    v1::GetAssetRequest get;
    get.set_asset_id(a.id);
    SECCOORD_ASSIGN_OR_RETURN(v1::Asset current, Unary(ctx, *stub, &Stub::GetAsset, get));
    request.set_etag(current.etag());
  }
  SECCOORD_ASSIGN_OR_RETURN(v1::Asset response,
                            Unary(ctx, *stub, &Stub::RetireAsset, request));
  return ctx.Print(response, [&] {
    const v1::DisposalRecord& d = response.disposal();
    std::string line = absl::StrCat("retired ", response.id(), " ", response.name(), " on ",
                                    FormatDate(d.date(), ctx.output().wareki));
    if (!d.erasure_method().empty()) absl::StrAppend(&line, ", erasure ", d.erasure_method());
    if (!d.witness().empty()) absl::StrAppend(&line, ", witness ", d.witness());
    return absl::StrCat(line, " (etag ", response.etag(), ")\n");
  });
}

absl::Status RunFindings(CommandContext& ctx, const FindingsArgs& a) {
  v1::ListFindingsRequest request;
  request.set_organization(a.org);
  request.set_asset_id(a.asset);
  SECCOORD_ASSIGN_OR_RETURN(auto stub, AssetStub(ctx));
  SECCOORD_ASSIGN_OR_RETURN(v1::ListFindingsResponse response,
                            AllPages(ctx, *stub, &Stub::ListFindings, request,
                                     &v1::ListFindingsResponse::mutable_findings));
  return ctx.Print(response, [&] { return RenderFindings(response, ctx.output()); });
}

absl::Status RunSummary(CommandContext& ctx, const FindingsArgs& a) {
  v1::GetFindingsSummaryRequest request;
  request.set_organization(a.org);
  SECCOORD_ASSIGN_OR_RETURN(auto stub, AssetStub(ctx));
  SECCOORD_ASSIGN_OR_RETURN(v1::FindingsSummary response,
                            Unary(ctx, *stub, &Stub::GetFindingsSummary, request));
  return ctx.Print(response, [&] { return RenderFindingsSummary(response, ctx.output()); });
}

absl::Status RunImport(CommandContext& ctx, const ImportArgs& a) {
  SECCOORD_ASSIGN_OR_RETURN(std::string csv, ReadInputFile(a.file));
  SECCOORD_ASSIGN_OR_RETURN(
      v1::ImportAssetsRequest request,
      BuildImportAssetsRequest(std::move(csv), a.encoding, a.dry_run, NewRequestId()));
  request.set_update(a.update);
  SECCOORD_ASSIGN_OR_RETURN(auto stub, AssetStub(ctx));
  SECCOORD_ASSIGN_OR_RETURN(v1::ImportAssetsResponse response,
                            Unary(ctx, *stub, &Stub::ImportAssets, request));
  SECCOORD_RETURN_IF_ERROR(
      ctx.Print(response, [&] { return RenderImportResult(response, ctx.output()); }));
  if (!response.errors().empty()) {
    std::set<int> lines;
    for (const v1::RowError& e : response.errors()) lines.insert(e.line());
    return RpcError(grpc::Status(
        grpc::StatusCode::INVALID_ARGUMENT,
        absl::StrCat(a.file, ": ", lines.size(), lines.size() == 1 ? " row" : " rows",
                     " rejected (", response.errors_size(),
                     response.errors_size() == 1 ? " error" : " errors", "); nothing imported")));
  }
  return absl::OkStatus();
}

absl::Status RunExport(CommandContext& ctx, const ExportArgs& a) {
  v1::ExportAssetsRequest request;
  request.set_bom(a.bom);
  request.set_include_retired(a.include_retired);
  request.set_organization(a.org);
  SECCOORD_ASSIGN_OR_RETURN(auto stub, AssetStub(ctx));
  const bool json = ctx.output().format == OutputFormat::kJson;
  const bool to_file = !a.file.empty() && a.file != "-";
  // The server sends the file in pages; CSV is written page by page as it
  // comes (the bytes exactly as the server made them), JSON as one response
  // holding the whole file.
  std::ofstream file;
  if (to_file) file.open(a.file, std::ios::binary | std::ios::trunc);
  std::ostream& out = to_file ? static_cast<std::ostream&>(file) : ctx.out();
  v1::ExportAssetsResponse all;
  while (true) {
    SECCOORD_ASSIGN_OR_RETURN(v1::ExportAssetsResponse page,
                              Unary(ctx, *stub, &Stub::ExportAssets, request));
    all.set_rows(all.rows() + page.rows());
    if (to_file || !json) {
      out.write(page.csv().data(), static_cast<std::streamsize>(page.csv().size()));
    }
    if (json) all.mutable_csv()->append(page.csv());
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  out.flush();
  if (to_file) {
    file.close();
    if (!file) {
      return UsageError(
          absl::PermissionDeniedError(absl::StrCat(a.file, ": cannot write the file")));
    }
    if (json) return ctx.Print(all, nullptr);
    ctx.err() << "exported " << all.rows() << (all.rows() == 1 ? " asset" : " assets")
              << " to " << a.file << "\n";
    return absl::OkStatus();
  }
  if (json) return ctx.Print(all, nullptr);
  return absl::OkStatus();
}

// ---- YAML helpers (the file and strings: yaml_input.h).

absl::StatusOr<bool> YamlBool(std::string_view file_name, const YAML::Node& node,
                              const std::string& key) {
  if (node.IsNull()) return false;
  if (!node.IsScalar()) {
    return UsageErrorAt(file_name, absl::StrCat(key, ": must be true or false"));
  }
  absl::StatusOr<bool> value = asset::ParseBooleanValue(node.Scalar());
  if (!value.ok()) {
    return UsageErrorAt(file_name,
                        absl::StrCat(key, ": ", std::string(value.status().message())));
  }
  return *value;
}

}  // namespace

// ---- Enum values.

absl::StatusOr<v1::AssetCategory> ParseAssetCategory(std::string_view where,
                                                     std::string_view text) {
  return ParseValue(&asset::ParseCategoryValue, where, text);
}
absl::StatusOr<v1::Segment> ParseSegment(std::string_view where, std::string_view text) {
  return ParseValue(&asset::ParseSegmentValue, where, text);
}
absl::StatusOr<v1::Confidentiality> ParseConfidentiality(std::string_view where,
                                                         std::string_view text) {
  return ParseValue(&asset::ParseConfidentialityValue, where, text);
}
absl::StatusOr<v1::Integrity> ParseIntegrity(std::string_view where, std::string_view text) {
  return ParseValue(&asset::ParseIntegrityValue, where, text);
}
absl::StatusOr<v1::Availability> ParseAvailability(std::string_view where,
                                                   std::string_view text) {
  return ParseValue(&asset::ParseAvailabilityValue, where, text);
}
absl::StatusOr<v1::ExternalServiceUse> ParseExternalServiceUse(std::string_view where,
                                                               std::string_view text) {
  return ParseValue(&asset::ParseExternalServiceValue, where, text);
}
absl::StatusOr<v1::Lifecycle> ParseLifecycle(std::string_view where, std::string_view text) {
  return ParseValue(&asset::ParseLifecycleValue, where, text);
}
absl::StatusOr<v1::CsvEncoding> ParseCsvEncoding(std::string_view where, std::string_view text) {
  const std::string key = NormalizeFlagText(text);
  for (const EncodingEntry& e : CsvEncodings()) {
    for (const char* spelling : e.spellings) {
      if (key == spelling) return e.value;
    }
  }
  return UsageError(absl::InvalidArgumentError(
      absl::StrCat(std::string(where), ": unknown value \"", std::string(text),
                   "\"; expected auto, utf-8 or cp932")));
}

std::string AssetCategoryName(v1::AssetCategory value) {
  return NameOrDash(asset::CategoryName(value));
}
std::string SegmentName(v1::Segment value) { return NameOrDash(asset::SegmentName(value)); }
std::string ConfidentialityName(v1::Confidentiality value) {
  return NameOrDash(asset::ConfidentialityName(value));
}
std::string IntegrityName(v1::Integrity value) { return NameOrDash(asset::IntegrityName(value)); }
std::string AvailabilityName(v1::Availability value) {
  return NameOrDash(asset::AvailabilityName(value));
}
std::string ExternalServiceUseName(v1::ExternalServiceUse value) {
  return NameOrDash(asset::ExternalServiceName(value));
}
std::string LifecycleName(v1::Lifecycle value) { return NameOrDash(asset::LifecycleName(value)); }
std::string SeverityName(v1::Severity value) {
  switch (value) {
    case v1::SEVERITY_CRITICAL: return "CRITICAL";
    case v1::SEVERITY_WARNING: return "WARNING";
    case v1::SEVERITY_INFO: return "INFO";
    default: return "-";
  }
}
std::string AssetCategoryLabel(v1::AssetCategory value) {
  return std::string(asset::CategoryLabel(value));
}
std::string ExternalServiceUseLabel(v1::ExternalServiceUse value) {
  return std::string(asset::ExternalServiceLabel(value));
}
std::string LifecycleLabel(v1::Lifecycle value) { return std::string(asset::LifecycleLabel(value)); }

// ---- Building assets.

absl::StatusOr<v1::Connection> ParseConnectFlag(std::string_view text) {
  // ID[:approved][:note], as a connection entry of the CSV layout.
  const std::string value(text);
  const size_t first = value.find(':');
  v1::Connection connection;
  connection.set_asset_id(std::string(absl::StripAsciiWhitespace(value.substr(0, first))));
  if (first != std::string::npos) {
    const size_t second = value.find(':', first + 1);
    const std::string flag = NormalizeFlagText(value.substr(first + 1, second - first - 1));
    if (flag == "APPROVED" || flag == "承認") {
      connection.set_approved(true);
    } else if (!flag.empty()) {
      return UsageError(absl::InvalidArgumentError(absl::StrCat(
          "--connect: '", value, "': expected ID, ID:approved or ID:approved:NOTE")));
    }
    if (second != std::string::npos) connection.set_note(value.substr(second + 1));
  }
  if (connection.asset_id().empty()) {
    return UsageError(absl::InvalidArgumentError(
        absl::StrCat("--connect: '", value, "': the asset id is missing")));
  }
  return connection;
}

absl::Status ApplyAssetFlags(const AssetFieldFlags& f, v1::Asset* asset) {
  if (f.name) asset->set_name(*f.name);
  if (f.category) {
    SECCOORD_ASSIGN_OR_RETURN(auto v, ParseAssetCategory("--category", *f.category));
    asset->set_category(v);
  }
  if (f.segment) {
    SECCOORD_ASSIGN_OR_RETURN(auto v, ParseSegment("--segment", *f.segment));
    asset->set_segment(v);
  }
  if (f.confidentiality) {
    SECCOORD_ASSIGN_OR_RETURN(auto v, ParseConfidentiality("--confidentiality", *f.confidentiality));
    asset->set_confidentiality(v);
  }
  if (f.integrity) {
    SECCOORD_ASSIGN_OR_RETURN(auto v, ParseIntegrity("--integrity", *f.integrity));
    asset->set_integrity(v);
  }
  if (f.availability) {
    SECCOORD_ASSIGN_OR_RETURN(auto v, ParseAvailability("--availability", *f.availability));
    asset->set_availability(v);
  }
  if (f.custodian) asset->set_custodian(*f.custodian);
  if (f.location) asset->set_location(*f.location);
  if (f.external) {
    SECCOORD_ASSIGN_OR_RETURN(auto v, ParseExternalServiceUse("--external", *f.external));
    asset->set_external_service(v);
  }
  if (f.external_name) asset->set_external_service_name(*f.external_name);
  if (f.notes) asset->set_notes(*f.notes);
  v1::Controls* controls = asset->mutable_controls();
  if (f.mfa) controls->set_mfa(*f.mfa);
  if (f.export_blocked) controls->set_export_blocked(*f.export_blocked);
  if (f.monitoring) controls->set_traffic_monitoring(*f.monitoring);
  if (f.encryption) controls->set_encryption(*f.encryption);
  if (f.backup) controls->set_backup(*f.backup);
  for (const std::string& id : f.disconnect) {
    auto* list = asset->mutable_connections();
    auto it = std::find_if(list->begin(), list->end(),
                           [&](const v1::Connection& c) { return c.asset_id() == id; });
    if (it == list->end()) {
      return UsageError(absl::InvalidArgumentError(absl::StrCat(
          "--disconnect: ", asset->id().empty() ? "the asset" : asset->id(),
          " has no connection to ", id)));
    }
    list->erase(it);
  }
  for (const std::string& text : f.connect) {
    SECCOORD_ASSIGN_OR_RETURN(v1::Connection connection, ParseConnectFlag(text));
    auto* list = asset->mutable_connections();
    auto it = std::find_if(list->begin(), list->end(), [&](const v1::Connection& c) {
      return c.asset_id() == connection.asset_id();
    });
    if (it != list->end()) {
      *it = std::move(connection);
    } else {
      *asset->add_connections() = std::move(connection);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Asset> ParseAssetYaml(std::string_view file_name, std::string_view yaml) {
  SECCOORD_ASSIGN_OR_RETURN(YAML::Node root, LoadYamlFile(file_name, yaml));
  if (!root.IsMap()) return UsageErrorAt(file_name, "must be a YAML map of asset fields");
  v1::Asset asset;
  const std::string file(file_name);
  auto where = [&](const std::string& key) { return absl::StrCat(file, ": ", key); };
  for (const auto& entry : root) {
    const std::string key = entry.first.as<std::string>("");
    const YAML::Node& node = entry.second;
    if (key == "name" || key == "custodian" || key == "location" ||
        key == "external_service_name" || key == "notes" || key == "organization") {
      SECCOORD_ASSIGN_OR_RETURN(std::string value, YamlString(file_name, node, key));
      if (key == "name") asset.set_name(value);
      if (key == "custodian") asset.set_custodian(value);
      if (key == "location") asset.set_location(value);
      if (key == "external_service_name") asset.set_external_service_name(value);
      if (key == "notes") asset.set_notes(value);
      if (key == "organization") asset.set_organization(value);
    } else if (key == "category" || key == "segment" || key == "confidentiality" ||
               key == "integrity" || key == "availability" || key == "external_service") {
      SECCOORD_ASSIGN_OR_RETURN(std::string value, YamlString(file_name, node, key));
      if (key == "category") {
        SECCOORD_ASSIGN_OR_RETURN(auto v, ParseAssetCategory(where(key), value));
        asset.set_category(v);
      } else if (key == "segment") {
        SECCOORD_ASSIGN_OR_RETURN(auto v, ParseSegment(where(key), value));
        asset.set_segment(v);
      } else if (key == "confidentiality") {
        SECCOORD_ASSIGN_OR_RETURN(auto v, ParseConfidentiality(where(key), value));
        asset.set_confidentiality(v);
      } else if (key == "integrity") {
        SECCOORD_ASSIGN_OR_RETURN(auto v, ParseIntegrity(where(key), value));
        asset.set_integrity(v);
      } else if (key == "availability") {
        SECCOORD_ASSIGN_OR_RETURN(auto v, ParseAvailability(where(key), value));
        asset.set_availability(v);
      } else {
        SECCOORD_ASSIGN_OR_RETURN(auto v, ParseExternalServiceUse(where(key), value));
        asset.set_external_service(v);
      }
    } else if (key == "controls") {
      if (node.IsNull()) continue;
      if (!node.IsMap()) return UsageErrorAt(file_name, "controls: must be a map");
      v1::Controls* controls = asset.mutable_controls();
      for (const auto& control : node) {
        const std::string name = control.first.as<std::string>("");
        const std::string path = absl::StrCat("controls.", name);
        SECCOORD_ASSIGN_OR_RETURN(bool value, YamlBool(file_name, control.second, path));
        if (name == "mfa") {
          controls->set_mfa(value);
        } else if (name == "export_blocked") {
          controls->set_export_blocked(value);
        } else if (name == "traffic_monitoring") {
          controls->set_traffic_monitoring(value);
        } else if (name == "encryption") {
          controls->set_encryption(value);
        } else if (name == "backup") {
          controls->set_backup(value);
        } else {
          return UsageErrorAt(file_name,
                              absl::StrCat("unknown key '", path,
                                           "' (known: mfa, export_blocked, traffic_monitoring, "
                                           "encryption, backup)"));
        }
      }
    } else if (key == "connections") {
      if (node.IsNull()) continue;
      if (!node.IsSequence()) return UsageErrorAt(file_name, "connections: must be a list");
      int index = 0;
      for (const auto& item : node) {
        const std::string path = absl::StrCat("connections[", index++, "]");
        v1::Connection* connection = asset.add_connections();
        if (item.IsScalar()) {
          connection->set_asset_id(item.Scalar());
        } else if (item.IsMap()) {
          for (const auto& field : item) {
            const std::string name = field.first.as<std::string>("");
            const std::string field_path = absl::StrCat(path, ".", name);
            if (name == "asset_id") {
              SECCOORD_ASSIGN_OR_RETURN(std::string v, YamlString(file_name, field.second,
                                                                  field_path));
              connection->set_asset_id(v);
            } else if (name == "approved") {
              SECCOORD_ASSIGN_OR_RETURN(bool v, YamlBool(file_name, field.second, field_path));
              connection->set_approved(v);
            } else if (name == "note") {
              SECCOORD_ASSIGN_OR_RETURN(std::string v, YamlString(file_name, field.second,
                                                                  field_path));
              connection->set_note(v);
            } else {
              return UsageErrorAt(file_name, absl::StrCat("unknown key '", field_path,
                                                          "' (known: asset_id, approved, note)"));
            }
          }
        } else {
          return UsageErrorAt(file_name,
                              absl::StrCat(path, ": must be an asset id or a map with asset_id"));
        }
        if (connection->asset_id().empty()) {
          return UsageErrorAt(file_name, absl::StrCat(path, ": asset_id is missing"));
        }
      }
    } else {
      return UsageErrorAt(
          file_name,
          absl::StrCat("unknown key '", key,
                       "' (known: name, category, segment, confidentiality, integrity, "
                       "availability, custodian, location, controls, external_service, "
                       "external_service_name, connections, notes, organization)"));
    }
  }
  return asset;
}

absl::StatusOr<v1::CreateAssetRequest> BuildAddAssetRequest(const std::optional<v1::Asset>& yaml,
                                                            const AssetFieldFlags& flags,
                                                            const std::string& request_id) {
  if (!flags.disconnect.empty()) {
    return UsageError(absl::InvalidArgumentError("--disconnect: only for asset update"));
  }
  v1::CreateAssetRequest request;
  request.set_request_id(request_id);
  v1::Asset* asset = request.mutable_asset();
  if (yaml) *asset = *yaml;
  SECCOORD_RETURN_IF_ERROR(ApplyAssetFlags(flags, asset));
  // Without a file the classification must be given on the command line.
  struct Required {
    const char* flag;
    bool missing;
  };
  for (const Required& r : {
           Required{"--name", asset->name().empty()},
           Required{"--category", asset->category() == v1::ASSET_CATEGORY_UNSPECIFIED},
           Required{"--segment", asset->segment() == v1::SEGMENT_UNSPECIFIED},
           Required{"--confidentiality",
                    asset->confidentiality() == v1::CONFIDENTIALITY_UNSPECIFIED},
           Required{"--integrity", asset->integrity() == v1::INTEGRITY_UNSPECIFIED},
           Required{"--availability", asset->availability() == v1::AVAILABILITY_UNSPECIFIED},
       }) {
    if (r.missing) {
      return UsageError(absl::InvalidArgumentError(
          absl::StrCat(r.flag, ": required (give it, or -f FILE.yaml with the field)")));
    }
  }
  if (asset->external_service() == v1::EXTERNAL_SERVICE_USE_UNSPECIFIED) {
    asset->set_external_service(v1::EXTERNAL_SERVICE_USE_NONE);
  }
  return request;
}

absl::StatusOr<v1::UpdateAssetRequest> BuildUpdateAssetRequest(const v1::Asset& current,
                                                               const std::string& etag,
                                                               const AssetFieldFlags& flags,
                                                               const std::string& request_id) {
  const bool any = flags.name || flags.category || flags.segment || flags.confidentiality ||
                   flags.integrity || flags.availability || flags.custodian ||
                   flags.location || flags.external || flags.external_name || flags.notes ||
                   flags.mfa || flags.export_blocked || flags.monitoring || flags.encryption ||
                   flags.backup || !flags.connect.empty() || !flags.disconnect.empty();
  if (!any) {
    return UsageError(absl::InvalidArgumentError(
        "nothing to update: give at least one field flag (--name, --segment, --mfa, …)"));
  }
  if (etag.empty()) {
    return UsageError(absl::InvalidArgumentError(
        "--etag: required (the etag `asset show` printed; a stale one is refused)"));
  }
  v1::UpdateAssetRequest request;
  request.set_request_id(request_id);
  v1::Asset* asset = request.mutable_asset();
  *asset = current;
  if (current.id().empty()) {
    // Checking the flags alone (no asset read yet): --disconnect cannot be
    // checked against the connections.
    AssetFieldFlags without_disconnect = flags;
    without_disconnect.disconnect.clear();
    SECCOORD_RETURN_IF_ERROR(ApplyAssetFlags(without_disconnect, asset));
  } else {
    SECCOORD_RETURN_IF_ERROR(ApplyAssetFlags(flags, asset));
  }
  asset->set_etag(etag);
  return request;
}

absl::StatusOr<v1::ListAssetsRequest> BuildListAssetsRequest(const AssetListFlags& f) {
  v1::ListAssetsRequest request;
  request.set_organization(f.org);
  if (!f.category.empty()) {
    SECCOORD_ASSIGN_OR_RETURN(auto v, ParseAssetCategory("--category", f.category));
    request.set_category(v);
  }
  if (!f.segment.empty()) {
    SECCOORD_ASSIGN_OR_RETURN(auto v, ParseSegment("--segment", f.segment));
    request.set_segment(v);
  }
  if (!f.confidentiality.empty()) {
    SECCOORD_ASSIGN_OR_RETURN(auto v, ParseConfidentiality("--confidentiality", f.confidentiality));
    request.set_confidentiality(v);
  }
  if (!f.lifecycle.empty()) {
    SECCOORD_ASSIGN_OR_RETURN(auto v, ParseLifecycle("--lifecycle", f.lifecycle));
    request.set_lifecycle(v);
  }
  if (f.page_size < 0 || f.page_size > 500) {
    return UsageError(absl::InvalidArgumentError("--page-size: must be 1–500"));
  }
  request.set_page_size(f.page_size);
  request.set_page_token(f.page_token);
  return request;
}

absl::StatusOr<v1::RetireAssetRequest> BuildRetireAssetRequest(
    const std::string& asset_id, const std::string& etag, const std::string& date,
    const std::string& erasure, const std::string& witness, const std::string& request_id) {
  v1::RetireAssetRequest request;
  request.set_request_id(request_id);
  request.set_asset_id(asset_id);
  request.set_etag(etag);
  v1::DisposalRecord* disposal = request.mutable_disposal();
  if (date.empty()) {
    *disposal->mutable_date() = ToProtoDate(TodayInJapan());
  } else {
    SECCOORD_ASSIGN_OR_RETURN(*disposal->mutable_date(), ParseDateArgument("--date", date));
  }
  disposal->set_erasure_method(erasure);
  disposal->set_witness(witness);
  return request;
}

absl::StatusOr<v1::ImportAssetsRequest> BuildImportAssetsRequest(std::string csv,
                                                                 const std::string& encoding,
                                                                 bool dry_run,
                                                                 const std::string& request_id) {
  v1::ImportAssetsRequest request;
  request.set_request_id(request_id);
  v1::CsvEncoding value = v1::CSV_ENCODING_AUTO;
  if (!encoding.empty()) {
    SECCOORD_ASSIGN_OR_RETURN(value, ParseCsvEncoding("--encoding", encoding));
  }
  request.set_encoding(value);
  request.set_dry_run(dry_run);
  request.set_csv(std::move(csv));
  return request;
}

// ---- Rendering.

namespace {

std::string Classification(const v1::Asset& a) {
  return absl::StrCat(ConfidentialityName(a.confidentiality()), "/", IntegrityName(a.integrity()),
                      "/", AvailabilityName(a.availability()));
}

std::string EncodingName(v1::CsvEncoding encoding) {
  for (const EncodingEntry& e : CsvEncodings()) {
    if (e.value == encoding) return e.name;
  }
  return "-";
}

}  // namespace

std::string RenderAssetList(const v1::ListAssetsResponse& response, const OutputOptions&) {
  if (response.assets().empty()) return "(no assets)\n";
  std::vector<std::vector<std::string>> rows;
  for (const v1::Asset& a : response.assets()) {
    rows.push_back({a.id(), a.name(), AssetCategoryName(a.category()), SegmentName(a.segment()),
                    Classification(a), OrDash(a.location()), LifecycleName(a.lifecycle())});
  }
  return RenderTable({"ID", "NAME", "CATEGORY", "SEGMENT", "C/I/A", "LOCATION", "LIFECYCLE"},
                     rows);
}

std::string RenderAsset(const v1::Asset& a, const OutputOptions& opts) {
  std::vector<std::vector<std::string>> rows = {
      {"id:", a.id()},
      {"name:", a.name()},
      {"organization:", OrDash(a.organization())},
      {"category:", NameAndLabel(AssetCategoryName(a.category()), AssetCategoryLabel(a.category()))},
      {"segment:", SegmentName(a.segment())},
      {"機密性 (C):", ConfidentialityName(a.confidentiality())},
      {"完全性 (I):", IntegrityName(a.integrity())},
      {"可用性 (A):", AvailabilityName(a.availability())},
      {"custodian:", OrDash(a.custodian())},
      {"location:", OrDash(a.location())},
  };
  const v1::Controls& c = a.controls();
  rows.push_back({"controls:", absl::StrCat("mfa ", YesNo(c.mfa()), ", export_blocked ",
                                            YesNo(c.export_blocked()), ", traffic_monitoring ",
                                            YesNo(c.traffic_monitoring()), ", encryption ",
                                            YesNo(c.encryption()), ", backup ",
                                            YesNo(c.backup()))});
  std::string external = NameAndLabel(ExternalServiceUseName(a.external_service()),
                                     ExternalServiceUseLabel(a.external_service()));
  if (!a.external_service_name().empty()) absl::StrAppend(&external, ": ", a.external_service_name());
  rows.push_back({"external service:", external});
  if (a.connections().empty()) {
    rows.push_back({"connections:", "-"});
  } else {
    bool first = true;
    for (const v1::Connection& conn : a.connections()) {
      std::string text = conn.asset_id();
      if (conn.approved()) absl::StrAppend(&text, " (approved)");
      if (!conn.note().empty()) absl::StrAppend(&text, " ", conn.note());
      rows.push_back({first ? "connections:" : "", text});
      first = false;
    }
  }
  rows.push_back({"lifecycle:", NameAndLabel(LifecycleName(a.lifecycle()), LifecycleLabel(a.lifecycle()))});
  if (a.has_disposal() || a.lifecycle() == v1::LIFECYCLE_RETIRED) {
    const v1::DisposalRecord& d = a.disposal();
    rows.push_back({"disposal date:", FormatDateBoth(d.date(), opts.wareki)});
    rows.push_back({"erasure method:", OrDash(d.erasure_method())});
    rows.push_back({"witness:", OrDash(d.witness())});
  }
  rows.push_back({"notes:", OrDash(a.notes())});
  rows.push_back({"etag:", OrDash(a.etag())});
  rows.push_back({"created:", FormatTimeUs(a.create_time_us())});
  rows.push_back({"updated:", FormatTimeUs(a.update_time_us())});
  if (a.sample()) rows.push_back({"sample:", "yes (sample inventory)"});
  return RenderTable({}, rows);
}

std::string RenderAssetHistory(const v1::ListAssetHistoryResponse& response,
                               const OutputOptions&) {
  if (response.changes().empty()) return "(no history)\n";
  std::vector<std::vector<std::string>> rows;
  for (const v1::AssetChange& c : response.changes()) {
    rows.push_back({absl::StrCat(c.version()), OrDash(c.action()), OrDash(c.actor()),
                    FormatTimeUs(c.time_us()),
                    c.changed_fields().empty() ? "-" : absl::StrJoin(c.changed_fields(), ", ")});
  }
  return RenderTable({"VERSION", "ACTION", "ACTOR", "TIME", "CHANGED"}, rows);
}

std::string RenderFindings(const v1::ListFindingsResponse& response, const OutputOptions&) {
  if (response.findings().empty()) return "(no findings)\n";
  std::vector<std::vector<std::string>> rows;
  for (const v1::Finding& f : response.findings()) {
    rows.push_back({SeverityName(f.severity()), f.rule_id(), OrDash(f.article()), f.asset_id(),
                    f.asset_name(), f.message()});
  }
  return absl::StrCat(
      RenderTable({"SEVERITY", "RULE", "ARTICLE", "ASSET", "NAME", "MESSAGE"}, rows),
      response.findings_size(), response.findings_size() == 1 ? " finding\n" : " findings\n");
}

std::string RenderFindingsSummary(const v1::FindingsSummary& s, const OutputOptions&) {
  std::string out = RenderTable(
      {}, {{"organization:", OrDash(s.organization())},
           {"assets evaluated:", absl::StrCat(s.assets_evaluated())},
           {"findings:", absl::StrCat(s.total(), " (critical ", s.critical(), ", warning ",
                                      s.warning(), ", info ", s.info(), ")")}});
  if (s.by_rule().empty()) return out;
  std::vector<std::vector<std::string>> rows;
  for (const v1::FindingsSummary::RuleCount& r : s.by_rule()) {
    rows.push_back({r.rule_id(), OrDash(r.article()), SeverityName(r.severity()),
                    absl::StrCat(r.count())});
  }
  absl::StrAppend(&out, "\n", RenderTable({"RULE", "ARTICLE", "SEVERITY", "COUNT"}, rows));
  return out;
}

std::string RenderImportResult(const v1::ImportAssetsResponse& response, const OutputOptions&) {
  const std::string encoding = EncodingName(response.detected_encoding());
  if (response.errors().empty()) {
    // Per row what is (or would be) done: on a dry run, and whenever a row
    // updates or leaves an asset as it is (an import with --update).
    bool per_row = response.dry_run();
    int created = 0, updated = 0, unchanged = 0;
    for (const v1::RowChange& c : response.changes()) {
      if (c.action() == "CREATE") ++created;
      if (c.action() == "UPDATE") ++updated;
      if (c.action() == "UNCHANGED") ++unchanged;
    }
    per_row = per_row || updated > 0 || unchanged > 0;
    std::string out;
    if (per_row) {
      for (const v1::RowChange& c : response.changes()) {
        absl::StrAppend(&out, "line ", c.line(), ": ", c.action(), " ",
                        c.asset_id().empty() ? "(new id)" : c.asset_id());
        if (c.changed_fields_size() > 0) {
          absl::StrAppend(&out, " (", absl::StrJoin(c.changed_fields(), ", "), ")");
        }
        out += "\n";
      }
    }
    const std::string counts =
        updated > 0 || unchanged > 0
            ? absl::StrCat(": ", created, " created, ", updated, " updated, ", unchanged,
                           " unchanged")
            : "";
    if (response.dry_run()) {
      return absl::StrCat(out, "dry run: ", response.imported(),
                          response.imported() == 1 ? " row" : " rows", " would be imported",
                          counts, "; nothing written (encoding ", encoding, ")\n");
    }
    return absl::StrCat(out, "imported ", response.imported(),
                        response.imported() == 1 ? " asset" : " assets", counts, " (encoding ",
                        encoding, ")\n");
  }
  std::string out;
  for (const v1::RowError& e : response.errors()) {
    absl::StrAppend(&out, "line ", e.line());
    if (!e.column().empty()) absl::StrAppend(&out, ", column ", e.column());
    absl::StrAppend(&out, ": ", e.reason(), "\n");
  }
  return out;
}

// ---- Registration.

void RegisterAssetCommands(CLI::App& root, CommandContext& ctx) {
  CLI::App* asset = root.add_subcommand(
      "asset", "The information asset inventory (第4(2)) and its compliance findings (第6)");
  asset->require_subcommand(1);

  {
    auto a = std::make_shared<AddArgs>();
    CLI::App* c = asset->add_subcommand(
        "add", "Add an asset from a YAML file and/or flags (flags override the file); prints "
               "the new id");
    c->add_option("-f,--file", a->file, "YAML file with the asset's fields (- = standard input)");
    AddFieldFlags(c, &a->fields, /*update=*/false);
    SetAction(c, ctx, [&ctx, a] { return RunAdd(ctx, *a); });
  }
  {
    auto a = std::make_shared<ListArgs>();
    CLI::App* c = asset->add_subcommand(
        "list", "List assets (every page unless --page-size is given)");
    c->add_option("--org", a->flags.org, "Only this organisation's assets");
    c->add_option("--category", a->flags.category, "Only this category");
    c->add_option("--segment", a->flags.segment, "Only this segment");
    c->add_option("--confidentiality", a->flags.confidentiality, "Only this 機密性 level");
    c->add_option("--lifecycle", a->flags.lifecycle, "Only ACTIVE or RETIRED assets");
    a->page_size_option = c->add_option("--page-size", a->flags.page_size,
                                        "One page of at most N assets (1–500)");
    a->page_size_option->check(CLI::Range(1, 500));
    c->add_option("--page-token", a->flags.page_token, "Continue from this page token");
    SetAction(c, ctx, [&ctx, a] { return RunList(ctx, *a); });
  }
  {
    auto a = std::make_shared<IdArgs>();
    CLI::App* c = asset->add_subcommand("show", "Show every field of an asset, with its etag");
    c->add_option("ID", a->id, "Asset id, e.g. A-000012")->required();
    SetAction(c, ctx, [&ctx, a] { return RunShow(ctx, *a); });
  }
  {
    auto a = std::make_shared<IdArgs>();
    CLI::App* c = asset->add_subcommand(
        "history", "The change history of an asset: who changed which fields, when");
    c->add_option("ID", a->id, "Asset id")->required();
    SetAction(c, ctx, [&ctx, a] { return RunHistory(ctx, *a); });
  }
  {
    auto a = std::make_shared<UpdateArgs>();
    CLI::App* c = asset->add_subcommand(
        "update", "Change fields of an asset; --etag names the version you saw (a stale one is "
                  "refused with ABORTED)");
    c->add_option("ID", a->id, "Asset id")->required();
    c->add_option("--etag", a->etag, "The etag `asset show` printed")->required();
    AddFieldFlags(c, &a->fields, /*update=*/true);
    SetAction(c, ctx, [&ctx, a] { return RunUpdate(ctx, *a); });
  }
  {
    auto a = std::make_shared<RetireArgs>();
    CLI::App* c = asset->add_subcommand(
        "retire", "Retire an asset with its disposal record (erasure method and witness are "
                  "required for media of 機密性2 or above)");
    c->add_option("ID", a->id, "Asset id")->required();
    c->add_option("--date", a->date,
                  "Disposal date: 2026-11-25, 令和8年11月25日 or R8.11.25 (default: today)");
    c->add_option("--erasure", a->erasure,
                  "Erasure method: crypto-erase, secure erase, degaussing, physical destruction");
    c->add_option("--witness", a->witness, "Staff member who witnessed the erasure");
    c->add_option("--etag", a->etag, "Etag of the version you saw (default: read it first)");
    SetAction(c, ctx, [&ctx, a] { return RunRetire(ctx, *a); });
  }
  {
    auto a = std::make_shared<FindingsArgs>();
    CLI::App* c = asset->add_subcommand(
        "findings", "Where assets break the basic policy: severity, rule, article, asset");
    c->add_option("--org", a->org, "Only this organisation's assets");
    c->add_option("--asset", a->asset, "Only this asset");
    SetAction(c, ctx, [&ctx, a] { return RunFindings(ctx, *a); });
  }
  {
    auto a = std::make_shared<FindingsArgs>();
    CLI::App* c = asset->add_subcommand(
        "summary", "Counts of findings per rule and severity for an organisation");
    c->add_option("--org", a->org, "Organisation (default: the union, kasama-union)");
    SetAction(c, ctx, [&ctx, a] { return RunSummary(ctx, *a); });
  }
  {
    auto a = std::make_shared<ImportArgs>();
    CLI::App* c = asset->add_subcommand(
        "import", "Import a CSV inventory (docs/asset-csv.md): all rows or none; every "
                  "rejected row is reported (exit 1)");
    c->add_option("FILE", a->file, "CSV file (- = standard input)")->required();
    c->add_option("--encoding", a->encoding, "auto, utf-8 or cp932 (Shift_JIS)")
        ->capture_default_str();
    c->add_flag("--dry-run", a->dry_run, "Validate and report (per row) without writing");
    c->add_flag("--update", a->update,
                "Rows with an existing id update that asset (the etag column must be current; "
                "retired rows stay retired); rows without an id create assets");
    SetAction(c, ctx, [&ctx, a] { return RunImport(ctx, *a); });
  }
  {
    auto a = std::make_shared<ExportArgs>();
    CLI::App* c = asset->add_subcommand(
        "export", "Export the inventory as CSV (UTF-8) to standard output or a file");
    c->add_flag("--bom", a->bom, "Start with a UTF-8 BOM so that Excel opens the file correctly");
    c->add_flag("--include-retired", a->include_retired, "Include retired assets");
    c->add_option("--org", a->org, "Only this organisation's assets (default: every one)");
    c->add_option("-f,--file", a->file, "Write to FILE instead of standard output");
    SetAction(c, ctx, [&ctx, a] { return RunExport(ctx, *a); });
  }
}

}  // namespace seccoord::cli
