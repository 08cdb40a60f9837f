#include "services/runtime/server/enum_fields.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "google/protobuf/descriptor.h"

namespace seccoord::runtime {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

absl::Status CheckValue(const std::string& path, const FieldDescriptor& field, int value) {
  if (field.enum_type()->FindValueByNumber(value) != nullptr) return absl::OkStatus();
  return InvalidField(path, absl::StrCat(value, " is not a valid ", field.enum_type()->name()));
}

absl::Status CheckMessage(const Message& message, const std::string& prefix) {
  const Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);  // set fields, by number
  for (const FieldDescriptor* field : fields) {
    const std::string path = absl::StrCat(prefix, field->name());
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
      if (!field->is_repeated()) {
        SECCOORD_RETURN_IF_ERROR(
            CheckValue(path, *field, reflection->GetEnumValue(message, field)));
        continue;
      }
      for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
        SECCOORD_RETURN_IF_ERROR(CheckValue(absl::StrCat(path, "[", i, "]"), *field,
                                            reflection->GetRepeatedEnumValue(message, field, i)));
      }
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (!field->is_repeated()) {
        SECCOORD_RETURN_IF_ERROR(
            CheckMessage(reflection->GetMessage(message, field), absl::StrCat(path, ".")));
        continue;
      }
      for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
        SECCOORD_RETURN_IF_ERROR(CheckMessage(reflection->GetRepeatedMessage(message, field, i),
                                              absl::StrCat(path, "[", i, "].")));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckEnumFields(const Message& message) { return CheckMessage(message, ""); }

}  // namespace seccoord::runtime
