// Protobuf messages in TEXT columns: the stores keep whole records (an
// asset, an assessment) as base64 of their serialization, because the
// drivers bind text and integers only and text must not hold NUL bytes.
//
// Thread-safety: stateless functions; safe from any thread.
#ifndef SECCOORD_SERVICES_RUNTIME_DB_PROTO_COLUMN_H_
#define SECCOORD_SERVICES_RUNTIME_DB_PROTO_COLUMN_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/message.h"

namespace seccoord::db {

// The column text of `message`.
inline std::string EncodeProtoColumn(const google::protobuf::Message& message) {
  return absl::Base64Escape(message.SerializeAsString());
}

// Parses column text into *message; DATA_LOSS naming `what` (e.g. "asset
// record") when it does not decode.
inline absl::Status DecodeProtoColumn(const std::string& text, google::protobuf::Message* message,
                                      const char* what) {
  std::string bytes;
  if (!absl::Base64Unescape(text, &bytes) || !message->ParseFromString(bytes)) {
    return absl::DataLossError(absl::StrCat("stored ", what, " does not decode"));
  }
  return absl::OkStatus();
}

}  // namespace seccoord::db

#endif  // SECCOORD_SERVICES_RUNTIME_DB_PROTO_COLUMN_H_
