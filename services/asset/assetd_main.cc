// seccoord-assetd: the asset service (seccoord.v1.AssetService): the union's
// information asset inventory and its compliance findings. Flags, TLS,
// health, audit and lifecycle come from the shared bootstrap.
#include "services/asset/asset_server.h"

int main(int argc, char** argv) {
  return seccoord::runtime::RunServer(argc, argv, seccoord::asset::AssetServerSpec());
}
