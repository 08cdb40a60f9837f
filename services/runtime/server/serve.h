// ServeRead / ServeMutation: the shape every seccoord unary handler shares.
//
//   authorize at the door (RpcGuard, THE permission table)
//   → check what every request must satisfy before its handler: enum fields
//     hold defined values (enum_fields.h) — AdmitRequest, which streaming
//     handlers call themselves
//   → run the domain with the Caller
//   → audit: reads only when refused by a per-object check; mutations when
//     they fail (a committed mutation was audited inside its own transaction
//     by the MutationAuditor this file provides, see mutation.h)
//   → map absl::Status to grpc::Status.
// Handlers stay one statement each; no service copies this plumbing.
//
// Thread-safety: stateless; safe from any thread.
#ifndef SECCOORD_SERVICES_RUNTIME_SERVER_SERVE_H_
#define SECCOORD_SERVICES_RUNTIME_SERVER_SERVE_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/method_handler.h>
#include <grpcpp/support/server_callback.h>
#include <grpcpp/support/sync_stream.h>
#include <grpcpp/impl/codegen/server_callback_handlers.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "services/runtime/event_notifier.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "services/runtime/mutation.h"
#include "services/runtime/server/enum_fields.h"
#include "services/runtime/server/rpc_guard.h"
#include "services/runtime/server/rpc_log.h"
#include "services/runtime/server/work_pool.h"

namespace seccoord::runtime {

// The auditor that appends a committed mutation's OK entry to this server's
// chain inside the mutation's transaction.
inline MutationAuditor AuditInTransaction(RpcGuard& guard) {
  return [&guard](db::Transaction& tx, const Caller& caller,
                  const std::string& target) -> absl::Status {
    auto record = guard.OutcomeRecord(caller, target, absl::OkStatus());
    if (!record) return absl::OkStatus();
    return guard.audit_log().AppendIn(tx, *record).status();
  };
}

// Authorizes a call (RpcGuard::Authorize) and checks `request` as every
// request is checked before its handler runs (CheckEnumFields). A request
// refused by the check has its outcome recorded against `target` (so a
// mutation's FAILED entry is written) and is returned as the error.
inline absl::StatusOr<Caller> AdmitRequest(RpcGuard& guard, grpc::ServerContextBase* context,
                                           std::string_view full_method, std::string_view target,
                                           const google::protobuf::Message& request,
                                           std::string_view request_id = {}) {
  auto caller = guard.Authorize(context, full_method, request_id);
  if (!caller.ok()) return caller.status();
  absl::Status valid = CheckEnumFields(request);
  if (!valid.ok()) {
    guard.RecordOutcome(*caller, target, valid);
    return valid;
  }
  return caller;
}

template <typename Response>
grpc::Status ServeRead(RpcGuard& guard, grpc::ServerContextBase* context,
                       std::string_view full_method, std::string_view target,
                       const google::protobuf::Message& request,
                       const std::function<absl::StatusOr<Response>(const Caller&)>& call,
                       Response* response) {
  auto caller = AdmitRequest(guard, context, full_method, target, request);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<Response> result = call(*caller);
  if (result.ok()) *response = std::move(*result);
  return guard.Finish(*caller, target, result.status());
}

// A read whose reply comes already encoded (the wire form of the method's
// response message), e.g. a reply shared by many callers from a cache: sent
// as it is, without a message to copy and encode per call.
//
// The method is installed in place of the generated handler with
// Service::MarkMethodRawCallback(MethodIndex(full_method),
// EncodedReadHandler<Request>(...)): gRPC's callback API with the request
// and the reply as bytes, so the call stays unary inside gRPC (the request
// arrives with the call; the reply and the status leave in one batch).
// Clients see an ordinary unary method. The sync server's streamed-unary
// handler, used before, read the request and wrote the reply as stream
// operations, each waited for on its own: with a cached reply that cost
// more than the rest of the call (the bench: 0.6-0.8 x the echo, now
// 0.85-1.0).
//
// gRPC runs callback handlers on its own few threads (about one per core;
// a handler that sleeps 100 ms lets two run at once here), which must not
// wait long. So the handler runs the call there only when `inline_calls`
// says its work is short and local — a SQLite database: a cached reply
// costs one point read of a page in memory, a miss a row or a page build of
// a few milliseconds — and the guard lets the caller in (a refusal, like an
// unparsable request, appends to the audit chain: a write that may wait
// for the database's writer); otherwise it queues it on `pool` (and always
// on PostgreSQL: every read crosses the network and waits for the server,
// which may be down), whose threads run it and finish it; a call whose
// client gave up while it waited is ended without running it. Queued, a call costs a thread
// hand-off more (the bench: about 60 µs of CPU, 4 context switches). A call
// that finds the pool's queue full is answered UNAVAILABLE at once.
using EncodedReply = std::shared_ptr<const std::string>;

// The reply's bytes as one slice that holds `reply` (no copy).
grpc::ByteBuffer EncodedReplyBuffer(EncodedReply reply);

// `target_of` names the request's target for the guard (as ServeRead's
// `target`), from the request once it is decoded; a request that does not
// decode is refused as the server refuses any (RpcGuard::
// RefuseUnparsableRequest). `guard` and `pool` must outlive the server.
template <typename Request>
grpc::internal::MethodHandler* EncodedReadHandler(
    RpcGuard& guard, WorkPool& pool, bool inline_calls, std::string full_method,
    std::function<std::string(const Request&)> target_of,
    std::function<absl::StatusOr<EncodedReply>(const Caller&, const Request&)> call) {
  struct Method {
    RpcGuard& guard;
    std::string full_method;
    std::function<std::string(const Request&)> target_of;
    std::function<absl::StatusOr<EncodedReply>(const Caller&, const Request&)> call;
  };
  auto method = std::make_shared<const Method>(
      Method{guard, std::move(full_method), std::move(target_of), std::move(call)});
  return new grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
      [method, &pool, inline_calls](grpc::CallbackServerContext* context,
                                    const grpc::ByteBuffer* received,
                                    grpc::ByteBuffer* sent) -> grpc::ServerUnaryReactor* {
        grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
        auto request = std::make_shared<Request>();
        grpc::ByteBuffer bytes(*received);
        const bool parsed = grpc::SerializationTraits<Request>::Deserialize(&bytes,
                                                                           request.get()).ok();
        // `sent` belongs to the call until Finish.
        auto serve = [method, context, request, parsed, sent, reactor] {
          if (context->IsCancelled()) {
            // Queued while the client gave up (cancelled, or its deadline passed).
            reactor->Finish(grpc::Status(EndedByClientCode(*context), "the call ended first"));
            return;
          }
          if (!parsed) {
            reactor->Finish(method->guard.RefuseUnparsableRequest(context, method->full_method));
            return;
          }
          EncodedReply reply;
          grpc::Status status = ServeRead<EncodedReply>(
              method->guard, context, method->full_method, method->target_of(*request),
              *request, [&](const Caller& caller) { return method->call(caller, *request); },
              &reply);
          if (status.ok()) *sent = EncodedReplyBuffer(std::move(reply));
          reactor->Finish(status);
        };
        // Inline only what cannot wait for the database's writer: a parsed
        // request of a caller the guard lets in (a refusal or an unparsable
        // request is written to the audit chain).
        if (inline_calls && parsed && method->guard.Admits(context, method->full_method)) {
          serve();
        } else if (!pool.Run(serve)) {
          reactor->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                       "the server has too many reads waiting; retry"));
        }
        return reactor;
      });
}

// The index of `full_method` (/package.Service/Method) in its service, as
// the generated Service numbers its methods (the order of the .proto);
// aborts for a method the compiled-in protos do not have (a typo is a
// programming error, found at the first start).
int MethodIndex(std::string_view full_method);

// The descriptor of `full_method` (/package.Service/Method) in the
// compiled-in protos, nullptr when there is none.
const google::protobuf::MethodDescriptor* MethodDescriptorOf(std::string_view full_method);

template <typename Response>
grpc::Status ServeMutation(RpcGuard& guard, grpc::ServerContext* context,
                           std::string_view full_method, std::string_view target,
                           std::string_view request_id,
                           const google::protobuf::Message& request,
                           const std::function<absl::StatusOr<Response>(const Caller&)>& call,
                           Response* response) {
  auto caller = AdmitRequest(guard, context, full_method, target, request, request_id);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<Response> result = call(*caller);
  if (!result.ok()) return guard.Finish(*caller, target, result.status());
  *response = std::move(*result);
  return grpc::Status::OK;
}

// How a watch stream whose client went away ended, for the status it
// returns (which the request log records): EndedByClientCode (rpc_log.h).
// Never OK: the stream did not end by its own choice.
inline grpc::Status EndedByClient(const grpc::ServerContext& context) {
  const grpc::StatusCode code = EndedByClientCode(context);
  return grpc::Status(code, code == grpc::StatusCode::DEADLINE_EXCEEDED
                                ? "watch deadline reached"
                                : "watch cancelled by the client");
}

// The loop of a resumable watch stream (after authorization). Events are
// rows whose sequence is the resume token: read those after the cursor
// (`read_after` returns the visible ones and sets *scanned_to to the last
// sequence it examined), send them, then wait for a commit (`notifier`) or
// the poll interval and read again. The cursor only moves forward, so a
// client that resumes with its last sequence misses nothing.
// How it ends:
//   - OK when, with backlog_only, the backlog is sent;
//   - UNAVAILABLE "server is shutting down …" as soon as the server stops
//     accepting calls (SIGTERM: the guard's accepting() turns false), within
//     kStopCheck, so a watch never holds up a shutdown and its client
//     reconnects (to another replica) and resumes from the last sequence;
//   - CANCELLED / DEADLINE_EXCEEDED when the client went away or its
//     deadline passed (EndedByClient);
//   - `fail(status)` when a read fails.
template <typename Event>
grpc::Status StreamEventRows(
    const RpcGuard& guard, grpc::ServerContext* context, grpc::ServerWriter<Event>* writer,
    const EventNotifier& notifier, int64_t since_sequence, bool backlog_only,
    const std::function<absl::StatusOr<std::vector<Event>>(int64_t after, int64_t* scanned_to)>&
        read_after,
    const std::function<grpc::Status(const absl::Status&)>& fail,
    std::chrono::milliseconds poll = std::chrono::milliseconds(500)) {
  // How often a waiting stream looks at the shutdown flag and the client.
  constexpr std::chrono::milliseconds kStopCheck(50);
  int64_t cursor = since_sequence;
  auto stopping = [&] {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                        absl::StrCat("server is shutting down; reconnect and resume with "
                                     "since_sequence ",
                                     cursor));
  };
  for (;;) {
    if (context->IsCancelled()) return EndedByClient(*context);
    if (!guard.accepting()) return stopping();
    const uint64_t generation = notifier.generation();
    int64_t scanned_to = cursor;
    auto events = read_after(cursor, &scanned_to);
    if (!events.ok()) return fail(events.status());
    for (const auto& event : *events) {
      if (!writer->Write(event)) return EndedByClient(*context);
    }
    const bool caught_up = scanned_to == cursor;
    cursor = scanned_to;
    if (!caught_up) continue;  // there may be more backlog
    if (backlog_only) return grpc::Status::OK;
    // Wait for a commit or the poll interval, in slices short enough to
    // notice a shutdown or a departed client promptly.
    const auto wake_at = std::chrono::steady_clock::now() + poll;
    while (notifier.generation() == generation && guard.accepting() &&
           !context->IsCancelled() && std::chrono::steady_clock::now() < wake_at) {
      notifier.WaitForChange(generation, kStopCheck);
    }
  }
}

}  // namespace seccoord::runtime

#endif  // SECCOORD_SERVICES_RUNTIME_SERVER_SERVE_H_
