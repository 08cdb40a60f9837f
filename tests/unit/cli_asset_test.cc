// `seccoord asset …` without the real server: enum values, request building
// from flags and YAML, rendering (Japanese text aligned by display width),
// and the binary path (RunCli → mTLS → fake AssetService → output, exit code).
#include "clients/seccoord/asset_commands.h"

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include <mutex>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_split.h"
#include "clients/seccoord/command.h"
#include "seccoord/v1/asset.grpc.pb.h"
#include "tests/support/cli_test_support.h"

namespace seccoord::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using seccoord::testing::CliServerTest;
using seccoord::testing::ColumnOf;
using seccoord::testing::ReadFile;

// ---- Enum values.

TEST(AssetEnumTest, ShortNamesFullNamesAndJapaneseLabels) {
  EXPECT_EQ(*ParseSegment("--segment", "SENSITIVE"), v1::SEGMENT_SENSITIVE);
  EXPECT_EQ(*ParseSegment("--segment", "sensitive"), v1::SEGMENT_SENSITIVE);
  EXPECT_EQ(*ParseSegment("--segment", "SEGMENT_INTERNET"), v1::SEGMENT_INTERNET);
  EXPECT_EQ(*ParseSegment("--segment", "機微情報取扱系"), v1::SEGMENT_SENSITIVE);
  EXPECT_EQ(*ParseSegment("--segment", "インターネット接続系"), v1::SEGMENT_INTERNET);
  EXPECT_EQ(*ParseSegment("--segment", "ＮＯＮＥ"), v1::SEGMENT_NONE);
  // Out-of-scope segments pass the CLI: the server refuses them by article.
  EXPECT_EQ(*ParseSegment("--segment", "LGWAN接続系"), v1::SEGMENT_LGWAN);
  EXPECT_EQ(*ParseSegment("--segment", "マイナンバー利用事務系"), v1::SEGMENT_MY_NUMBER);

  EXPECT_EQ(*ParseConfidentiality("--confidentiality", "3B"), v1::CONFIDENTIALITY_3B);
  EXPECT_EQ(*ParseConfidentiality("--confidentiality", "3a"), v1::CONFIDENTIALITY_3A);
  EXPECT_EQ(*ParseConfidentiality("--confidentiality", "機密性2"), v1::CONFIDENTIALITY_2);
  EXPECT_EQ(*ParseConfidentiality("--confidentiality", "１"), v1::CONFIDENTIALITY_1);
  EXPECT_EQ(*ParseIntegrity("--integrity", "2"), v1::INTEGRITY_2);
  EXPECT_EQ(*ParseAvailability("--availability", "可用性1"), v1::AVAILABILITY_1);
  EXPECT_EQ(*ParseAssetCategory("--category", "情報システム"),
            v1::ASSET_CATEGORY_INFORMATION_SYSTEM);
  EXPECT_EQ(*ParseAssetCategory("--category", "storage-media"), v1::ASSET_CATEGORY_STORAGE_MEDIA);
  EXPECT_EQ(*ParseExternalServiceUse("--external", "TERMS_BASED"),
            v1::EXTERNAL_SERVICE_USE_TERMS_BASED);
  EXPECT_EQ(*ParseExternalServiceUse("--external", "約款"), v1::EXTERNAL_SERVICE_USE_TERMS_BASED);
  EXPECT_EQ(*ParseLifecycle("--lifecycle", "retired"), v1::LIFECYCLE_RETIRED);
  EXPECT_EQ(*ParseCsvEncoding("--encoding", "utf-8"), v1::CSV_ENCODING_UTF8);
  EXPECT_EQ(*ParseCsvEncoding("--encoding", "cp932"), v1::CSV_ENCODING_CP932);
  EXPECT_EQ(*ParseCsvEncoding("--encoding", "Shift_JIS"), v1::CSV_ENCODING_CP932);

  EXPECT_EQ(SegmentName(v1::SEGMENT_SENSITIVE), "SENSITIVE");
  EXPECT_EQ(ConfidentialityName(v1::CONFIDENTIALITY_3C), "3C");
  EXPECT_EQ(AssetCategoryLabel(v1::ASSET_CATEGORY_STORAGE_MEDIA), "記録媒体");
  EXPECT_EQ(ExternalServiceUseLabel(v1::EXTERNAL_SERVICE_USE_TERMS_BASED), "約款");
  EXPECT_EQ(SeverityName(v1::SEVERITY_CRITICAL), "CRITICAL");
  EXPECT_EQ(LifecycleName(v1::LIFECYCLE_UNSPECIFIED), "-");
}

TEST(AssetEnumTest, UnknownValueIsAUsageErrorNamingTheFlagAndTheChoices) {
  auto bad = ParseConfidentiality("--confidentiality", "4");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ExitCodeFor(bad.status()), kExitUsage);
  EXPECT_THAT(std::string(bad.status().message()),
              HasSubstr("--confidentiality: unknown value \"4\"; expected 3A, 3B, 3C, 2, 1"));

  auto segment = ParseSegment("--segment", "DMZ");
  ASSERT_FALSE(segment.ok());
  EXPECT_THAT(std::string(segment.status().message()), HasSubstr("--segment: unknown value \"DMZ\""));
  EXPECT_THAT(std::string(segment.status().message()), HasSubstr("機微情報取扱系"));
}

// ---- Request building from flags.

AssetFieldFlags AddFlags() {
  AssetFieldFlags f;
  f.name = "火葬場予約管理システム";
  f.category = "INFORMATION_SYSTEM";
  f.segment = "SENSITIVE";
  f.confidentiality = "3B";
  f.integrity = "2";
  f.availability = "2";
  return f;
}

TEST(BuildAddAssetRequestTest, FromFlags) {
  AssetFieldFlags f = AddFlags();
  f.mfa = true;
  f.export_blocked = true;
  f.backup = true;
  f.location = "斎場 事務室";
  f.custodian = "総務課";
  f.external = "CONTRACTED";
  f.external_name = "予約システム保守業者";
  f.connect = {"A-000002:approved", "A-000005"};
  auto request = BuildAddAssetRequest(std::nullopt, f, "req-1");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->request_id(), "req-1");
  const v1::Asset& a = request->asset();
  EXPECT_EQ(a.name(), "火葬場予約管理システム");
  EXPECT_EQ(a.category(), v1::ASSET_CATEGORY_INFORMATION_SYSTEM);
  EXPECT_EQ(a.segment(), v1::SEGMENT_SENSITIVE);
  EXPECT_EQ(a.confidentiality(), v1::CONFIDENTIALITY_3B);
  EXPECT_EQ(a.integrity(), v1::INTEGRITY_2);
  EXPECT_EQ(a.availability(), v1::AVAILABILITY_2);
  EXPECT_TRUE(a.controls().mfa());
  EXPECT_TRUE(a.controls().export_blocked());
  EXPECT_FALSE(a.controls().traffic_monitoring());
  EXPECT_FALSE(a.controls().encryption());
  EXPECT_TRUE(a.controls().backup());
  EXPECT_EQ(a.location(), "斎場 事務室");
  EXPECT_EQ(a.custodian(), "総務課");
  EXPECT_EQ(a.external_service(), v1::EXTERNAL_SERVICE_USE_CONTRACTED);
  EXPECT_EQ(a.external_service_name(), "予約システム保守業者");
  ASSERT_EQ(a.connections_size(), 2);
  EXPECT_EQ(a.connections(0).asset_id(), "A-000002");
  EXPECT_TRUE(a.connections(0).approved());
  EXPECT_EQ(a.connections(1).asset_id(), "A-000005");
  EXPECT_FALSE(a.connections(1).approved());
  EXPECT_TRUE(a.id().empty());
  EXPECT_TRUE(a.etag().empty());
}

TEST(BuildAddAssetRequestTest, ExternalDefaultsToNone) {
  auto request = BuildAddAssetRequest(std::nullopt, AddFlags(), "r");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->asset().external_service(), v1::EXTERNAL_SERVICE_USE_NONE);
}

TEST(BuildAddAssetRequestTest, MissingOrBadFlagsAreUsageErrorsNamingTheFlag) {
  AssetFieldFlags missing = AddFlags();
  missing.integrity.reset();
  auto r = BuildAddAssetRequest(std::nullopt, missing, "r");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(ExitCodeFor(r.status()), kExitUsage);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("--integrity: required"));

  struct Case {
    std::optional<std::string> AssetFieldFlags::*field;
    const char* value;
    const char* flag;
  };
  for (const Case& c : {Case{&AssetFieldFlags::category, "SERVER", "--category"},
                        Case{&AssetFieldFlags::segment, "DMZ", "--segment"},
                        Case{&AssetFieldFlags::confidentiality, "3D", "--confidentiality"},
                        Case{&AssetFieldFlags::integrity, "3", "--integrity"},
                        Case{&AssetFieldFlags::availability, "0", "--availability"},
                        Case{&AssetFieldFlags::external, "CLOUD", "--external"}}) {
    AssetFieldFlags f = AddFlags();
    f.*(c.field) = c.value;
    auto bad = BuildAddAssetRequest(std::nullopt, f, "r");
    ASSERT_FALSE(bad.ok()) << c.flag;
    EXPECT_EQ(ExitCodeFor(bad.status()), kExitUsage) << c.flag;
    EXPECT_THAT(std::string(bad.status().message()),
                HasSubstr(std::string(c.flag) + ": unknown value \"" + c.value + "\""));
  }

  AssetFieldFlags bad_connect = AddFlags();
  bad_connect.connect = {"A-000002:maybe"};
  auto connect = BuildAddAssetRequest(std::nullopt, bad_connect, "r");
  ASSERT_FALSE(connect.ok());
  EXPECT_THAT(std::string(connect.status().message()), HasSubstr("--connect: 'A-000002:maybe'"));
  bad_connect.connect = {":approved"};
  EXPECT_FALSE(BuildAddAssetRequest(std::nullopt, bad_connect, "r").ok());
}

TEST(ParseConnectFlagTest, IdFlagAndNote) {
  auto plain = ParseConnectFlag("A-000003");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->asset_id(), "A-000003");
  EXPECT_FALSE(plain->approved());
  auto approved = ParseConnectFlag("A-000003:approved:承認 R8-01: 保守用");
  ASSERT_TRUE(approved.ok());
  EXPECT_TRUE(approved->approved());
  EXPECT_EQ(approved->note(), "承認 R8-01: 保守用");
  auto note_only = ParseConnectFlag("A-000003::mail only");
  ASSERT_TRUE(note_only.ok());
  EXPECT_FALSE(note_only->approved());
  EXPECT_EQ(note_only->note(), "mail only");
  auto japanese = ParseConnectFlag("A-000003:承認");
  ASSERT_TRUE(japanese.ok());
  EXPECT_TRUE(japanese->approved());
}

// ---- YAML.

constexpr char kAssetYaml[] = R"(# 予約管理システム
name: 火葬場予約管理システム
category: 情報システム
segment: 機微情報取扱系
confidentiality: 3B
integrity: 2
availability: 2
custodian: 総務課
location: 斎場 事務室
controls: {mfa: true, export_blocked: yes, traffic_monitoring: false, encryption: true, backup: true}
external_service: CONTRACTED
external_service_name: 予約システム保守業者
connections:
  - {asset_id: A-000002, approved: true, note: 承認 R8-01}
  - A-000005
notes: 火葬場の予約受付
)";

TEST(ParseAssetYamlTest, EveryField) {
  auto asset = ParseAssetYaml("asset.yaml", kAssetYaml);
  ASSERT_TRUE(asset.ok()) << asset.status();
  EXPECT_EQ(asset->name(), "火葬場予約管理システム");
  EXPECT_EQ(asset->category(), v1::ASSET_CATEGORY_INFORMATION_SYSTEM);
  EXPECT_EQ(asset->segment(), v1::SEGMENT_SENSITIVE);
  EXPECT_EQ(asset->confidentiality(), v1::CONFIDENTIALITY_3B);
  EXPECT_EQ(asset->integrity(), v1::INTEGRITY_2);
  EXPECT_EQ(asset->availability(), v1::AVAILABILITY_2);
  EXPECT_EQ(asset->custodian(), "総務課");
  EXPECT_EQ(asset->location(), "斎場 事務室");
  EXPECT_TRUE(asset->controls().mfa());
  EXPECT_TRUE(asset->controls().export_blocked());
  EXPECT_FALSE(asset->controls().traffic_monitoring());
  EXPECT_TRUE(asset->controls().encryption());
  EXPECT_TRUE(asset->controls().backup());
  EXPECT_EQ(asset->external_service(), v1::EXTERNAL_SERVICE_USE_CONTRACTED);
  EXPECT_EQ(asset->external_service_name(), "予約システム保守業者");
  ASSERT_EQ(asset->connections_size(), 2);
  EXPECT_EQ(asset->connections(0).asset_id(), "A-000002");
  EXPECT_TRUE(asset->connections(0).approved());
  EXPECT_EQ(asset->connections(0).note(), "承認 R8-01");
  EXPECT_EQ(asset->connections(1).asset_id(), "A-000005");
  EXPECT_FALSE(asset->connections(1).approved());
  EXPECT_EQ(asset->notes(), "火葬場の予約受付");
}

TEST(ParseAssetYamlTest, FlagsOverrideTheFile) {
  auto asset = ParseAssetYaml("asset.yaml", kAssetYaml);
  ASSERT_TRUE(asset.ok());
  AssetFieldFlags f;
  f.confidentiality = "2";
  f.mfa = false;
  f.connect = {"A-000005:approved"};
  auto request = BuildAddAssetRequest(*asset, f, "r");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->asset().confidentiality(), v1::CONFIDENTIALITY_2);
  EXPECT_FALSE(request->asset().controls().mfa());
  EXPECT_TRUE(request->asset().controls().export_blocked());
  ASSERT_EQ(request->asset().connections_size(), 2);
  EXPECT_TRUE(request->asset().connections(1).approved());  // replaced, not added
  EXPECT_EQ(request->asset().name(), "火葬場予約管理システム");
}

TEST(ParseAssetYamlTest, BadFilesAreUsageErrorsNamingFileAndKey) {
  struct Case {
    const char* yaml;
    const char* expected;
  };
  for (const Case& c : {
           Case{"name: x\nsegment: DMZ\n", "a.yaml: segment: unknown value \"DMZ\""},
           Case{"confidentiality: 4\n", "a.yaml: confidentiality: unknown value \"4\""},
           Case{"name: x\ncolour: red\n", "a.yaml: unknown key 'colour'"},
           Case{"controls: {mfa: maybe}\n", "a.yaml: controls.mfa: unknown value \"maybe\""},
           Case{"controls: {mfa: [1]}\n", "a.yaml: controls.mfa: must be true or false"},
           Case{"controls: {vpn: true}\n", "a.yaml: unknown key 'controls.vpn'"},
           Case{"connections: A-1\n", "a.yaml: connections: must be a list"},
           Case{"connections: [{approved: true}]\n", "connections[0]: asset_id is missing"},
           Case{"name: [a, b]\n", "a.yaml: name: must be a string"},
           Case{"- a\n- b\n", "a.yaml: must be a YAML map"},
           Case{"name: {a: 1\n", "a.yaml: not valid YAML"},
           Case{"name: \xff\xfe\n", "a.yaml: is not valid UTF-8"},
       }) {
    auto asset = ParseAssetYaml("a.yaml", c.yaml);
    ASSERT_FALSE(asset.ok()) << c.yaml;
    EXPECT_EQ(ExitCodeFor(asset.status()), kExitUsage) << c.yaml;
    EXPECT_THAT(std::string(asset.status().message()), HasSubstr(c.expected)) << c.yaml;
  }
}

// ---- Update, list, retire, import.

v1::Asset StoredAsset() {
  v1::Asset a;
  a.set_id("A-000007");
  a.set_organization("kasama-union");
  a.set_name("職員用PC");
  a.set_category(v1::ASSET_CATEGORY_EQUIPMENT);
  a.set_segment(v1::SEGMENT_INTERNET);
  a.set_confidentiality(v1::CONFIDENTIALITY_2);
  a.set_integrity(v1::INTEGRITY_1);
  a.set_availability(v1::AVAILABILITY_1);
  a.set_location("事務所");
  a.mutable_controls()->set_mfa(true);
  a.set_external_service(v1::EXTERNAL_SERVICE_USE_NONE);
  v1::Connection* c = a.add_connections();
  c->set_asset_id("A-000001");
  a.set_lifecycle(v1::LIFECYCLE_ACTIVE);
  a.set_etag("etag-3");
  return a;
}

TEST(BuildUpdateAssetRequestTest, AppliesOnlyTheGivenFlagsWithTheGivenEtag) {
  AssetFieldFlags f;
  f.monitoring = true;
  f.mfa = false;
  f.location = "事務所 2階";
  f.disconnect = {"A-000001"};
  f.connect = {"A-000009"};
  auto request = BuildUpdateAssetRequest(StoredAsset(), "etag-2", f, "req-9");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->request_id(), "req-9");
  const v1::Asset& a = request->asset();
  EXPECT_EQ(a.id(), "A-000007");
  EXPECT_EQ(a.etag(), "etag-2");  // the one the user named, even if stale
  EXPECT_EQ(a.name(), "職員用PC");
  EXPECT_EQ(a.segment(), v1::SEGMENT_INTERNET);
  EXPECT_TRUE(a.controls().traffic_monitoring());
  EXPECT_FALSE(a.controls().mfa());
  EXPECT_EQ(a.location(), "事務所 2階");
  ASSERT_EQ(a.connections_size(), 1);
  EXPECT_EQ(a.connections(0).asset_id(), "A-000009");
}

TEST(BuildUpdateAssetRequestTest, NothingToUpdateOrBadValuesAreUsageErrors) {
  auto nothing = BuildUpdateAssetRequest(StoredAsset(), "e", AssetFieldFlags(), "r");
  ASSERT_FALSE(nothing.ok());
  EXPECT_EQ(ExitCodeFor(nothing.status()), kExitUsage);
  EXPECT_THAT(std::string(nothing.status().message()), HasSubstr("nothing to update"));

  AssetFieldFlags bad;
  bad.availability = "3";
  auto value = BuildUpdateAssetRequest(StoredAsset(), "e", bad, "r");
  ASSERT_FALSE(value.ok());
  EXPECT_THAT(std::string(value.status().message()), HasSubstr("--availability: unknown value"));

  AssetFieldFlags disconnect;
  disconnect.disconnect = {"A-000099"};
  auto missing = BuildUpdateAssetRequest(StoredAsset(), "e", disconnect, "r");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(std::string(missing.status().message()),
              HasSubstr("--disconnect: A-000007 has no connection to A-000099"));
}

TEST(BuildListAssetsRequestTest, FiltersByName) {
  AssetListFlags f;
  f.org = "kasama-union";
  f.segment = "機微情報取扱系";
  f.category = "equipment";
  f.confidentiality = "3B";
  f.lifecycle = "ACTIVE";
  f.page_size = 50;
  auto request = BuildListAssetsRequest(f);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->organization(), "kasama-union");
  EXPECT_EQ(request->segment(), v1::SEGMENT_SENSITIVE);
  EXPECT_EQ(request->category(), v1::ASSET_CATEGORY_EQUIPMENT);
  EXPECT_EQ(request->confidentiality(), v1::CONFIDENTIALITY_3B);
  EXPECT_EQ(request->lifecycle(), v1::LIFECYCLE_ACTIVE);
  EXPECT_EQ(request->page_size(), 50);

  auto none = BuildListAssetsRequest(AssetListFlags());
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->segment(), v1::SEGMENT_UNSPECIFIED);
  EXPECT_EQ(none->lifecycle(), v1::LIFECYCLE_UNSPECIFIED);

  AssetListFlags bad;
  bad.lifecycle = "DISPOSED";
  auto lifecycle = BuildListAssetsRequest(bad);
  ASSERT_FALSE(lifecycle.ok());
  EXPECT_EQ(ExitCodeFor(lifecycle.status()), kExitUsage);
  EXPECT_THAT(std::string(lifecycle.status().message()), HasSubstr("--lifecycle: unknown value"));
}

TEST(BuildRetireAssetRequestTest, DateInIsoOrWareki) {
  for (const char* date : {"2026-11-25", "令和8年11月25日", "R8.11.25"}) {
    auto request = BuildRetireAssetRequest("A-000010", "e1", date, "物理破壊", "鈴木", "r");
    ASSERT_TRUE(request.ok()) << date << ": " << request.status();
    EXPECT_EQ(request->asset_id(), "A-000010");
    EXPECT_EQ(request->etag(), "e1");
    EXPECT_EQ(request->disposal().date().year(), 2026);
    EXPECT_EQ(request->disposal().date().month(), 11);
    EXPECT_EQ(request->disposal().date().day(), 25);
    EXPECT_EQ(request->disposal().erasure_method(), "物理破壊");
    EXPECT_EQ(request->disposal().witness(), "鈴木");
  }
  auto bad = BuildRetireAssetRequest("A-000010", "", "2026-02-30", "", "", "r");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(ExitCodeFor(bad.status()), kExitUsage);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("--date: "));
  auto today = BuildRetireAssetRequest("A-000010", "", "", "", "", "r");
  ASSERT_TRUE(today.ok());
  EXPECT_GT(today->disposal().date().year(), 2000);
}

TEST(BuildImportAssetsRequestTest, EncodingAndDryRun) {
  auto request = BuildImportAssetsRequest("a,b\n", "cp932", true, "r");
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->encoding(), v1::CSV_ENCODING_CP932);
  EXPECT_TRUE(request->dry_run());
  EXPECT_EQ(request->csv(), "a,b\n");
  auto automatic = BuildImportAssetsRequest("x", "auto", false, "r");
  ASSERT_TRUE(automatic.ok());
  EXPECT_EQ(automatic->encoding(), v1::CSV_ENCODING_AUTO);
  auto bad = BuildImportAssetsRequest("x", "latin1", false, "r");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("--encoding: unknown value \"latin1\""));
}

// ---- Rendering.

TEST(RenderAssetListTest, JapaneseNamesAlignByDisplayWidth) {
  v1::ListAssetsResponse response;
  v1::Asset a = StoredAsset();
  *response.add_assets() = a;
  a.set_id("A-000012");
  a.set_name("火葬場予約管理システム");
  a.set_category(v1::ASSET_CATEGORY_INFORMATION_SYSTEM);
  a.set_segment(v1::SEGMENT_SENSITIVE);
  a.set_confidentiality(v1::CONFIDENTIALITY_3B);
  a.set_integrity(v1::INTEGRITY_2);
  a.set_availability(v1::AVAILABILITY_2);
  a.set_location("");
  a.set_lifecycle(v1::LIFECYCLE_RETIRED);
  *response.add_assets() = a;
  const std::string out = RenderAssetList(response, OutputOptions());
  std::vector<std::string> lines = absl::StrSplit(out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u) << out;
  EXPECT_THAT(lines[0], HasSubstr("ID"));
  EXPECT_THAT(lines[0], HasSubstr("C/I/A"));
  EXPECT_THAT(lines[1], HasSubstr("職員用PC"));
  EXPECT_THAT(lines[1], HasSubstr("2/1/1"));
  EXPECT_THAT(lines[2], HasSubstr("3B/2/2"));
  EXPECT_THAT(lines[2], HasSubstr("RETIRED"));
  // The column after the Japanese names starts at the same display column.
  const int category = ColumnOf(lines[0], "CATEGORY");
  EXPECT_EQ(ColumnOf(lines[1], "EQUIPMENT"), category) << out;
  EXPECT_EQ(ColumnOf(lines[2], "INFORMATION_SYSTEM"), category) << out;
  EXPECT_EQ(ColumnOf(lines[1], "2/1/1"), ColumnOf(lines[2], "3B/2/2")) << out;

  EXPECT_EQ(RenderAssetList(v1::ListAssetsResponse(), OutputOptions()), "(no assets)\n");
}

TEST(RenderAssetTest, EveryFieldWithLabels) {
  v1::Asset a = StoredAsset();
  a.set_lifecycle(v1::LIFECYCLE_RETIRED);
  a.mutable_disposal()->mutable_date()->set_year(2026);
  a.mutable_disposal()->mutable_date()->set_month(11);
  a.mutable_disposal()->mutable_date()->set_day(25);
  a.mutable_disposal()->set_erasure_method("物理破壊");
  a.mutable_disposal()->set_witness("鈴木");
  a.mutable_connections(0)->set_approved(true);
  a.mutable_connections(0)->set_note("承認済み");
  a.set_sample(true);
  OutputOptions wareki;
  wareki.wareki = true;
  const std::string out = RenderAsset(a, wareki);
  for (const char* expected :
       {"A-000007", "職員用PC", "kasama-union", "EQUIPMENT (機器)", "segment:           INTERNET", "機密性 (C):", "mfa yes, export_blocked no",
        "NONE (なし)", "A-000001 (approved) 承認済み", "RETIRED (廃棄)", "令和8年11月25日 (2026-11-25)",
        "物理破壊", "鈴木", "etag-3", "sample inventory"}) {
    EXPECT_THAT(out, HasSubstr(expected)) << out;
  }
  // Values start at one display column.
  std::vector<std::string> lines = absl::StrSplit(out, '\n', absl::SkipEmpty());
  EXPECT_EQ(ColumnOf(lines[0], "A-000007"), ColumnOf(lines[1], "職員用PC")) << out;
}

TEST(RenderFindingsTest, SeverityRuleArticleAssetMessage) {
  v1::ListFindingsResponse response;
  v1::Finding* f = response.add_findings();
  f->set_rule_id("SENSITIVE_MFA_EXPORT");
  f->set_severity(v1::SEVERITY_CRITICAL);
  f->set_asset_id("A-000001");
  f->set_asset_name("火葬場予約管理システム");
  f->set_message("機微情報取扱系では多要素認証と持ち出し不可設定が必要です");
  f->set_article("第6(3)ア");
  f = response.add_findings();
  f->set_rule_id("INTERNET_MONITORING");
  f->set_severity(v1::SEVERITY_WARNING);
  f->set_asset_id("A-000004");
  f->set_asset_name("HP");
  f->set_message("不正通信の監視が必要です");
  f->set_article("第6(3)イ");
  const std::string out = RenderFindings(response, OutputOptions());
  std::vector<std::string> lines = absl::StrSplit(out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 4u) << out;
  EXPECT_THAT(lines[0], HasSubstr("SEVERITY"));
  EXPECT_THAT(lines[1], HasSubstr("CRITICAL"));
  EXPECT_THAT(lines[1], HasSubstr("第6(3)ア"));
  EXPECT_THAT(lines[2], HasSubstr("第6(3)イ"));
  EXPECT_EQ(ColumnOf(lines[0], "MESSAGE"), ColumnOf(lines[1], "機微情報")) << out;
  EXPECT_EQ(ColumnOf(lines[1], "機微情報"), ColumnOf(lines[2], "不正通信")) << out;
  EXPECT_EQ(lines[3], "2 findings");
}

TEST(RenderFindingsSummaryTest, TotalsAndRules) {
  v1::FindingsSummary s;
  s.set_organization("kasama-union");
  s.set_total(3);
  s.set_critical(2);
  s.set_warning(1);
  s.set_assets_evaluated(12);
  auto* r = s.add_by_rule();
  r->set_rule_id("SENSITIVE_MFA_EXPORT");
  r->set_article("第6(3)ア");
  r->set_severity(v1::SEVERITY_CRITICAL);
  r->set_count(2);
  const std::string out = RenderFindingsSummary(s, OutputOptions());
  EXPECT_THAT(out, HasSubstr("3 (critical 2, warning 1, info 0)"));
  EXPECT_THAT(out, HasSubstr("assets evaluated:  12"));
  EXPECT_THAT(out, HasSubstr("SENSITIVE_MFA_EXPORT  第6(3)ア  CRITICAL  2"));
}

TEST(RenderImportResultTest, CountOrEveryRejectedRow) {
  v1::ImportAssetsResponse ok;
  ok.set_imported(12);
  ok.set_detected_encoding(v1::CSV_ENCODING_CP932);
  EXPECT_EQ(RenderImportResult(ok, OutputOptions()), "imported 12 assets (encoding CP932)\n");
  ok.set_detected_encoding(v1::CSV_ENCODING_UTF16);
  EXPECT_EQ(RenderImportResult(ok, OutputOptions()), "imported 12 assets (encoding UTF16)\n");
  // UTF-16 is detected, never asked for.
  EXPECT_FALSE(ParseCsvEncoding("--encoding", "UTF16").ok());
  ok.set_dry_run(true);
  EXPECT_THAT(RenderImportResult(ok, OutputOptions()), HasSubstr("dry run: 12 rows would be"));

  v1::ImportAssetsResponse bad;
  auto* e = bad.add_errors();
  e->set_line(4);
  e->set_column("機密性");
  e->set_reason("unknown value '4'");
  e = bad.add_errors();
  e->set_line(9);
  e->set_reason("broken quote");
  EXPECT_EQ(RenderImportResult(bad, OutputOptions()),
            "line 4, column 機密性: unknown value '4'\nline 9: broken quote\n");
}

TEST(RenderImportResultTest, AnUpdateSaysPerRowWhatChanges) {
  v1::ImportAssetsResponse r;
  r.set_imported(2);
  r.set_detected_encoding(v1::CSV_ENCODING_UTF8);
  auto* c = r.add_changes();
  c->set_line(2);
  c->set_asset_id("A-000001");
  c->set_action("UNCHANGED");
  c = r.add_changes();
  c->set_line(3);
  c->set_asset_id("A-000002");
  c->set_action("UPDATE");
  c->add_changed_fields("location");
  c->add_changed_fields("controls.mfa");
  c = r.add_changes();
  c->set_line(4);
  c->set_action("CREATE");
  r.set_dry_run(true);
  EXPECT_EQ(RenderImportResult(r, OutputOptions()),
            "line 2: UNCHANGED A-000001\n"
            "line 3: UPDATE A-000002 (location, controls.mfa)\n"
            "line 4: CREATE (new id)\n"
            "dry run: 2 rows would be imported: 1 created, 1 updated, 1 unchanged; nothing "
            "written (encoding UTF8)\n");
  r.set_dry_run(false);
  r.mutable_changes(2)->set_asset_id("A-000003");
  EXPECT_EQ(RenderImportResult(r, OutputOptions()),
            "line 2: UNCHANGED A-000001\n"
            "line 3: UPDATE A-000002 (location, controls.mfa)\n"
            "line 4: CREATE A-000003\n"
            "imported 2 assets: 1 created, 1 updated, 1 unchanged (encoding UTF8)\n");
}

// ---- The binary path against a fake AssetService over TLS.

class FakeAssetService final : public v1::AssetService::Service {
 public:
  grpc::Status CreateAsset(grpc::ServerContext*, const v1::CreateAssetRequest* request,
                           v1::Asset* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    request_ids_.push_back(request->request_id());
    last_create_ = *request;
    *response = request->asset();
    response->set_id("A-000013");
    response->set_etag("e1");
    return grpc::Status::OK;
  }
  grpc::Status GetAsset(grpc::ServerContext*, const v1::GetAssetRequest* request,
                        v1::Asset* response) override {
    if (request->asset_id() != "A-000007") {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "asset " + request->asset_id());
    }
    *response = StoredAsset();
    return grpc::Status::OK;
  }
  grpc::Status UpdateAsset(grpc::ServerContext*, const v1::UpdateAssetRequest* request,
                           v1::Asset* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    request_ids_.push_back(request->request_id());
    last_update_ = *request;
    if (request->asset().etag() != "etag-3") {
      return grpc::Status(grpc::StatusCode::ABORTED, "stale etag");
    }
    *response = request->asset();
    response->set_etag("etag-4");
    return grpc::Status::OK;
  }
  grpc::Status RetireAsset(grpc::ServerContext*, const v1::RetireAssetRequest* request,
                           v1::Asset* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    request_ids_.push_back(request->request_id());
    last_retire_ = *request;
    *response = StoredAsset();
    response->set_lifecycle(v1::LIFECYCLE_RETIRED);
    *response->mutable_disposal() = request->disposal();
    return grpc::Status::OK;
  }
  grpc::Status ListAssets(grpc::ServerContext*, const v1::ListAssetsRequest* request,
                          v1::ListAssetsResponse* response) override {
    // Three assets, two per page unless asked otherwise.
    const int size = request->page_size() > 0 ? request->page_size() : 2;
    const int start = request->page_token().empty() ? 0 : std::stoi(request->page_token());
    for (int i = start; i < std::min(3, start + size); ++i) {
      v1::Asset a = StoredAsset();
      a.set_id("A-00000" + std::to_string(i + 1));
      a.set_name(i == 1 ? "ファイルサーバ" : "職員用PC");
      *response->add_assets() = a;
    }
    if (start + size < 3) response->set_next_page_token(std::to_string(start + size));
    return grpc::Status::OK;
  }
  grpc::Status ListFindings(grpc::ServerContext*, const v1::ListFindingsRequest* request,
                            v1::ListFindingsResponse* response) override {
    v1::Finding* f = response->add_findings();
    f->set_rule_id("INTERNET_MONITORING");
    f->set_severity(v1::SEVERITY_WARNING);
    f->set_asset_id(request->asset_id().empty() ? "A-000007" : request->asset_id());
    f->set_asset_name("職員用PC");
    f->set_article("第6(3)イ");
    f->set_message("不正通信の監視が必要です");
    return grpc::Status::OK;
  }
  grpc::Status ImportAssets(grpc::ServerContext*, const v1::ImportAssetsRequest* request,
                            v1::ImportAssetsResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    request_ids_.push_back(request->request_id());
    last_import_ = *request;
    response->set_dry_run(request->dry_run());
    response->set_detected_encoding(v1::CSV_ENCODING_UTF8);
    if (request->csv().find("BAD") != std::string::npos) {
      auto* e = response->add_errors();
      e->set_line(3);
      e->set_column("機密性");
      e->set_reason("unknown value 'BAD'");
      return grpc::Status::OK;
    }
    response->set_imported(2);
    return grpc::Status::OK;
  }
  grpc::Status ExportAssets(grpc::ServerContext*, const v1::ExportAssetsRequest* request,
                            v1::ExportAssetsResponse* response) override {
    std::string csv = request->bom() ? "\xEF\xBB\xBF" : "";
    csv += "ID,名称\r\nA-000001,\"職員用PC, 1台目\"\r\n";
    response->set_csv(csv);
    response->set_rows(1);
    return grpc::Status::OK;
  }

  std::mutex mu_;
  std::vector<std::string> request_ids_;
  v1::CreateAssetRequest last_create_;
  v1::UpdateAssetRequest last_update_;
  v1::RetireAssetRequest last_retire_;
  v1::ImportAssetsRequest last_import_;
};

class AssetCliTest : public CliServerTest {
 protected:
  static void SetUpTestSuite() {
    service_ = new FakeAssetService();
    StartServer("cli_asset_test", "assetd", {service_}, [](int port) {
      const std::string address = "127.0.0.1:" + std::to_string(port);
      return "default_profile: union-staff\nprofiles:\n"
             "  union-staff: {asset: " + address +
             ", ca: certs/ca.crt, cert: certs/staff1.crt, key: certs/staff1.key}\n"
             "  no-asset: {policy: " + address + ", ca: certs/ca.crt}\n";
    });
  }
  static void TearDownTestSuite() {
    StopServer();
    delete service_;
  }

  static FakeAssetService* service_;
};

FakeAssetService* AssetCliTest::service_ = nullptr;

TEST_F(AssetCliTest, AddFromFlagsPrintsTheNewId) {
  Result r = Cli({"asset", "add", "--name", "職員用PC", "--category", "EQUIPMENT", "--segment",
                  "INTERNET", "--confidentiality", "2", "--integrity", "1", "--availability",
                  "1", "--mfa", "--connect", "A-000001:approved", "--connect", "A-000002"});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.out, "A-000013\n");
  EXPECT_THAT(r.err, HasSubstr("created A-000013 職員用PC"));
  std::lock_guard<std::mutex> lock(service_->mu_);
  EXPECT_EQ(service_->last_create_.asset().segment(), v1::SEGMENT_INTERNET);
  EXPECT_TRUE(service_->last_create_.asset().controls().mfa());
  EXPECT_EQ(service_->last_create_.asset().connections_size(), 2);
  EXPECT_EQ(service_->last_create_.request_id().size(), 36u);
}

TEST_F(AssetCliTest, AddFromYaml) {
  const std::string file = WriteTemp("asset.yaml", kAssetYaml);
  Result r = Cli({"-o", "json", "asset", "add", "-f", file, "--no-backup"});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  v1::Asset parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &parsed).ok()) << r.out;
  EXPECT_EQ(parsed.id(), "A-000013");
  EXPECT_EQ(parsed.segment(), v1::SEGMENT_SENSITIVE);
  EXPECT_FALSE(parsed.controls().backup());
}

TEST_F(AssetCliTest, BadEnumValueIsAUsageErrorBeforeAnyCall) {
  const size_t before = [&] {
    std::lock_guard<std::mutex> lock(service_->mu_);
    return service_->request_ids_.size();
  }();
  Result r = Cli({"asset", "add", "--name", "x", "--category", "EQUIPMENT", "--segment", "DMZ",
                  "--confidentiality", "2", "--integrity", "1", "--availability", "1"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("error: INVALID_ARGUMENT: --segment: unknown value \"DMZ\""));
  r = Cli({"asset", "list", "--category", "SERVER"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("--category: unknown value \"SERVER\""));
  r = Cli({"asset", "update", "A-000007", "--etag", "etag-3", "--confidentiality", "9"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("--confidentiality: unknown value \"9\""));
  std::lock_guard<std::mutex> lock(service_->mu_);
  EXPECT_EQ(service_->request_ids_.size(), before);
}

TEST_F(AssetCliTest, ListFetchesEveryPageUnlessLimited) {
  Result all = Cli({"asset", "list"});
  ASSERT_EQ(all.code, kExitOk) << all.err;
  EXPECT_THAT(all.out, HasSubstr("A-000001"));
  EXPECT_THAT(all.out, HasSubstr("A-000003"));
  EXPECT_THAT(all.out, HasSubstr("ファイルサーバ"));
  EXPECT_EQ(all.err, "");

  Result one = Cli({"asset", "list", "--page-size", "1"});
  ASSERT_EQ(one.code, kExitOk) << one.err;
  EXPECT_THAT(one.out, HasSubstr("A-000001"));
  EXPECT_THAT(one.out, Not(HasSubstr("A-000002")));
  EXPECT_THAT(one.err, HasSubstr("(more assets: --page-token 1)"));

  Result json = Cli({"-o", "json", "asset", "list"});
  ASSERT_EQ(json.code, kExitOk) << json.err;
  v1::ListAssetsResponse parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.out, &parsed).ok());
  EXPECT_EQ(parsed.assets_size(), 3);
}

TEST_F(AssetCliTest, UpdateReadsAppliesAndSendsTheGivenEtag) {
  Result r = Cli({"asset", "update", "A-000007", "--etag", "etag-3", "--monitoring"});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("updated A-000007 職員用PC (etag etag-4)"));
  {
    std::lock_guard<std::mutex> lock(service_->mu_);
    EXPECT_TRUE(service_->last_update_.asset().controls().traffic_monitoring());
    EXPECT_TRUE(service_->last_update_.asset().controls().mfa());  // kept
  }
  Result stale = Cli({"asset", "update", "A-000007", "--etag", "etag-1", "--no-mfa"});
  EXPECT_EQ(stale.code, kExitRpc);
  EXPECT_THAT(stale.err, HasSubstr("error: ABORTED: stale etag"));
  Result missing = Cli({"asset", "update", "A-000007", "--mfa"});
  EXPECT_EQ(missing.code, kExitUsage);
}

TEST_F(AssetCliTest, RetireReadsTheEtagWhenNotGiven) {
  Result r = Cli({"asset", "retire", "A-000007", "--date", "R8.11.25", "--erasure", "物理破壊",
                  "--witness", "鈴木"});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("retired A-000007 職員用PC on 2026-11-25, erasure 物理破壊, "
                               "witness 鈴木"));
  std::lock_guard<std::mutex> lock(service_->mu_);
  EXPECT_EQ(service_->last_retire_.etag(), "etag-3");
  EXPECT_EQ(service_->last_retire_.disposal().date().day(), 25);
}

TEST_F(AssetCliTest, EveryMutationSendsAFreshRequestId) {
  ASSERT_EQ(Cli({"asset", "update", "A-000007", "--etag", "etag-3", "--backup"}).code, kExitOk);
  ASSERT_EQ(Cli({"asset", "update", "A-000007", "--etag", "etag-3", "--backup"}).code, kExitOk);
  std::lock_guard<std::mutex> lock(service_->mu_);
  const size_t n = service_->request_ids_.size();
  ASSERT_GE(n, 2u);
  EXPECT_NE(service_->request_ids_[n - 1], service_->request_ids_[n - 2]);
  EXPECT_EQ(service_->request_ids_[n - 1].size(), 36u);
}

TEST_F(AssetCliTest, ImportReportsEveryRejectedRowAndExitsOne) {
  const std::string good = WriteTemp("good.csv", "ID,名称\r\n,x\r\n");
  Result ok = Cli({"asset", "import", good, "--encoding", "utf-8", "--dry-run"});
  ASSERT_EQ(ok.code, kExitOk) << ok.err;
  EXPECT_THAT(ok.out, HasSubstr("dry run: 2 rows would be imported"));
  {
    std::lock_guard<std::mutex> lock(service_->mu_);
    EXPECT_EQ(service_->last_import_.csv(), "ID,名称\r\n,x\r\n");
    EXPECT_EQ(service_->last_import_.encoding(), v1::CSV_ENCODING_UTF8);
    EXPECT_TRUE(service_->last_import_.dry_run());
  }
  const std::string bad = WriteTemp("bad.csv", "ID,機密性\r\n,2\r\n,BAD\r\n");
  Result rejected = Cli({"asset", "import", bad});
  EXPECT_EQ(rejected.code, kExitRpc);
  EXPECT_EQ(rejected.out, "line 3, column 機密性: unknown value 'BAD'\n");
  EXPECT_THAT(rejected.err, HasSubstr("1 row rejected (1 error); nothing imported"));

  Result enc = Cli({"asset", "import", good, "--encoding", "latin1"});
  EXPECT_EQ(enc.code, kExitUsage);
  Result none = Cli({"asset", "import", "/nonexistent.csv"});
  EXPECT_EQ(none.code, kExitUsage);
}

TEST_F(AssetCliTest, ExportWritesTheBytesExactly) {
  Result out = Cli({"asset", "export", "--bom"});
  ASSERT_EQ(out.code, kExitOk) << out.err;
  EXPECT_EQ(out.out, "\xEF\xBB\xBFID,名称\r\nA-000001,\"職員用PC, 1台目\"\r\n");

  const std::string file = (*dir_ / "export.csv").string();
  Result to_file = Cli({"asset", "export", "-f", file});
  ASSERT_EQ(to_file.code, kExitOk) << to_file.err;
  EXPECT_EQ(to_file.out, "");
  EXPECT_EQ(ReadFile(file), "ID,名称\r\nA-000001,\"職員用PC, 1台目\"\r\n");
  EXPECT_THAT(to_file.err, HasSubstr("exported 1 asset to "));
}

TEST_F(AssetCliTest, FindingsTableAndMissingAddress) {
  Result r = Cli({"asset", "findings", "--asset", "A-000004"});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("WARNING"));
  EXPECT_THAT(r.out, HasSubstr("第6(3)イ"));
  EXPECT_THAT(r.out, HasSubstr("A-000004"));

  Result show = Cli({"asset", "show", "A-000099"});
  EXPECT_EQ(show.code, kExitRpc);
  EXPECT_THAT(show.err, HasSubstr("error: NOT_FOUND: asset A-000099"));

  Result no_address = Cli({"--profile", "no-asset", "asset", "list"});
  EXPECT_EQ(no_address.code, kExitConfig);
  EXPECT_THAT(no_address.err, HasSubstr("has no address for the asset service"));
}

}  // namespace
}  // namespace seccoord::cli
