// The ServerSpec of seccoord-assetd: what the shared bootstrap needs to run
// the asset service. Used by assetd_main.cc and by the in-process
// integration tests, so both run exactly the same wiring.
//
// Thread-safety: returns a fresh value; safe from any thread.
#ifndef SECCOORD_SERVICES_ASSET_ASSET_SERVER_H_
#define SECCOORD_SERVICES_ASSET_ASSET_SERVER_H_

#include "services/runtime/server/server_main.h"

namespace seccoord::asset {

runtime::ServerSpec AssetServerSpec();

}  // namespace seccoord::asset

#endif  // SECCOORD_SERVICES_ASSET_ASSET_SERVER_H_
