// Principal: who is calling, as proven by the client certificate.
//
// A principal is an organisation and a user within it, carried in the client
// certificate as exactly one URI SAN of the form seccoord://<org>/<user>
// (services: seccoord://service/<name>). The server trusts only certificates
// of its own CA (checked by TLS before any of this runs), so the URI SAN is
// the identity; roles are looked up separately (access_policy.h), so a role
// change needs no new certificate.
//
// A call without a client certificate (allowed only when anonymous access is
// switched on) has the anonymous principal.
//
// Thread-safety: Principal is a value type; the functions are stateless and
// safe from any thread.
#ifndef SECCOORD_SERVICES_RUNTIME_AUTH_PRINCIPAL_H_
#define SECCOORD_SERVICES_RUNTIME_AUTH_PRINCIPAL_H_

#include <grpcpp/security/auth_context.h>

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace seccoord::runtime {

// The URI scheme and separator every principal URI starts with.
inline constexpr std::string_view kPrincipalUriPrefix = "seccoord://";
// Organisation of service identities (seccoord://service/<name>).
inline constexpr std::string_view kServiceOrganization = "service";
// What Uri() returns for the anonymous principal; also what the audit chain
// records for calls without a certificate.
inline constexpr std::string_view kAnonymousPrincipalName = "anonymous";

// Bounds of the URI parts; certificates are small and so are these names.
inline constexpr size_t kMaxOrganizationLength = 63;
inline constexpr size_t kMaxUserLength = 64;

struct Principal {
  // Organisation id, e.g. "kasama-union"; "" for the anonymous principal.
  std::string organization;
  // User (or service) name within the organisation; "" when anonymous.
  std::string user;
  // True for a caller that presented no client certificate.
  bool anonymous = false;

  // "seccoord://<organization>/<user>", or "anonymous".
  std::string Uri() const;
  // True for seccoord://service/<name>.
  bool IsService() const {
    return !anonymous && organization == kServiceOrganization;
  }

  static Principal Anonymous() { return Principal{"", "", true}; }

  friend bool operator==(const Principal& a, const Principal& b) {
    return a.anonymous == b.anonymous && a.organization == b.organization &&
           a.user == b.user;
  }
  friend bool operator!=(const Principal& a, const Principal& b) {
    return !(a == b);
  }
};

// Parses "seccoord://<org>/<user>" strictly: org is 1–63 characters of
// [a-z0-9-] starting with a letter or digit; user is 1–64 characters of
// [A-Za-z0-9._-], not "." or ".."; nothing else (no port, path, query,
// upper-case scheme, trailing slash). INVALID_ARGUMENT saying why otherwise.
absl::StatusOr<Principal> ParsePrincipalUri(std::string_view uri);

// True when `organization` would be accepted as the org part of a URI.
bool IsValidOrganization(std::string_view organization);

// The seccoord:// URI SANs of a PEM certificate (other SANs are ignored), in
// certificate order. INVALID_ARGUMENT when the PEM does not parse.
absl::StatusOr<std::vector<std::string>> SeccoordUrisOfCertificate(
    std::string_view pem);

// The principal of a call, from the peer certificate PEM that gRPC puts in
// the auth context (property "x509_pem_cert"); the URI SAN is read with
// OpenSSL. Exactly one seccoord:// URI SAN is required (UNAUTHENTICATED
// otherwise, naming the problem). Without a certificate: the anonymous
// principal when allow_anonymous, else UNAUTHENTICATED
// "client certificate required".
absl::StatusOr<Principal> PrincipalFromAuthContext(
    const grpc::AuthContext& auth_context, bool allow_anonymous);

}  // namespace seccoord::runtime

#endif  // SECCOORD_SERVICES_RUNTIME_AUTH_PRINCIPAL_H_
