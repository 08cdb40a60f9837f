#include "services/asset/asset_server.h"

#include <memory>

#include "common/status.h"
#include "services/asset/asset_logic.h"
#include "services/asset/asset_service.h"
#include "services/asset/asset_store.h"
#include "services/runtime/request_log.h"

namespace seccoord::asset {

runtime::ServerSpec AssetServerSpec() {
  runtime::ServerSpec spec;
  spec.name = "assetd";
  spec.default_listen = "127.0.0.1:7402";
  spec.grpc_services = {"seccoord.v1.AssetService"};
  spec.migrations = AssetMigrations();
  spec.migration_component = "asset";
  spec.register_services = [](runtime::ServerEnv& env,
                              grpc::ServerBuilder& builder) -> absl::Status {
    builder.RegisterService(env.Own(std::make_unique<AssetServiceImpl>(env.db(), env.guard())));
    return absl::OkStatus();
  };
  spec.on_migrated = [](runtime::ServerEnv& env) -> absl::Status {
    // Idempotency records of mutations live beside the asset tables.
    SECCOORD_RETURN_IF_ERROR(
        db::ApplyMigrations(env.db(), "requests", runtime::RequestLogMigrations()));
    // Assets stored before findings were kept get theirs computed once.
    AssetStore store(env.db());
    return BackfillStoredFindings(store);
  };
  return spec;
}

}  // namespace seccoord::asset
