#include "services/runtime/paging.h"

#include <openssl/sha.h>

#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace seccoord::runtime {
namespace {

// Tokens are short; anything longer was not made here.
constexpr size_t kMaxTokenBytes = 512;
// Hex digits of the query fingerprint kept in a token.
constexpr size_t kFingerprintHexDigits = 16;

std::string DeterministicBytes(const google::protobuf::Message& message) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  message.SerializeWithCachedSizes(&coded);
  return bytes;
}

}  // namespace

absl::StatusOr<int> PageSize(int32_t requested, int max_size, int default_size) {
  if (requested < 0 || requested > max_size) {
    return InvalidField("page_size", absl::StrCat("must be between 0 and ", max_size, " (0 = ",
                                                  default_size, ")"));
  }
  return requested == 0 ? default_size : requested;
}

std::string QueryFingerprint(const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> query(request.New());
  query->CopyFrom(request);
  const google::protobuf::Descriptor* descriptor = query->GetDescriptor();
  for (const char* paging_field : {"page_size", "page_token"}) {
    if (const auto* field = descriptor->FindFieldByName(paging_field)) {
      query->GetReflection()->ClearField(query.get(), field);
    }
  }
  query->ByteSizeLong();  // caches the sizes SerializeWithCachedSizes needs
  const std::string bytes =
      absl::StrCat(descriptor->full_name(), "\n", DeterministicBytes(*query));
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest),
                                                  kFingerprintHexDigits / 2));
}

PageTokenCodec::PageTokenCodec(std::string_view kind, const google::protobuf::Message& request)
    : kind_prefix_(absl::StrCat(absl::string_view(kind.data(), kind.size()), ":")),
      query_prefix_(absl::StrCat(kind_prefix_, QueryFingerprint(request), ":")) {}

std::string PageTokenCodec::Encode(std::string_view cursor) const {
  return absl::WebSafeBase64Escape(
      absl::StrCat(query_prefix_, absl::string_view(cursor.data(), cursor.size())));
}

absl::StatusOr<std::string> PageTokenCodec::Decode(std::string_view token) const {
  if (token.empty()) return std::string();
  std::string decoded;
  if (token.size() > kMaxTokenBytes ||
      !absl::WebSafeBase64Unescape(absl::string_view(token.data(), token.size()), &decoded) ||
      decoded.rfind(kind_prefix_, 0) != 0) {
    return InvalidField("page_token", "malformed; pass next_page_token of a previous response");
  }
  if (decoded.rfind(query_prefix_, 0) != 0) {
    return InvalidField("page_token",
                        "was issued for a different query; pass it with the same fields as "
                        "the request that returned it (only page_size may change)");
  }
  return decoded.substr(query_prefix_.size());
}

}  // namespace seccoord::runtime
