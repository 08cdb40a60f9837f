// The asset service in-process over real mTLS with the sample principals'
// certificates, on both drivers: what each role may read and write (members
// are refused at the door, and the refusals are in the audit chain), a stale
// etag over the wire, a retried request id, and an import that fails on its
// last row storing nothing.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "seccoord/v1/asset.grpc.pb.h"
#include "seccoord/v1/audit.grpc.pb.h"
#include "services/asset/asset_server.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace seccoord::asset {
namespace {

using grpc::StatusCode;

std::string NewId() {
  static std::atomic<int> n{0};
  return "it-" + std::to_string(::getpid()) + "-" + std::to_string(++n);
}

v1::Asset MakeAsset(const std::string& name) {
  v1::Asset a;
  a.set_name(name);
  a.set_category(v1::ASSET_CATEGORY_INFORMATION_SYSTEM);
  a.set_segment(v1::SEGMENT_SENSITIVE);
  a.set_confidentiality(v1::CONFIDENTIALITY_3B);
  a.set_integrity(v1::INTEGRITY_2);
  a.set_availability(v1::AVAILABILITY_2);
  a.set_external_service(v1::EXTERNAL_SERVICE_USE_NONE);
  a.set_location("サーバ室");
  return a;
}

class AssetServiceTest : public seccoord::testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    seccoord::testing::TestServerOptions options;
    options.rpc_log_sink = [](std::string_view) {};
    auto server = seccoord::testing::TestServer::Start(AssetServerSpec(), db(), options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    ASSERT_EQ(Create("staff1", MakeAsset("火葬場予約システム"), &first_).error_code(),
              StatusCode::OK);
  }

  std::unique_ptr<v1::AssetService::Stub> Stub(const std::string& cert) {
    return v1::AssetService::NewStub(server_->ChannelAs(cert));
  }

  grpc::Status Create(const std::string& cert, const v1::Asset& asset, v1::Asset* out,
                      const std::string& request_id = "") {
    v1::CreateAssetRequest r;
    r.set_request_id(request_id.empty() ? NewId() : request_id);
    *r.mutable_asset() = asset;
    grpc::ClientContext ctx;
    return Stub(cert)->CreateAsset(&ctx, r, out);
  }

  grpc::Status Update(const std::string& cert, const v1::Asset& asset, v1::Asset* out,
                      const std::string& request_id = "") {
    v1::UpdateAssetRequest r;
    r.set_request_id(request_id.empty() ? NewId() : request_id);
    *r.mutable_asset() = asset;
    grpc::ClientContext ctx;
    return Stub(cert)->UpdateAsset(&ctx, r, out);
  }

  grpc::Status Get(const std::string& cert, const std::string& id, v1::Asset* out) {
    v1::GetAssetRequest r;
    r.set_asset_id(id);
    grpc::ClientContext ctx;
    return Stub(cert)->GetAsset(&ctx, r, out);
  }

  grpc::Status List(const std::string& cert, v1::ListAssetsResponse* out) {
    v1::ListAssetsRequest r;
    r.set_page_size(500);
    grpc::ClientContext ctx;
    return Stub(cert)->ListAssets(&ctx, r, out);
  }

  grpc::Status Findings(const std::string& cert) {
    v1::ListFindingsResponse out;
    grpc::ClientContext ctx;
    return Stub(cert)->ListFindings(&ctx, {}, &out);
  }

  grpc::Status Summary(const std::string& cert) {
    v1::FindingsSummary out;
    grpc::ClientContext ctx;
    return Stub(cert)->GetFindingsSummary(&ctx, {}, &out);
  }

  grpc::Status History(const std::string& cert, const std::string& id) {
    v1::ListAssetHistoryRequest r;
    r.set_asset_id(id);
    v1::ListAssetHistoryResponse out;
    grpc::ClientContext ctx;
    return Stub(cert)->ListAssetHistory(&ctx, r, &out);
  }

  grpc::Status Export(const std::string& cert) {
    v1::ExportAssetsResponse out;
    grpc::ClientContext ctx;
    return Stub(cert)->ExportAssets(&ctx, {}, &out);
  }

  grpc::Status Import(const std::string& cert, const std::string& csv,
                      v1::ImportAssetsResponse* out, bool dry_run = false) {
    v1::ImportAssetsRequest r;
    r.set_request_id(NewId());
    r.set_csv(csv);
    r.set_dry_run(dry_run);
    grpc::ClientContext ctx;
    return Stub(cert)->ImportAssets(&ctx, r, out);
  }

  grpc::Status Retire(const std::string& cert, const std::string& id) {
    v1::RetireAssetRequest r;
    r.set_request_id(NewId());
    r.set_asset_id(id);
    r.mutable_disposal()->mutable_date()->set_year(2026);
    r.mutable_disposal()->mutable_date()->set_month(4);
    r.mutable_disposal()->mutable_date()->set_day(1);
    v1::Asset out;
    grpc::ClientContext ctx;
    return Stub(cert)->RetireAsset(&ctx, r, &out);
  }

  int AssetCount() {
    v1::ListAssetsResponse all;
    EXPECT_TRUE(List("staff1", &all).ok());
    return all.assets_size();
  }

  std::vector<v1::AuditEntry> AuditEntries() {
    auto stub = v1::AuditService::NewStub(server_->ChannelAs("admin1"));
    v1::ListAuditEntriesRequest r;
    r.set_page_size(1000);
    v1::ListAuditEntriesResponse out;
    grpc::ClientContext ctx;
    EXPECT_TRUE(stub->ListAuditEntries(&ctx, r, &out).ok());
    return {out.entries().begin(), out.entries().end()};
  }

  std::unique_ptr<seccoord::testing::TestServer> server_;
  v1::Asset first_;
};

TEST_P(AssetServiceTest, UnionRolesReadAndWriteTheAdvisorOnlyReads) {
  EXPECT_EQ(first_.id(), "A-000001");
  EXPECT_EQ(first_.organization(), "kasama-union");
  for (const std::string who : {"staff1", "admin1", "advisor1"}) {
    v1::Asset got;
    EXPECT_EQ(Get(who, first_.id(), &got).error_code(), StatusCode::OK) << who;
    EXPECT_EQ(got.name(), "火葬場予約システム") << who;
    v1::ListAssetsResponse list;
    EXPECT_EQ(List(who, &list).error_code(), StatusCode::OK) << who;
    EXPECT_GE(list.assets_size(), 1) << who;
    EXPECT_EQ(Findings(who).error_code(), StatusCode::OK) << who;
    EXPECT_EQ(Summary(who).error_code(), StatusCode::OK) << who;
    EXPECT_EQ(History(who, first_.id()).error_code(), StatusCode::OK) << who;
    EXPECT_EQ(Export(who).error_code(), StatusCode::OK) << who;
  }
  // Writes: union staff and admins.
  v1::Asset created;
  EXPECT_EQ(Create("admin1", MakeAsset("職員用PC"), &created).error_code(), StatusCode::OK);
  v1::Asset edit = created;
  edit.set_notes("更新");
  v1::Asset updated;
  EXPECT_EQ(Update("staff1", edit, &updated).error_code(), StatusCode::OK);
  EXPECT_EQ(updated.etag(), "2");
  // The advisor may not write anything.
  v1::Asset out;
  EXPECT_EQ(Create("advisor1", MakeAsset("助言者の資産"), &out).error_code(),
            StatusCode::PERMISSION_DENIED);
  edit = updated;
  edit.set_notes("助言者による更新");
  EXPECT_EQ(Update("advisor1", edit, &out).error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Retire("advisor1", created.id()).error_code(), StatusCode::PERMISSION_DENIED);
  v1::ImportAssetsResponse imported;
  EXPECT_EQ(Import("advisor1",
                   "name,category,segment,confidentiality,integrity,availability\n"
                   "助言者の資産,INFORMATION,NONE,1,1,1\n",
                   &imported)
                .error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(AssetCount(), 2);
  // A union principal may not write another organisation's assets.
  v1::Asset foreign = MakeAsset("水戸市の資産");
  foreign.set_organization("mito-city");
  grpc::Status refused = Create("staff1", foreign, &out);
  EXPECT_EQ(refused.error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_NE(refused.error_message().find("may only write assets of kasama-union"),
            std::string::npos)
      << refused.error_message();
  // Out of scope by 第6: FAILED_PRECONDITION, nothing stored.
  v1::Asset lgwan = MakeAsset("LGWAN端末");
  lgwan.set_segment(v1::SEGMENT_LGWAN);
  grpc::Status out_of_scope = Create("staff1", lgwan, &out);
  EXPECT_EQ(out_of_scope.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(out_of_scope.error_message().find("第6"), std::string::npos);
  EXPECT_EQ(AssetCount(), 2);
}

TEST_P(AssetServiceTest, TheAdvisorExportsEveryAssetItLists) {
  // A second asset beside the fixture's first.
  v1::Asset second;
  ASSERT_EQ(Create("staff1", MakeAsset("職員用PC"), &second).error_code(), StatusCode::OK);
  v1::ListAssetsResponse listed;
  ASSERT_EQ(List("advisor1", &listed).error_code(), StatusCode::OK);
  ASSERT_EQ(listed.assets_size(), 2);
  v1::ExportAssetsRequest r;
  r.set_page_size(1);  // one asset per page: the pages make the file
  std::string csv;
  int rows = 0;
  for (int pages = 0; pages < 10; ++pages) {
    v1::ExportAssetsResponse page;
    grpc::ClientContext ctx;
    ASSERT_EQ(Stub("advisor1")->ExportAssets(&ctx, r, &page).error_code(), StatusCode::OK);
    csv += page.csv();
    rows += page.rows();
    if (page.next_page_token().empty()) break;
    r.set_page_token(page.next_page_token());
  }
  EXPECT_EQ(rows, listed.assets_size());
  for (const auto& a : listed.assets()) {
    EXPECT_NE(csv.find("\r\n" + a.id() + ","), std::string::npos) << a.id() << " not in\n" << csv;
  }
  // The same file the union staff gets.
  v1::ExportAssetsRequest whole;
  v1::ExportAssetsResponse staff_export;
  grpc::ClientContext ctx;
  ASSERT_EQ(Stub("staff1")->ExportAssets(&ctx, whole, &staff_export).error_code(),
            StatusCode::OK);
  EXPECT_EQ(csv, staff_export.csv());
}

TEST_P(AssetServiceTest, MembersReadNothingAndTheirRefusalsAreAudited) {
  for (const std::string who : {"mito-member1", "shirosato-member1"}) {
    v1::Asset got;
    EXPECT_EQ(Get(who, first_.id(), &got).error_code(), StatusCode::PERMISSION_DENIED) << who;
    v1::ListAssetsResponse list;
    EXPECT_EQ(List(who, &list).error_code(), StatusCode::PERMISSION_DENIED) << who;
    EXPECT_EQ(list.assets_size(), 0);
    EXPECT_EQ(Findings(who).error_code(), StatusCode::PERMISSION_DENIED) << who;
    EXPECT_EQ(Summary(who).error_code(), StatusCode::PERMISSION_DENIED) << who;
    EXPECT_EQ(History(who, first_.id()).error_code(), StatusCode::PERMISSION_DENIED) << who;
    EXPECT_EQ(Export(who).error_code(), StatusCode::PERMISSION_DENIED) << who;
    v1::Asset out;
    EXPECT_EQ(Create(who, MakeAsset("構成市町の資産"), &out).error_code(),
              StatusCode::PERMISSION_DENIED)
        << who;
  }
  v1::Asset out;
  ASSERT_EQ(Create("advisor1", MakeAsset("助言者の資産"), &out).error_code(),
            StatusCode::PERMISSION_DENIED);
  bool mito_list = false, shirosato_get = false, mito_findings = false, advisor_create = false,
       staff_create_ok = false;
  for (const auto& e : AuditEntries()) {
    const bool denied = e.outcome() == v1::AUDIT_OUTCOME_DENIED;
    if (denied && e.principal() == "seccoord://mito-city/member1" &&
        e.method() == "/seccoord.v1.AssetService/ListAssets") {
      mito_list = true;
    }
    if (denied && e.principal() == "seccoord://shirosato-town/member1" &&
        e.method() == "/seccoord.v1.AssetService/GetAsset") {
      shirosato_get = true;
    }
    if (denied && e.principal() == "seccoord://mito-city/member1" &&
        e.method() == "/seccoord.v1.AssetService/ListFindings") {
      mito_findings = true;
    }
    if (denied && e.principal() == "seccoord://kasama-city/advisor1" &&
        e.method() == "/seccoord.v1.AssetService/CreateAsset") {
      advisor_create = true;
    }
    if (e.outcome() == v1::AUDIT_OUTCOME_OK && e.principal() == "seccoord://kasama-union/staff1" &&
        e.method() == "/seccoord.v1.AssetService/CreateAsset" && e.target() == "assets/A-000001") {
      staff_create_ok = true;
    }
  }
  EXPECT_TRUE(mito_list);
  EXPECT_TRUE(shirosato_get);
  EXPECT_TRUE(mito_findings);
  EXPECT_TRUE(advisor_create);
  EXPECT_TRUE(staff_create_ok);
  auto stub = v1::AuditService::NewStub(server_->ChannelAs("advisor1"));
  v1::VerifyAuditChainResponse verify;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub->VerifyAuditChain(&ctx, {}, &verify).ok());
  EXPECT_TRUE(verify.intact()) << verify.problem();
}

TEST_P(AssetServiceTest, StaleEtagIsAbortedOverTheWire) {
  v1::Asset edit = first_;
  edit.set_location("2階サーバ室");
  v1::Asset updated;
  ASSERT_EQ(Update("staff1", edit, &updated).error_code(), StatusCode::OK);
  edit.set_location("3階");  // still etag 1
  v1::Asset out;
  grpc::Status stale = Update("admin1", edit, &out);
  EXPECT_EQ(stale.error_code(), StatusCode::ABORTED);
  EXPECT_NE(stale.error_message().find("etag"), std::string::npos);
  v1::Asset now;
  ASSERT_TRUE(Get("advisor1", first_.id(), &now).ok());
  EXPECT_EQ(now.location(), "2階サーバ室");
  EXPECT_EQ(now.etag(), "2");
}

TEST_P(AssetServiceTest, RetriedRequestIdReturnsTheFirstResult) {
  const std::string id = NewId();
  v1::Asset a, b;
  ASSERT_EQ(Create("staff1", MakeAsset("メールサーバ"), &a, id).error_code(), StatusCode::OK);
  ASSERT_EQ(Create("staff1", MakeAsset("メールサーバ"), &b, id).error_code(), StatusCode::OK);
  EXPECT_EQ(a.id(), b.id());
  EXPECT_EQ(a.SerializeAsString(), b.SerializeAsString());
  EXPECT_EQ(AssetCount(), 2);
  v1::ListAssetHistoryRequest r;
  r.set_asset_id(a.id());
  v1::ListAssetHistoryResponse history;
  grpc::ClientContext ctx;
  ASSERT_TRUE(Stub("staff1")->ListAssetHistory(&ctx, r, &history).ok());
  EXPECT_EQ(history.changes_size(), 1);
}

TEST_P(AssetServiceTest, ImportFailingOnItsLastRowStoresNothing) {
  const std::string header = "資産ID,名称,分類,領域,機密性,完全性,可用性,設置場所,接続先\n";
  const std::string good = header +
                           ",庁内LAN,ネットワーク,機微情報取扱系,2,2,2,サーバ室,A-000001\n"
                           ",職員用PC,機器,機微情報取扱系,2,1,1,事務室,\n";
  const std::string bad = good + ",ネットワーク構成図,システム関連文書,なし,3C,1,1,,A-000077\n";
  v1::ImportAssetsResponse response;
  ASSERT_EQ(Import("staff1", bad, &response).error_code(), StatusCode::OK);
  EXPECT_EQ(response.imported(), 0);
  ASSERT_EQ(response.errors_size(), 1);
  EXPECT_EQ(response.errors(0).line(), 4);
  EXPECT_NE(response.errors(0).reason().find("A-000077"), std::string::npos);
  EXPECT_EQ(AssetCount(), 1);
  // A dry run of the good file reports two rows and writes none.
  v1::ImportAssetsResponse dry;
  ASSERT_EQ(Import("staff1", good, &dry, /*dry_run=*/true).error_code(), StatusCode::OK);
  EXPECT_EQ(dry.imported(), 2);
  EXPECT_TRUE(dry.dry_run());
  EXPECT_EQ(AssetCount(), 1);
  v1::ImportAssetsResponse ok;
  ASSERT_EQ(Import("admin1", good, &ok).error_code(), StatusCode::OK);
  EXPECT_EQ(ok.imported(), 2);
  EXPECT_EQ(ok.errors_size(), 0);
  EXPECT_EQ(AssetCount(), 3);
}

SECCOORD_INSTANTIATE_DATABASE_TEST(AssetServiceTest);

TEST_P(AssetServiceTest, APageTokenIsBoundToTheQueryThatIssuedIt) {
  v1::Asset second, third;
  ASSERT_TRUE(Create("staff1", MakeAsset("庁内LAN端末"), &second).ok());
  ASSERT_TRUE(Create("staff1", MakeAsset("財務会計システム"), &third).ok());
  v1::ListAssetsRequest r;
  r.set_page_size(1);
  v1::ListAssetsResponse page;
  grpc::ClientContext ctx;
  ASSERT_TRUE(Stub("staff1")->ListAssets(&ctx, r, &page).ok());
  ASSERT_FALSE(page.next_page_token().empty());
  r.set_page_token(page.next_page_token());
  r.set_page_size(2);  // the page size may change
  v1::ListAssetsResponse rest;
  grpc::ClientContext rest_ctx;
  ASSERT_TRUE(Stub("staff1")->ListAssets(&rest_ctx, r, &rest).ok());
  EXPECT_EQ(rest.assets_size(), 2);
  // The filters may not.
  r.set_segment(v1::SEGMENT_SENSITIVE);
  grpc::ClientContext other_ctx;
  auto other = Stub("staff1")->ListAssets(&other_ctx, r, &rest);
  EXPECT_EQ(other.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(other.error_message().rfind("page_token: was issued for a different query", 0), 0u)
      << other.error_message();

  // A history token of one asset is refused for another.
  for (int i = 0; i < 2; ++i) {
    first_.set_name(absl::StrCat("火葬場予約システム", i));
    ASSERT_TRUE(Update("staff1", first_, &first_).ok());
  }
  v1::ListAssetHistoryRequest h;
  h.set_asset_id(first_.id());
  h.set_page_size(1);
  v1::ListAssetHistoryResponse history;
  grpc::ClientContext h_ctx;
  ASSERT_TRUE(Stub("staff1")->ListAssetHistory(&h_ctx, h, &history).ok());
  ASSERT_FALSE(history.next_page_token().empty());
  h.set_page_token(history.next_page_token());
  h.set_asset_id(second.id());
  grpc::ClientContext h2_ctx;
  EXPECT_EQ(Stub("staff1")->ListAssetHistory(&h2_ctx, h, &history).error_code(),
            StatusCode::INVALID_ARGUMENT);
}

TEST_P(AssetServiceTest, AnUndefinedEnumValueIsRefusedNamingTheFieldAndNothingIsStored) {
  const int before = AssetCount();
  v1::Asset bad = MakeAsset("監視カメラ");
  bad.set_segment(static_cast<v1::Segment>(77));
  v1::Asset out;
  auto created = Create("staff1", bad, &out);
  EXPECT_EQ(created.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(created.error_message(), "asset.segment: 77 is not a valid Segment");
  EXPECT_EQ(AssetCount(), before);
  v1::ListAssetsRequest r;
  r.set_lifecycle(static_cast<v1::Lifecycle>(999));
  v1::ListAssetsResponse list;
  grpc::ClientContext ctx;
  auto listed = Stub("advisor1")->ListAssets(&ctx, r, &list);
  EXPECT_EQ(listed.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(listed.error_message(), "lifecycle: 999 is not a valid Lifecycle");
  // The refused mutation is audited as FAILED.
  bool audited = false;
  for (const auto& e : AuditEntries()) {
    audited |= e.outcome() == v1::AUDIT_OUTCOME_FAILED &&
               e.method() == "/seccoord.v1.AssetService/CreateAsset" &&
               e.status_code() == "INVALID_ARGUMENT";
  }
  EXPECT_TRUE(audited);
}

}  // namespace
}  // namespace seccoord::asset
