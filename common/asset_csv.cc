#include "common/asset_csv.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/civil_date.h"
#include "common/code_values.h"
#include "common/csv.h"
#include "common/proto_convert.h"
#include "common/status.h"
#include "common/wareki.h"

namespace seccoord::asset {
namespace {

// Fields kept per record beyond which only the count matters: no valid record
// has more than the layout's columns, and a line of a million commas must not
// cost a million strings.
constexpr int kMaxStoredFields = 256;

std::string S(std::string_view text) { return std::string(text); }

// The encoding the API names, as common/csv.h names it.
absl::StatusOr<CsvEncoding> EncodingOf(v1::CsvEncoding requested) {
  switch (requested) {
    case v1::CSV_ENCODING_UTF8: return CsvEncoding::kUtf8;
    case v1::CSV_ENCODING_CP932: return CsvEncoding::kCp932;
    case v1::CSV_ENCODING_UNSPECIFIED:
    case v1::CSV_ENCODING_AUTO: return CsvEncoding::kAuto;
    case v1::CSV_ENCODING_UTF16:
      return InvalidField("encoding",
                          "UTF-16 is read when detected by its byte order mark; ask for AUTO");
    default:
      return InvalidField("encoding", absl::StrCat("unknown value ", static_cast<int>(requested)));
  }
}

// The encoding a file was read in, as the API names it.
v1::CsvEncoding ApiEncodingOf(CsvEncoding read) {
  switch (read) {
    case CsvEncoding::kCp932: return v1::CSV_ENCODING_CP932;
    case CsvEncoding::kUtf16: return v1::CSV_ENCODING_UTF16;
    case CsvEncoding::kUtf8:
    case CsvEncoding::kAuto: break;  // kAuto is never the result of decoding
  }
  return v1::CSV_ENCODING_UTF8;
}

// ---------------------------------------------------------------------------
// Value vocabulary

const EnumSpec& CategorySpec() {
  static const EnumSpec* const spec = new EnumSpec{
      {"ASSET_CATEGORY_"},
      {{v1::ASSET_CATEGORY_NETWORK, "NETWORK", "ネットワーク", {}},
       {v1::ASSET_CATEGORY_INFORMATION_SYSTEM, "INFORMATION_SYSTEM", "情報システム", {}},
       {v1::ASSET_CATEGORY_EQUIPMENT, "EQUIPMENT", "機器", {"設備・機器", "設備"}},
       {v1::ASSET_CATEGORY_STORAGE_MEDIA, "STORAGE_MEDIA", "記録媒体", {"電磁的記録媒体"}},
       {v1::ASSET_CATEGORY_INFORMATION, "INFORMATION", "情報", {}},
       {v1::ASSET_CATEGORY_SYSTEM_DOCUMENT, "SYSTEM_DOCUMENT", "システム関連文書", {}}}};
  return *spec;
}

const EnumSpec& SegmentSpec() {
  static const EnumSpec* const spec = new EnumSpec{
      {"SEGMENT_"},
      {{v1::SEGMENT_SENSITIVE, "SENSITIVE", "機微情報取扱系", {}},
       {v1::SEGMENT_INTERNET, "INTERNET", "インターネット接続系", {}},
       {v1::SEGMENT_NONE, "NONE", "なし", {}},
       {v1::SEGMENT_MY_NUMBER, "MY_NUMBER", "マイナンバー利用事務系", {}},
       {v1::SEGMENT_LGWAN, "LGWAN", "LGWAN接続系", {}}}};
  return *spec;
}

const EnumSpec& ConfidentialitySpec() {
  static const EnumSpec* const spec = new EnumSpec{
      {"CONFIDENTIALITY_", "機密性"},
      {{v1::CONFIDENTIALITY_3A, "3A", "3A", {}},
       {v1::CONFIDENTIALITY_3B, "3B", "3B", {}},
       {v1::CONFIDENTIALITY_3C, "3C", "3C", {}},
       {v1::CONFIDENTIALITY_2, "2", "2", {}},
       {v1::CONFIDENTIALITY_1, "1", "1", {}}}};
  return *spec;
}

const EnumSpec& IntegritySpec() {
  static const EnumSpec* const spec = new EnumSpec{
      {"INTEGRITY_", "完全性"},
      {{v1::INTEGRITY_2, "2", "2", {}}, {v1::INTEGRITY_1, "1", "1", {}}}};
  return *spec;
}

const EnumSpec& AvailabilitySpec() {
  static const EnumSpec* const spec = new EnumSpec{
      {"AVAILABILITY_", "可用性"},
      {{v1::AVAILABILITY_2, "2", "2", {}}, {v1::AVAILABILITY_1, "1", "1", {}}}};
  return *spec;
}

const EnumSpec& ExternalServiceSpec() {
  static const EnumSpec* const spec = new EnumSpec{
      {"EXTERNAL_SERVICE_USE_"},
      {{v1::EXTERNAL_SERVICE_USE_NONE, "NONE", "なし", {}},
       {v1::EXTERNAL_SERVICE_USE_CONTRACTED, "CONTRACTED", "外部委託", {}},
       {v1::EXTERNAL_SERVICE_USE_TERMS_BASED, "TERMS_BASED", "約款", {"約款による外部サービス"}}}};
  return *spec;
}

const EnumSpec& LifecycleSpec() {
  static const EnumSpec* const spec = new EnumSpec{
      {"LIFECYCLE_"},
      {{v1::LIFECYCLE_ACTIVE, "ACTIVE", "使用中", {}},
       {v1::LIFECYCLE_RETIRED, "RETIRED", "廃棄", {"廃棄済", "廃棄済み"}}}};
  return *spec;
}

const EnumSpec& BooleanSpec() {
  static const EnumSpec* const spec = new EnumSpec{
      {},
      {{1, "true", "はい", {"yes", "1", "○", "◯", "有", "あり"}},
       {0, "false", "いいえ", {"no", "0", "×", "無", "なし"}}}};
  return *spec;
}

// ---------------------------------------------------------------------------
// Columns

enum Col {
  kId, kOrganization, kName, kCategory, kSegment, kConfidentiality, kIntegrity,
  kAvailability, kCustodian, kLocation, kMfa, kExportBlocked, kTrafficMonitoring,
  kEncryption, kBackup, kExternalService, kExternalServiceName, kConnections,
  kLifecycle, kDisposalDate, kErasureMethod, kWitness, kNotes, kSample, kEtag, kColumnCount
};

const std::vector<CsvColumn>& Columns() {
  // Indexed by Col.
  static const std::vector<CsvColumn>* const columns = new std::vector<CsvColumn>{
      {"id", "資産ID", false},
      {"organization", "組織", false},
      {"name", "名称", true},
      {"category", "分類", true},
      {"segment", "領域", true},
      {"confidentiality", "機密性", true},
      {"integrity", "完全性", true},
      {"availability", "可用性", true},
      {"custodian", "管理者", false},
      {"location", "設置場所", false},
      {"mfa", "多要素認証", false},
      {"export_blocked", "持ち出し不可", false},
      {"traffic_monitoring", "通信監視", false},
      {"encryption", "暗号化", false},
      {"backup", "バックアップ", false},
      {"external_service", "外部サービス", false},
      {"external_service_name", "外部サービス名", false},
      {"connections", "接続先", false},
      {"lifecycle", "状態", false},
      {"disposal_date", "廃棄日", false},
      {"erasure_method", "消去方法", false},
      {"witness", "立会者", false},
      {"notes", "備考", false},
      {"sample", "サンプル", false},
      {"etag", "版", false},
  };
  return *columns;
}

// The column a header cell names, or -1.
int ColumnOfHeader(std::string_view cell) {
  const std::string key = absl::AsciiStrToLower(TrimCsvCell(cell));
  const auto& columns = Columns();
  for (int i = 0; i < kColumnCount; ++i) {
    // Lower-cased on both sides: 資産ID is also written 資産Id or 資産ｉｄ.
    if (key == columns[i].english || key == absl::AsciiStrToLower(S(columns[i].japanese))) {
      return i;
    }
  }
  return -1;
}

// ---------------------------------------------------------------------------
// Cells

// Parses a connection list; see the header for the syntax.
absl::StatusOr<std::vector<v1::Connection>> ParseConnections(std::string_view text) {
  struct Entry {
    std::string parts[3];
    int part = 0;
    std::string raw;
  };
  std::vector<Entry> entries(1);
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    Entry& e = entries.back();
    if (c == '\\' && i + 1 < text.size()) {
      ++i;
      e.parts[e.part].push_back(text[i]);
      e.raw.push_back('\\');
      e.raw.push_back(text[i]);
      continue;
    }
    if (c == ';') {
      entries.emplace_back();
      continue;
    }
    e.raw.push_back(c);
    if (c == ':' && e.part < 2) {
      ++e.part;
      continue;
    }
    e.parts[e.part].push_back(c);
  }
  std::vector<v1::Connection> out;
  int n = 0;
  for (Entry& e : entries) {
    ++n;
    const std::string id = TrimCsvCell(e.parts[0]);
    const std::string flag = NormalizeCode(e.parts[1]);
    if (id.empty() && flag.empty() && e.parts[2].empty()) continue;  // "A;;B", trailing ';'
    if (id.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("entry ", n, " \"", e.raw, "\" has no asset id"));
    }
    for (char c : id) {
      if (absl::ascii_isspace(static_cast<unsigned char>(c)) || absl::ascii_iscntrl(static_cast<unsigned char>(c))) {
        return absl::InvalidArgumentError(absl::StrCat(
            "entry ", n, " \"", e.raw, "\": asset id contains a space (separate ids with ';')"));
      }
    }
    bool approved = false;
    if (flag == "APPROVED" || flag == "承認" || flag == "承認済" || flag == "承認済み") {
      approved = true;
    } else if (!flag.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "entry ", n, " \"", e.raw, "\": unknown flag \"", e.parts[1],
          "\" (expected \"approved\" or nothing, as in A-000001:approved)"));
    }
    if (static_cast<int>(out.size()) >= kMaxCsvConnections) {
      return absl::InvalidArgumentError(
          absl::StrCat("more than ", kMaxCsvConnections, " connections"));
    }
    v1::Connection& conn = out.emplace_back();
    conn.set_asset_id(id);
    conn.set_approved(approved);
    conn.set_note(e.parts[2]);
  }
  return out;
}

std::string EscapeConnectionPart(std::string_view text, bool escape_colon) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == ';' || (escape_colon && c == ':')) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string FormatConnections(const google::protobuf::RepeatedPtrField<v1::Connection>& list) {
  std::vector<std::string> entries;
  for (const v1::Connection& c : list) {
    std::string entry = EscapeConnectionPart(c.asset_id(), /*escape_colon=*/true);
    if (c.approved()) entry += ":approved";
    if (!c.note().empty()) {
      if (!c.approved()) entry += ":";
      absl::StrAppend(&entry, ":", EscapeConnectionPart(c.note(), /*escape_colon=*/false));
    }
    entries.push_back(std::move(entry));
  }
  return absl::StrJoin(entries, ";");
}

// Converts one data record into an asset, appending to *errors every cell
// that does not parse.
std::optional<v1::Asset> ConvertRecord(const CsvRecord& record, const std::vector<int>& column_of,
                                       const std::vector<std::string>& header,
                                       std::vector<v1::RowError>* errors) {
  const size_t errors_before = errors->size();
  auto fail = [&](int index, const std::string& reason) {
    v1::RowError& e = errors->emplace_back();
    e.set_line(record.line);
    e.set_column(index < 0 ? std::string() : header[index]);
    e.set_reason(reason);
  };
  if (record.field_count != static_cast<int>(header.size())) {
    fail(-1, absl::StrCat("has ", record.field_count, " fields, the header has ", header.size()));
    return std::nullopt;
  }

  v1::Asset asset;
  v1::Controls* controls = asset.mutable_controls();
  asset.set_external_service(v1::EXTERNAL_SERVICE_USE_NONE);
  asset.set_lifecycle(v1::LIFECYCLE_ACTIVE);
  std::optional<v1::Date> disposal_date;
  std::string erasure_method;
  std::string witness;

  for (size_t i = 0; i < header.size(); ++i) {
    const int index = static_cast<int>(i);
    const std::string& value = record.fields[i];
    const int col = column_of[i];
    if (value.size() > kMaxCsvFieldBytes) {
      fail(index, absl::StrCat("exceeds ", kMaxCsvFieldBytes, " bytes"));
      continue;
    }
    if (Columns()[col].required && TrimCsvCell(value).empty()) {
      fail(index, "must not be empty");
      continue;
    }
    // Parses an enum cell with `parse` and stores it with `set`.
    auto coded = [&](auto parse, auto set) {
      auto parsed = parse(value);
      if (parsed.ok()) {
        set(*parsed);
      } else {
        fail(index, std::string(parsed.status().message()));
      }
    };
    auto boolean = [&](void (v1::Controls::*set)(bool)) {
      coded(ParseBooleanValue, [&](bool b) { (controls->*set)(b); });
    };
    switch (col) {
      case kId: asset.set_id(TrimCsvCell(value)); break;
      case kOrganization: asset.set_organization(TrimCsvCell(value)); break;
      case kName: asset.set_name(value); break;
      case kCategory:
        coded(ParseCategoryValue, [&](v1::AssetCategory v) { asset.set_category(v); });
        break;
      case kSegment:
        coded(ParseSegmentValue, [&](v1::Segment v) { asset.set_segment(v); });
        break;
      case kConfidentiality:
        coded(ParseConfidentialityValue,
              [&](v1::Confidentiality v) { asset.set_confidentiality(v); });
        break;
      case kIntegrity:
        coded(ParseIntegrityValue, [&](v1::Integrity v) { asset.set_integrity(v); });
        break;
      case kAvailability:
        coded(ParseAvailabilityValue, [&](v1::Availability v) { asset.set_availability(v); });
        break;
      case kCustodian: asset.set_custodian(value); break;
      case kLocation: asset.set_location(value); break;
      case kMfa: boolean(&v1::Controls::set_mfa); break;
      case kExportBlocked: boolean(&v1::Controls::set_export_blocked); break;
      case kTrafficMonitoring: boolean(&v1::Controls::set_traffic_monitoring); break;
      case kEncryption: boolean(&v1::Controls::set_encryption); break;
      case kBackup: boolean(&v1::Controls::set_backup); break;
      case kExternalService:
        if (!TrimCsvCell(value).empty()) {
          coded(ParseExternalServiceValue,
                [&](v1::ExternalServiceUse v) { asset.set_external_service(v); });
        }
        break;
      case kExternalServiceName: asset.set_external_service_name(value); break;
      case kConnections: {
        auto parsed = ParseConnections(value);
        if (!parsed.ok()) {
          fail(index, std::string(parsed.status().message()));
        } else {
          for (v1::Connection& c : *parsed) *asset.add_connections() = std::move(c);
        }
        break;
      }
      case kLifecycle:
        if (!TrimCsvCell(value).empty()) {
          coded(ParseLifecycleValue, [&](v1::Lifecycle v) { asset.set_lifecycle(v); });
        }
        break;
      case kDisposalDate: {
        const std::string trimmed = TrimCsvCell(value);
        if (trimmed.empty()) break;
        auto date = ParseDate(trimmed);
        if (!date.ok()) {
          // ParseDate's reason usually quotes the text already.
          const std::string reason(date.status().message());
          fail(index, reason.find(trimmed) != std::string::npos
                          ? reason
                          : absl::StrCat("\"", value, "\" is not a date: ", reason));
        } else {
          disposal_date = ToProtoDate(*date);
        }
        break;
      }
      case kErasureMethod: erasure_method = value; break;
      case kWitness: witness = value; break;
      case kNotes: asset.set_notes(value); break;
      case kSample: coded(ParseBooleanValue, [&](bool b) { asset.set_sample(b); }); break;
      case kEtag: asset.set_etag(TrimCsvCell(value)); break;
      default: break;
    }
  }
  if (errors->size() != errors_before) return std::nullopt;
  if (disposal_date.has_value() || !erasure_method.empty() || !witness.empty()) {
    v1::DisposalRecord* d = asset.mutable_disposal();
    if (disposal_date.has_value()) *d->mutable_date() = *disposal_date;
    d->set_erasure_method(erasure_method);
    d->set_witness(witness);
  }
  return asset;
}

// ---------------------------------------------------------------------------
// Writing

std::string_view Bool(bool b) { return b ? "true" : "false"; }

}  // namespace

const std::vector<CsvColumn>& AssetCsvColumns() { return Columns(); }

absl::StatusOr<CsvParseResult> ParseAssetCsv(std::string_view bytes, v1::CsvEncoding encoding,
                                             int max_rows) {
  static const CsvLayout layout{&Columns(), &ColumnOfHeader, "docs/asset-csv.md",
                                CsvReadOptions{kMaxCsvFieldBytes, kMaxStoredFields}};
  SECCOORD_ASSIGN_OR_RETURN(CsvEncoding requested, EncodingOf(encoding));
  CsvParseResult result;
  SECCOORD_ASSIGN_OR_RETURN(
      CsvEncoding read,
      ReadCsvLayout(bytes, requested, layout, max_rows,
                    [&](const CsvHeader& header, const CsvRecord& record) {
                      std::optional<v1::Asset> asset =
                          ConvertRecord(record, header.column_of, header.cells, &result.errors);
                      if (asset.has_value()) {
                        result.rows.push_back(ParsedRow{record.line, std::move(*asset)});
                      }
                    }));
  result.encoding = ApiEncodingOf(read);
  return result;
}

std::string WriteAssetCsv(const std::vector<v1::Asset>& assets, bool bom) {
  return absl::StrCat(WriteAssetCsvHeader(bom), WriteAssetCsvRecords(assets));
}

std::string WriteAssetCsvHeader(bool bom) {
  std::string out;
  if (bom) out.append(kUtf8Bom.data(), kUtf8Bom.size());
  std::vector<std::string> names;
  for (const CsvColumn& c : Columns()) names.push_back(S(c.english));
  absl::StrAppend(&out, absl::StrJoin(names, ","), "\r\n");
  return out;
}

std::string WriteAssetCsvRecords(const std::vector<v1::Asset>& assets) {
  std::string out;
  for (const v1::Asset& a : assets) {
    std::string date;
    if (a.has_disposal() && a.disposal().has_date()) {
      date = FormatIsoDate(FromProtoDate(a.disposal().date()));
    }
    const std::string connections = FormatConnections(a.connections());
    const std::string_view cells[kColumnCount] = {
        a.id(),
        a.organization(),
        a.name(),
        CategoryName(a.category()),
        SegmentName(a.segment()),
        ConfidentialityName(a.confidentiality()),
        IntegrityName(a.integrity()),
        AvailabilityName(a.availability()),
        a.custodian(),
        a.location(),
        Bool(a.controls().mfa()),
        Bool(a.controls().export_blocked()),
        Bool(a.controls().traffic_monitoring()),
        Bool(a.controls().encryption()),
        Bool(a.controls().backup()),
        ExternalServiceName(a.external_service()),
        a.external_service_name(),
        connections,
        LifecycleName(a.lifecycle()),
        date,
        a.disposal().erasure_method(),
        a.disposal().witness(),
        a.notes(),
        Bool(a.sample()),
        a.etag(),
    };
    for (int i = 0; i < kColumnCount; ++i) {
      if (i > 0) out.push_back(',');
      AppendCsvField(cells[i], &out);
    }
    out.append("\r\n");
  }
  return out;
}

absl::StatusOr<v1::AssetCategory> ParseCategoryValue(std::string_view text) {
  SECCOORD_ASSIGN_OR_RETURN(int v, ParseChoice(CategorySpec(), text));
  return static_cast<v1::AssetCategory>(v);
}
absl::StatusOr<v1::Segment> ParseSegmentValue(std::string_view text) {
  SECCOORD_ASSIGN_OR_RETURN(int v, ParseChoice(SegmentSpec(), text));
  return static_cast<v1::Segment>(v);
}
absl::StatusOr<v1::Confidentiality> ParseConfidentialityValue(std::string_view text) {
  auto parsed = ParseChoice(ConfidentialitySpec(), text);
  if (!parsed.ok() && (NormalizeCode(text) == "3" || NormalizeCode(text) == "機密性3")) {
    // Policies before the R6.10 guideline had one level 3; say how to map it.
    return absl::InvalidArgumentError(absl::StrCat(
        parsed.status().message(),
        " (the former level 3 is now 3A, 3B or 3C: 旧基準の機密性3は3A・3B・3Cのいずれかに分類してください)"));
  }
  SECCOORD_ASSIGN_OR_RETURN(int v, std::move(parsed));
  return static_cast<v1::Confidentiality>(v);
}
absl::StatusOr<v1::Integrity> ParseIntegrityValue(std::string_view text) {
  SECCOORD_ASSIGN_OR_RETURN(int v, ParseChoice(IntegritySpec(), text));
  return static_cast<v1::Integrity>(v);
}
absl::StatusOr<v1::Availability> ParseAvailabilityValue(std::string_view text) {
  SECCOORD_ASSIGN_OR_RETURN(int v, ParseChoice(AvailabilitySpec(), text));
  return static_cast<v1::Availability>(v);
}
absl::StatusOr<v1::ExternalServiceUse> ParseExternalServiceValue(std::string_view text) {
  SECCOORD_ASSIGN_OR_RETURN(int v, ParseChoice(ExternalServiceSpec(), text));
  return static_cast<v1::ExternalServiceUse>(v);
}
absl::StatusOr<v1::Lifecycle> ParseLifecycleValue(std::string_view text) {
  SECCOORD_ASSIGN_OR_RETURN(int v, ParseChoice(LifecycleSpec(), text));
  return static_cast<v1::Lifecycle>(v);
}
absl::StatusOr<bool> ParseBooleanValue(std::string_view text) {
  if (TrimCsvCell(text).empty()) return false;
  SECCOORD_ASSIGN_OR_RETURN(int v, ParseChoice(BooleanSpec(), text));
  return v != 0;
}

std::string_view CategoryName(v1::AssetCategory v) { return NameIn(CategorySpec(), v); }
std::string_view SegmentName(v1::Segment v) { return NameIn(SegmentSpec(), v); }
std::string_view ConfidentialityName(v1::Confidentiality v) {
  return NameIn(ConfidentialitySpec(), v);
}
std::string_view IntegrityName(v1::Integrity v) { return NameIn(IntegritySpec(), v); }
std::string_view AvailabilityName(v1::Availability v) { return NameIn(AvailabilitySpec(), v); }
std::string_view ExternalServiceName(v1::ExternalServiceUse v) {
  return NameIn(ExternalServiceSpec(), v);
}
std::string_view LifecycleName(v1::Lifecycle v) { return NameIn(LifecycleSpec(), v); }

std::string_view CategoryLabel(v1::AssetCategory v) { return LabelIn(CategorySpec(), v); }
std::string_view ExternalServiceLabel(v1::ExternalServiceUse v) {
  return LabelIn(ExternalServiceSpec(), v);
}
std::string_view LifecycleLabel(v1::Lifecycle v) { return LabelIn(LifecycleSpec(), v); }

}  // namespace seccoord::asset
