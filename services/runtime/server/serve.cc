#include "services/runtime/server/serve.h"

#include <cstdlib>
#include <iostream>

#include "google/protobuf/descriptor.h"

namespace seccoord::runtime {

grpc::ByteBuffer EncodedReplyBuffer(EncodedReply reply) {
  auto* held = new EncodedReply(std::move(reply));
  grpc::Slice slice(const_cast<char*>((*held)->data()), (*held)->size(),
                    [](void* user_data) { delete static_cast<EncodedReply*>(user_data); },
                    held);
  return grpc::ByteBuffer(&slice, 1);
}

const google::protobuf::MethodDescriptor* MethodDescriptorOf(std::string_view full_method) {
  // "/package.Service/Method" -> "package.Service.Method"
  if (full_method.size() < 4 || full_method[0] != '/') return nullptr;
  std::string name(full_method.substr(1));
  const size_t slash = name.rfind('/');
  if (slash == std::string::npos) return nullptr;
  name[slash] = '.';
  return google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(name);
}

int MethodIndex(std::string_view full_method) {
  const google::protobuf::MethodDescriptor* method = MethodDescriptorOf(full_method);
  if (method == nullptr) {
    std::cerr << "MethodIndex: no method " << full_method << " in the compiled-in protos\n";
    std::abort();
  }
  return method->index();
}

}  // namespace seccoord::runtime
