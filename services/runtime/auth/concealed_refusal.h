// ConcealedRefusal: a per-object refusal that must not tell the caller what
// it may not see.
//
// A caller who may not read an object gets exactly the answer it would get
// if the object did not exist (the domain passes that answer as `shown`,
// e.g. NOT_FOUND "number: document standards has no revision 4"), while the
// audit chain still records the refusal as DENIED with the real reason. The
// reason rides in a status payload, which ToGrpcStatus (common/status.h)
// never puts on the wire; RpcGuard::OutcomeRecord reads it.
//
// Thread-safety: stateless functions; safe from any thread.
#ifndef SECCOORD_SERVICES_RUNTIME_AUTH_CONCEALED_REFUSAL_H_
#define SECCOORD_SERVICES_RUNTIME_AUTH_CONCEALED_REFUSAL_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"

namespace seccoord::runtime {

inline constexpr char kConcealedRefusalPayload[] = "seccoord/concealed-refusal";

// `shown` (what the caller gets) carrying the real `reason` for the audit.
inline absl::Status ConcealedRefusal(absl::Status shown, std::string_view reason) {
  shown.SetPayload(kConcealedRefusalPayload,
                   absl::Cord(absl::string_view(reason.data(), reason.size())));
  return shown;
}

// The real reason of a concealed refusal, or nullopt for any other status.
inline std::optional<std::string> ConcealedReason(const absl::Status& status) {
  absl::optional<absl::Cord> reason = status.GetPayload(kConcealedRefusalPayload);
  if (!reason.has_value()) return std::nullopt;
  return std::string(*reason);
}

}  // namespace seccoord::runtime

#endif  // SECCOORD_SERVICES_RUNTIME_AUTH_CONCEALED_REFUSAL_H_
