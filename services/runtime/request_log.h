// RequestLog: makes mutations idempotent by client request id.
//
// Every mutation carries a client-generated request_id. The first time a
// (principal, request_id) pair is seen, the handler's response is stored in
// the SAME transaction as the mutation itself; a retry with the same pair
// finds the stored response and returns it without doing anything twice.
// Reusing an id for a different method is refused (INVALID_ARGUMENT), since
// that is a client bug, not a retry.
//
// Thread-safety: stateless; operates on the caller's db::Transaction.
#ifndef SECCOORD_SERVICES_RUNTIME_REQUEST_LOG_H_
#define SECCOORD_SERVICES_RUNTIME_REQUEST_LOG_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "services/runtime/db/database.h"
#include "services/runtime/db/migrations.h"

namespace seccoord::runtime {

// Bounds on request ids: 1–64 bytes of [A-Za-z0-9._:-].
inline constexpr size_t kMaxRequestIdBytes = 64;

// INVALID_ARGUMENT naming request_id when it is empty, too long or holds
// other characters.
absl::Status ValidateRequestId(std::string_view request_id);

// Schema of the request log (component "requests").
std::vector<db::Migration> RequestLogMigrations();

// Looks up the stored response of (principal, request_id). Parses it into
// *response and returns true when found; false when the id is new.
// INVALID_ARGUMENT when the id was used for another method.
absl::StatusOr<bool> FindStoredResponse(db::Transaction& tx,
                                        std::string_view principal,
                                        std::string_view request_id,
                                        std::string_view method,
                                        google::protobuf::Message* response);

// Stores the response of a mutation inside the mutation's transaction.
absl::Status StoreResponse(db::Transaction& tx, std::string_view principal,
                           std::string_view request_id, std::string_view method,
                           const google::protobuf::Message& response,
                           int64_t time_us);

}  // namespace seccoord::runtime

#endif  // SECCOORD_SERVICES_RUNTIME_REQUEST_LOG_H_
