#include "services/runtime/auth/principal.h"

#include <grpc/grpc_security_constants.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/runtime/internal/views.h"

namespace seccoord::runtime {
namespace {

using internal::Av;

bool IsLowerAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool IsUserChar(char c) {
  return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z') || c == '.' || c == '_' ||
         c == '-';
}

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct GeneralNamesFree {
  void operator()(GENERAL_NAMES* names) const {
    GENERAL_NAMES_free(names);
  }
};

}  // namespace

std::string Principal::Uri() const {
  if (anonymous) return std::string(kAnonymousPrincipalName);
  return absl::StrCat(Av(kPrincipalUriPrefix), organization, "/", user);
}

bool IsValidOrganization(std::string_view organization) {
  if (organization.empty() || organization.size() > kMaxOrganizationLength) {
    return false;
  }
  if (!IsLowerAlnum(organization.front())) return false;
  for (char c : organization) {
    if (!IsLowerAlnum(c) && c != '-') return false;
  }
  return true;
}

absl::StatusOr<Principal> ParsePrincipalUri(std::string_view uri) {
  auto invalid = [uri](std::string_view why) {
    // The URI is echoed bounded: it may come from a certificate or a file.
    return absl::InvalidArgumentError(absl::StrCat(
        "principal URI \"", Av(uri.substr(0, 200)), "\": ", Av(why)));
  };
  if (uri.substr(0, kPrincipalUriPrefix.size()) != kPrincipalUriPrefix) {
    return invalid("must start with seccoord://");
  }
  std::string_view rest = uri.substr(kPrincipalUriPrefix.size());
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) {
    return invalid("must be seccoord://<organization>/<user>");
  }
  std::string_view organization = rest.substr(0, slash);
  std::string_view user = rest.substr(slash + 1);
  if (!IsValidOrganization(organization)) {
    return invalid(
        "organization must be 1-63 characters of a-z, 0-9 and '-', starting "
        "with a letter or digit");
  }
  if (user.empty() || user.size() > kMaxUserLength) {
    return invalid("user must be 1-64 characters");
  }
  for (char c : user) {
    if (!IsUserChar(c)) {
      return invalid("user may contain only A-Z, a-z, 0-9, '.', '_' and '-'");
    }
  }
  if (user == "." || user == "..") return invalid("user must not be . or ..");
  return Principal{std::string(organization), std::string(user), false};
}

absl::StatusOr<std::vector<std::string>> SeccoordUrisOfCertificate(
    std::string_view pem) {
  std::unique_ptr<BIO, BioFree> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (bio == nullptr) return absl::InternalError("BIO_new_mem_buf failed");
  std::unique_ptr<X509, X509Free> cert(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (cert == nullptr) {
    return absl::InvalidArgumentError("peer certificate does not parse");
  }
  std::vector<std::string> uris;
  std::unique_ptr<GENERAL_NAMES, GeneralNamesFree> names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(
          cert.get(), NID_subject_alt_name, nullptr, nullptr)));
  if (names == nullptr) return uris;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type != GEN_URI) continue;
    const ASN1_IA5STRING* ia5 = name->d.uniformResourceIdentifier;
    std::string uri(reinterpret_cast<const char*>(ASN1_STRING_get0_data(ia5)),
                    static_cast<size_t>(ASN1_STRING_length(ia5)));
    if (uri.compare(0, kPrincipalUriPrefix.size(), kPrincipalUriPrefix) == 0) {
      uris.push_back(std::move(uri));
    }
  }
  return uris;
}

absl::StatusOr<Principal> PrincipalFromAuthContext(
    const grpc::AuthContext& auth_context, bool allow_anonymous) {
  std::vector<grpc::string_ref> pems =
      auth_context.FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
  if (pems.empty()) {
    if (allow_anonymous) return Principal::Anonymous();
    return absl::UnauthenticatedError("client certificate required");
  }
  absl::StatusOr<std::vector<std::string>> uris = SeccoordUrisOfCertificate(
      std::string_view(pems.front().data(), pems.front().size()));
  if (!uris.ok()) return absl::UnauthenticatedError(uris.status().message());
  if (uris->empty()) {
    return absl::UnauthenticatedError(
        "client certificate has no seccoord:// URI SAN");
  }
  if (uris->size() > 1) {
    return absl::UnauthenticatedError(
        "client certificate has more than one seccoord:// URI SAN");
  }
  absl::StatusOr<Principal> principal = ParsePrincipalUri(uris->front());
  if (!principal.ok()) {
    return absl::UnauthenticatedError(
        absl::StrCat("client certificate: ", principal.status().message()));
  }
  return principal;
}

}  // namespace seccoord::runtime
