// Conversions between the wire types of seccoord.v1 and the plain types of
// common/: Date ↔ CivilDate, Revision articles ↔ PolicyText. Used by servers
// and by the CLI (whose `policy verify` recomputes hashes from what a server
// returned, so both sides must see the same PolicyText).
//
// Thread-safety: stateless functions; safe from any thread.
#ifndef SECCOORD_COMMON_PROTO_CONVERT_H_
#define SECCOORD_COMMON_PROTO_CONVERT_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "common/civil_date.h"
#include "common/policy_text.h"
#include "seccoord/v1/common.pb.h"
#include "seccoord/v1/policy.pb.h"

namespace seccoord {

v1::Date ToProtoDate(const CivilDate& date);
CivilDate FromProtoDate(const v1::Date& date);
// INVALID_ARGUMENT naming `field` when the date is unset or impossible
// (e.g. 2026-02-30).
absl::StatusOr<CivilDate> ValidProtoDate(std::string_view field, const v1::Date& date);

// The text of a revision (title and articles) as a PolicyText.
PolicyText PolicyTextOf(const v1::Revision& revision);
// Fills title and articles of a revision (or request) from a PolicyText.
void SetArticles(const PolicyText& text, v1::Revision* revision);
void SetArticles(const PolicyText& text,
                 google::protobuf::RepeatedPtrField<v1::Article>* articles);

}  // namespace seccoord

#endif  // SECCOORD_COMMON_PROTO_CONVERT_H_
