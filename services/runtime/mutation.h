// RunMutation: the one way a seccoord service commits a change.
//
// In ONE write transaction it
//   1. looks up (principal, request_id) in the request log — a retry gets
//      the stored first response and nothing is done twice;
//   2. runs the service's body (rules + store writes);
//   3. stores the response under the request id;
//   4. appends the audit entry of the change (MutationAuditor),
// then commits, so a change, its idempotency record and its audit entry are
// durable together or not at all. A unique-key conflict raised by a
// concurrent writer (two drafts taking one number) becomes ABORTED: the
// caller's view was stale and a re-read and retry will do.
//
// Thread-safety: stateless; safe from any thread (the Database serialises
// writers as its driver requires).
#ifndef SECCOORD_SERVICES_RUNTIME_MUTATION_H_
#define SECCOORD_SERVICES_RUNTIME_MUTATION_H_

#include <functional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "services/runtime/auth/caller.h"
#include "services/runtime/db/database.h"
#include "services/runtime/request_log.h"

namespace seccoord::runtime {

// Appends the audit entry of a successful mutation inside the mutation's own
// transaction. `target` names the object changed, e.g.
// documents/basic-policy/revisions/2. Empty in domain tests.
using MutationAuditor = std::function<absl::Status(
    db::Transaction& tx, const Caller& caller, const std::string& target)>;

// What one mutation is: who, which request, which method, when.
struct MutationContext {
  const Caller& caller;
  const std::string& request_id;
  std::string_view method;  // fully qualified, e.g. /seccoord.v1.PolicyService/CreateRevision
  int64_t now_us;
  const MutationAuditor& auditor;
};

// Runs `body` as described above. `target_of` names the object the response
// is about, for the audit entry. *performed (optional) is set to true when
// the body ran and committed, false for a retry answered from the log.
template <typename Response>
absl::StatusOr<Response> RunMutation(
    db::Database& db, const MutationContext& mutation,
    const std::function<absl::StatusOr<Response>(db::Transaction&)>& body,
    const std::function<std::string(const Response&)>& target_of,
    bool* performed = nullptr) {
  SECCOORD_RETURN_IF_ERROR(ValidateRequestId(mutation.request_id));
  Response response;
  bool ran = false;
  absl::Status status = [&]() -> absl::Status {
    SECCOORD_ASSIGN_OR_RETURN(auto tx, db.Begin(db::TxMode::kReadWrite));
    const std::string principal = mutation.caller.Uri();
    SECCOORD_ASSIGN_OR_RETURN(
        bool found, FindStoredResponse(*tx, principal, mutation.request_id,
                                       mutation.method, &response));
    if (!found) {
      SECCOORD_ASSIGN_OR_RETURN(response, body(*tx));
      SECCOORD_RETURN_IF_ERROR(StoreResponse(*tx, principal, mutation.request_id,
                                             mutation.method, response, mutation.now_us));
      // Last in the transaction: the audit entry commits with the change.
      if (mutation.auditor) {
        SECCOORD_RETURN_IF_ERROR(mutation.auditor(*tx, mutation.caller, target_of(response)));
      }
      ran = true;
    }
    return tx->Commit();
  }();
  if (!status.ok()) {
    if (status.code() == absl::StatusCode::kAlreadyExists) {
      return absl::AbortedError(absl::StrCat(
          "a concurrent change won (", status.message(), "); read again and retry"));
    }
    return status;
  }
  if (performed != nullptr) *performed = ran;
  return response;
}

}  // namespace seccoord::runtime

#endif  // SECCOORD_SERVICES_RUNTIME_MUTATION_H_
