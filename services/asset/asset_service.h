// AssetServiceImpl: the gRPC handlers of seccoord.v1.AssetService.
//
// Each handler authenticates and authorizes through the runtime's RpcGuard
// (the one permission table: reads need read_assets, GetFindingsSummary
// read_findings_summary, writes write_assets), hands the request to
// AssetLogic, records the outcome in the audit chain and maps absl::Status to
// grpc::Status. No SQL and no business rules live here.
//
// Thread-safety: safe for concurrent calls (the sync server's thread pool).
#ifndef SECCOORD_SERVICES_ASSET_ASSET_SERVICE_H_
#define SECCOORD_SERVICES_ASSET_ASSET_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include "seccoord/v1/asset.grpc.pb.h"
#include "services/asset/asset_logic.h"
#include "services/asset/asset_store.h"
#include "services/runtime/server/rpc_guard.h"

namespace seccoord::asset {

class AssetServiceImpl final : public v1::AssetService::Service {
 public:
  AssetServiceImpl(db::Database& db, runtime::RpcGuard& guard, Clock clock = Clock::System());

  grpc::Status CreateAsset(grpc::ServerContext* context, const v1::CreateAssetRequest* request,
                           v1::Asset* response) override;
  grpc::Status GetAsset(grpc::ServerContext* context, const v1::GetAssetRequest* request,
                        v1::Asset* response) override;
  grpc::Status UpdateAsset(grpc::ServerContext* context, const v1::UpdateAssetRequest* request,
                           v1::Asset* response) override;
  grpc::Status ListAssets(grpc::ServerContext* context, const v1::ListAssetsRequest* request,
                          v1::ListAssetsResponse* response) override;
  grpc::Status RetireAsset(grpc::ServerContext* context, const v1::RetireAssetRequest* request,
                           v1::Asset* response) override;
  grpc::Status ListAssetHistory(grpc::ServerContext* context,
                                const v1::ListAssetHistoryRequest* request,
                                v1::ListAssetHistoryResponse* response) override;
  grpc::Status ListFindings(grpc::ServerContext* context, const v1::ListFindingsRequest* request,
                            v1::ListFindingsResponse* response) override;
  grpc::Status GetFindingsSummary(grpc::ServerContext* context,
                                  const v1::GetFindingsSummaryRequest* request,
                                  v1::FindingsSummary* response) override;
  grpc::Status ImportAssets(grpc::ServerContext* context, const v1::ImportAssetsRequest* request,
                            v1::ImportAssetsResponse* response) override;
  grpc::Status ExportAssets(grpc::ServerContext* context, const v1::ExportAssetsRequest* request,
                            v1::ExportAssetsResponse* response) override;

 private:
  AssetStore store_;
  AssetLogic logic_;
  runtime::RpcGuard& guard_;
};

}  // namespace seccoord::asset

#endif  // SECCOORD_SERVICES_ASSET_ASSET_SERVICE_H_
