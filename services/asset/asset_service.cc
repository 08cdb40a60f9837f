#include "services/asset/asset_service.h"

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "services/runtime/server/serve.h"

namespace seccoord::asset {
namespace {

constexpr char kService[] = "/seccoord.v1.AssetService/";

std::string Method(std::string_view name) { return absl::StrCat(kService, std::string(name)); }

std::string AssetTarget(const std::string& asset_id) {
  return asset_id.empty() ? std::string("assets") : absl::StrCat("assets/", asset_id);
}

std::string FindingsTarget(const std::string& organization, const std::string& asset_id) {
  if (!asset_id.empty()) return absl::StrCat("findings/", asset_id);
  return organization.empty() ? std::string("findings")
                              : absl::StrCat("findings/", organization);
}

}  // namespace

using runtime::Caller;
using runtime::ServeMutation;
using runtime::ServeRead;

AssetServiceImpl::AssetServiceImpl(db::Database& db, runtime::RpcGuard& guard, Clock clock)
    : store_(db),
      logic_(store_, std::move(clock), runtime::AuditInTransaction(guard)),
      guard_(guard) {}

grpc::Status AssetServiceImpl::CreateAsset(grpc::ServerContext* context,
                                           const v1::CreateAssetRequest* request,
                                           v1::Asset* response) {
  return ServeMutation<v1::Asset>(
      guard_, context, Method("CreateAsset"), "assets", request->request_id(), *request,
      [&](const Caller& caller) { return logic_.CreateAsset(caller, *request); }, response);
}

grpc::Status AssetServiceImpl::GetAsset(grpc::ServerContext* context,
                                        const v1::GetAssetRequest* request, v1::Asset* response) {
  return ServeRead<v1::Asset>(
      guard_, context, Method("GetAsset"), AssetTarget(request->asset_id()), *request,
      [&](const Caller& caller) { return logic_.GetAsset(caller, *request); }, response);
}

grpc::Status AssetServiceImpl::UpdateAsset(grpc::ServerContext* context,
                                           const v1::UpdateAssetRequest* request,
                                           v1::Asset* response) {
  return ServeMutation<v1::Asset>(
      guard_, context, Method("UpdateAsset"), AssetTarget(request->asset().id()),
      request->request_id(), *request,
      [&](const Caller& caller) { return logic_.UpdateAsset(caller, *request); }, response);
}

grpc::Status AssetServiceImpl::ListAssets(grpc::ServerContext* context,
                                          const v1::ListAssetsRequest* request,
                                          v1::ListAssetsResponse* response) {
  return ServeRead<v1::ListAssetsResponse>(
      guard_, context, Method("ListAssets"), "assets", *request,
      [&](const Caller& caller) { return logic_.ListAssets(caller, *request); }, response);
}

grpc::Status AssetServiceImpl::RetireAsset(grpc::ServerContext* context,
                                           const v1::RetireAssetRequest* request,
                                           v1::Asset* response) {
  return ServeMutation<v1::Asset>(
      guard_, context, Method("RetireAsset"), AssetTarget(request->asset_id()),
      request->request_id(), *request,
      [&](const Caller& caller) { return logic_.RetireAsset(caller, *request); }, response);
}

grpc::Status AssetServiceImpl::ListAssetHistory(grpc::ServerContext* context,
                                                const v1::ListAssetHistoryRequest* request,
                                                v1::ListAssetHistoryResponse* response) {
  return ServeRead<v1::ListAssetHistoryResponse>(
      guard_, context, Method("ListAssetHistory"),
      absl::StrCat(AssetTarget(request->asset_id()), "/history"), *request,
      [&](const Caller& caller) { return logic_.ListAssetHistory(caller, *request); }, response);
}

grpc::Status AssetServiceImpl::ListFindings(grpc::ServerContext* context,
                                            const v1::ListFindingsRequest* request,
                                            v1::ListFindingsResponse* response) {
  return ServeRead<v1::ListFindingsResponse>(
      guard_, context, Method("ListFindings"),
      FindingsTarget(request->organization(), request->asset_id()), *request,
      [&](const Caller& caller) { return logic_.ListFindings(caller, *request); }, response);
}

grpc::Status AssetServiceImpl::GetFindingsSummary(grpc::ServerContext* context,
                                                  const v1::GetFindingsSummaryRequest* request,
                                                  v1::FindingsSummary* response) {
  const std::string organization = request->organization().empty()
                                       ? std::string(kUnionOrganization)
                                       : request->organization();
  return ServeRead<v1::FindingsSummary>(
      guard_, context, Method("GetFindingsSummary"),
      absl::StrCat(FindingsTarget(organization, ""), "/summary"), *request,
      [&](const Caller& caller) { return logic_.GetFindingsSummary(caller, *request); },
      response);
}

grpc::Status AssetServiceImpl::ImportAssets(grpc::ServerContext* context,
                                            const v1::ImportAssetsRequest* request,
                                            v1::ImportAssetsResponse* response) {
  if (!request->dry_run()) {
    return ServeMutation<v1::ImportAssetsResponse>(
        guard_, context, Method("ImportAssets"), "assets/import", request->request_id(), *request,
        [&](const Caller& caller) { return logic_.ImportAssets(caller, *request); }, response);
  }
  // A dry run writes nothing, so no transaction audits it: the guard records
  // its outcome like any call of a mutating method.
  auto caller = runtime::AdmitRequest(guard_, context, Method("ImportAssets"),
                                      "assets/import:dry-run", *request, request->request_id());
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  auto result = logic_.ImportAssets(*caller, *request);
  if (result.ok()) *response = std::move(*result);
  return guard_.Finish(*caller, "assets/import:dry-run", result.status());
}

grpc::Status AssetServiceImpl::ExportAssets(grpc::ServerContext* context,
                                            const v1::ExportAssetsRequest* request,
                                            v1::ExportAssetsResponse* response) {
  return ServeRead<v1::ExportAssetsResponse>(
      guard_, context, Method("ExportAssets"), "assets/export", *request,
      [&](const Caller& caller) { return logic_.ExportAssets(caller, *request); }, response);
}

}  // namespace seccoord::asset
