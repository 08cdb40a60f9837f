// CheckEnumFields: every enum field of a request holds a value its enum
// defines.
//
// proto3 enums are open: the parser keeps an undefined number (say state:
// 999) as it came, and a handler comparing against known values would
// quietly treat it as "no match". The serve path (serve.h, AdmitRequest)
// runs this check on every request before its handler, so every RPC — and
// every RPC added later — refuses such a value with INVALID_ARGUMENT naming
// the field: "state: 999 is not a valid RevisionState". Nested messages and
// repeated fields are checked too ("asset.connections[2].kind: …").
//
// Thread-safety: stateless; safe from any thread.
#ifndef SECCOORD_SERVICES_RUNTIME_SERVER_ENUM_FIELDS_H_
#define SECCOORD_SERVICES_RUNTIME_SERVER_ENUM_FIELDS_H_

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace seccoord::runtime {

// OK, or INVALID_ARGUMENT for the first field (in field-number order, depth
// first) whose value its enum does not define.
absl::Status CheckEnumFields(const google::protobuf::Message& message);

}  // namespace seccoord::runtime

#endif  // SECCOORD_SERVICES_RUNTIME_SERVER_ENUM_FIELDS_H_
