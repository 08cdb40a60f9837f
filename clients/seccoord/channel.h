// Builds the mTLS gRPC channel of a CLI profile.
//
// The channel trusts only the profile's CA; it presents the profile's client
// certificate and key, or no client certificate for an anonymous profile.
// The development server certificates carry DNS:localhost and IP:127.0.0.1,
// so no target name override is needed for a local run; a profile may still
// set server_name for servers reached under another name.
#ifndef SECCOORD_CLIENTS_SECCOORD_CHANNEL_H_
#define SECCOORD_CLIENTS_SECCOORD_CHANNEL_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "clients/seccoord/cli_config.h"

namespace seccoord::cli {

// Largest response the CLI accepts (a full revision list of a long document).
inline constexpr int kMaxReceiveMessageBytes = 32 * 1024 * 1024;

// The PEM files of a profile, read into memory.
struct TlsMaterial {
  std::string root_ca_pem;
  std::string cert_chain_pem;  // "" for anonymous
  std::string private_key_pem; // "" for anonymous
};

// Reads the profile's CA, certificate and key. FAILED_PRECONDITION naming the
// profile, the key and the file when a file is missing, unreadable or empty.
absl::StatusOr<TlsMaterial> LoadTlsMaterial(const Profile& profile);

// A channel to `service` of `profile` over TLS (mTLS unless anonymous).
// Errors: the profile has no address for the service, or its TLS files cannot
// be read. Connecting happens lazily, on the first call.
absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const Profile& profile,
                                                           ServiceKind service);

}  // namespace seccoord::cli

#endif  // SECCOORD_CLIENTS_SECCOORD_CHANNEL_H_
