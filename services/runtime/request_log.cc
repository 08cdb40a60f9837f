#include "services/runtime/request_log.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace seccoord::runtime {

absl::Status ValidateRequestId(std::string_view request_id) {
  if (request_id.empty()) {
    return InvalidField("request_id", "required (a client-generated id makes retries safe)");
  }
  if (request_id.size() > kMaxRequestIdBytes) {
    return InvalidField("request_id", absl::StrCat("exceeds ", kMaxRequestIdBytes, " bytes"));
  }
  for (char c : request_id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) return InvalidField("request_id", "may hold only letters, digits and . _ : -");
  }
  return absl::OkStatus();
}

std::vector<db::Migration> RequestLogMigrations() {
  return {
      {1, "request log",
       {"CREATE TABLE request_log ("
        " principal TEXT NOT NULL,"
        " request_id TEXT NOT NULL,"
        " method TEXT NOT NULL,"
        " response TEXT NOT NULL,"
        " time_us BIGINT NOT NULL,"
        " PRIMARY KEY (principal, request_id))"}},
  };
}

absl::StatusOr<bool> FindStoredResponse(db::Transaction& tx,
                                        std::string_view principal,
                                        std::string_view request_id,
                                        std::string_view method,
                                        google::protobuf::Message* response) {
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows,
      tx.Query("SELECT method, response FROM request_log"
               " WHERE principal = $1 AND request_id = $2",
               {std::string(principal), std::string(request_id)}));
  if (rows.empty()) return false;
  if (rows[0].Text(0) != method) {
    return InvalidField("request_id",
                        absl::StrCat("already used for ", rows[0].Text(0),
                                     "; use a new id for a new request"));
  }
  std::string bytes;
  if (!absl::Base64Unescape(rows[0].Text(1), &bytes) ||
      !response->ParseFromString(bytes)) {
    return absl::InternalError("stored response of request_id is unreadable");
  }
  return true;
}

absl::Status StoreResponse(db::Transaction& tx, std::string_view principal,
                           std::string_view request_id, std::string_view method,
                           const google::protobuf::Message& response,
                           int64_t time_us) {
  std::string bytes;
  if (!response.SerializeToString(&bytes)) {
    return absl::InternalError("cannot serialise response for the request log");
  }
  return tx
      .Execute("INSERT INTO request_log (principal, request_id, method, response, time_us)"
               " VALUES ($1, $2, $3, $4, $5)",
               {std::string(principal), std::string(request_id),
                std::string(method), absl::Base64Escape(bytes), time_us})
      .status();
}

}  // namespace seccoord::runtime
