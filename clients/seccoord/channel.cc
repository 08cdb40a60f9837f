#include "clients/seccoord/channel.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace seccoord::cli {
namespace {

absl::StatusOr<std::string> ReadPem(const Profile& profile, const char* key,
                                    const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::FailedPreconditionError(absl::StrCat("profile '", profile.name, "': ", key,
                                                      ": cannot read ", path));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("profile '", profile.name, "': ", key, ": ", path, " is empty"));
  }
  return text.str();
}

}  // namespace

absl::StatusOr<TlsMaterial> LoadTlsMaterial(const Profile& profile) {
  TlsMaterial material;
  auto ca = ReadPem(profile, "ca", profile.ca);
  if (!ca.ok()) return ca.status();
  material.root_ca_pem = *std::move(ca);
  if (!profile.anonymous()) {
    auto cert = ReadPem(profile, "cert", profile.cert);
    if (!cert.ok()) return cert.status();
    auto key = ReadPem(profile, "key", profile.key);
    if (!key.ok()) return key.status();
    material.cert_chain_pem = *std::move(cert);
    material.private_key_pem = *std::move(key);
  }
  return material;
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const Profile& profile,
                                                           ServiceKind service) {
  auto address = profile.Address(service);
  if (!address.ok()) return address.status();
  auto material = LoadTlsMaterial(profile);
  if (!material.ok()) return material.status();

  grpc::SslCredentialsOptions options;
  options.pem_root_certs = material->root_ca_pem;
  options.pem_cert_chain = material->cert_chain_pem;
  options.pem_private_key = material->private_key_pem;
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::SslCredentials(options);

  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxReceiveMessageBytes);
  args.SetMaxSendMessageSize(kMaxReceiveMessageBytes);
  if (!profile.server_name.empty()) {
    args.SetSslTargetNameOverride(profile.server_name);
  }
  return grpc::CreateCustomChannel(*address, credentials, args);
}

}  // namespace seccoord::cli
