// Status helpers shared by servers and clients.
//
// Errors travel as absl::Status inside the process and as grpc::Status on the
// wire. The canonical codes are numerically equal in both libraries, so the
// mapping is a cast of the code plus the message; it lives here, once.
//
// The macros are the small set this Abseil (20220623) lacks:
//   SECCOORD_RETURN_IF_ERROR(expr)       returns the status of expr if not OK.
//   SECCOORD_ASSIGN_OR_RETURN(lhs, expr) assigns the value of a StatusOr or
//                                        returns its status.
// Thread-safety: stateless functions; safe from any thread.
#ifndef SECCOORD_COMMON_STATUS_H_
#define SECCOORD_COMMON_STATUS_H_

#include <grpcpp/support/status.h>

#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace seccoord {

// Converts an absl::Status into the grpc::Status sent to a client.
grpc::Status ToGrpcStatus(const absl::Status& status);

// Converts a grpc::Status received from a peer into an absl::Status.
absl::Status FromGrpcStatus(const grpc::Status& status);

// The canonical upper-case name of a code, e.g. "PERMISSION_DENIED".
std::string_view StatusCodeName(absl::StatusCode code);

// INVALID_ARGUMENT naming the field and why: "field: reason".
absl::Status InvalidField(std::string_view field, std::string_view reason);

}  // namespace seccoord

#define SECCOORD_STATUS_CONCAT_INNER_(a, b) a##b
#define SECCOORD_STATUS_CONCAT_(a, b) SECCOORD_STATUS_CONCAT_INNER_(a, b)

#define SECCOORD_RETURN_IF_ERROR(expr)                \
  do {                                                \
    ::absl::Status seccoord_status_ = (expr);         \
    if (!seccoord_status_.ok()) return seccoord_status_; \
  } while (false)

#define SECCOORD_ASSIGN_OR_RETURN(lhs, expr) \
  SECCOORD_ASSIGN_OR_RETURN_IMPL_(           \
      SECCOORD_STATUS_CONCAT_(seccoord_statusor_, __LINE__), lhs, expr)

#define SECCOORD_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                    \
  if (!statusor.ok()) return std::move(statusor).status();   \
  lhs = std::move(statusor).value()

#endif  // SECCOORD_COMMON_STATUS_H_
