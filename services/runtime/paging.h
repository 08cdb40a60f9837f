// Paging of List methods (DESIGN.md "API conventions": page_size /
// page_token), the same for every service: a page size within bounds, and
// page tokens that are opaque to clients — web-safe base64 of
// "<kind>:<query>:<cursor>", where the kind keeps a token of one list from
// being passed to another, and the query (a fingerprint of the request
// without its paging fields) keeps a token issued for one query (say, one
// document's revisions, or assets of one segment) from being passed with
// another. Either mismatch is INVALID_ARGUMENT naming page_token. So a
// cursor needs to hold only the position (the last key listed), never the
// query again.
//
// A list call makes one PageTokenCodec for its kind and request and uses it
// for both the token it reads and the one it issues: the request's
// fingerprint is computed once per call.
//
// Thread-safety: stateless functions; safe from any thread. A
// PageTokenCodec is immutable after construction and safe to share.
#ifndef SECCOORD_SERVICES_RUNTIME_PAGING_H_
#define SECCOORD_SERVICES_RUNTIME_PAGING_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"

namespace seccoord::runtime {

// The page size to use for `requested` (0 = default_size);
// INVALID_ARGUMENT naming page_size outside 0..max_size.
absl::StatusOr<int> PageSize(int32_t requested, int max_size, int default_size);

// The query `request` asks for: a short fingerprint of its fields other
// than page_size and page_token (a client may change the page size between
// pages, nothing else).
std::string QueryFingerprint(const google::protobuf::Message& request);

// The page tokens of one list call: those of kind `kind` for the query of
// `request` (QueryFingerprint, computed once, here).
class PageTokenCodec {
 public:
  PageTokenCodec(std::string_view kind, const google::protobuf::Message& request);

  // The cursor of `token` ("" for the first page); INVALID_ARGUMENT naming
  // page_token when it is not a token of this kind of list, or was issued
  // for a request whose other fields differ from this one's.
  absl::StatusOr<std::string> Decode(std::string_view token) const;

  // The token of the page after `cursor`.
  std::string Encode(std::string_view cursor) const;

 private:
  std::string kind_prefix_;   // "<kind>:"
  std::string query_prefix_;  // "<kind>:<fingerprint>:"
};

}  // namespace seccoord::runtime

#endif  // SECCOORD_SERVICES_RUNTIME_PAGING_H_
