// Peers: what the assessment service asks the other two services, behind
// narrow interfaces so the domain is tested with in-memory fakes and run
// with the gRPC clients below.
//
//   PolicyPeer  the basic-policy revision in force on a date (binding an
//               assessment, DESIGN.md "Assessment"); the documents with
//               their review dates (第8) and the revision event stream that
//               says when to read them again (aggregated status);
//   AssetPeer   an organisation's findings summary (findings beside the
//               items, the CRITICAL check when answering 実施).
//
// The gRPC clients call as seccoord://service/assessmentd over mTLS (the
// service's own certificate), put a deadline on every call, and let gRPC
// retry UNAVAILABLE through the channel's service config (retryPolicy), so a
// peer that restarts is ridden over and a peer that is down fails within
// the deadline instead of hanging. Errors come back as the peer's status
// (NOT_FOUND: no revision in force; UNAVAILABLE / DEADLINE_EXCEEDED: the
// peer is down or slow), for the domain to degrade on.
//
// Thread-safety: implementations are safe from many threads (a gRPC channel
// and stub are).
#ifndef SECCOORD_SERVICES_ASSESSMENT_PEERS_H_
#define SECCOORD_SERVICES_ASSESSMENT_PEERS_H_

#include <grpcpp/channel.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/civil_date.h"
#include "seccoord/v1/asset.pb.h"
#include "seccoord/v1/policy.pb.h"

namespace seccoord::assessment {

// The basic policy's document id in the policy service.
inline constexpr char kBasicPolicyDocument[] = "basic-policy";

class PolicyPeer {
 public:
  virtual ~PolicyPeer() = default;
  // The published revision of `document_id` in force on `date`
  // (GetRevision in_force_on); NOT_FOUND when none was.
  virtual absl::StatusOr<v1::Revision> RevisionInForce(const std::string& document_id,
                                                       const CivilDate& date) = 0;
  // The documents with their revision in force and review date
  // (ListDocuments).
  virtual absl::StatusOr<std::vector<v1::Document>> ListDocuments() = 0;
  // Streams revision events after `since` to `on_event` until the stream
  // ends (the peer went away, or the call was cancelled) and returns its
  // status. `on_start` receives, before the first read, a function that
  // cancels the stream from another thread. No deadline: a live stream.
  virtual absl::Status WatchRevisionEvents(
      int64_t since, const std::function<void(const v1::RevisionEvent&)>& on_event,
      const std::function<void(std::function<void()> cancel)>& on_start) = 0;
};

class AssetPeer {
 public:
  virtual ~AssetPeer() = default;
  // The organisation's findings summary (GetFindingsSummary).
  virtual absl::StatusOr<v1::FindingsSummary> FindingsSummary(const std::string& organization) = 0;
};

// How to reach the peers.
struct PeerOptions {
  // host:port of the policy and asset services.
  std::string policy_address;
  std::string asset_address;
  // PEM files: this service's certificate and key (its client identity,
  // seccoord://service/assessmentd) and the CA the peers' certificates
  // chain to.
  std::string tls_cert;
  std::string tls_key;
  std::string tls_ca;
  // Deadline of every call, retries included.
  absl::Duration deadline = absl::Seconds(2);
  // Largest message received, in bytes.
  int max_message_bytes = 4 << 20;
};

// The channel arguments and service config every peer channel uses:
// retryPolicy for UNAVAILABLE (3 attempts, 0.1 s → 0.5 s backoff) on the
// policy and asset services, and the message size limit.
std::string PeerServiceConfigJson();

// An mTLS channel to `address` with the peers' settings; INVALID_ARGUMENT /
// NOT_FOUND naming the TLS file that cannot be read.
absl::StatusOr<std::shared_ptr<grpc::Channel>> MakePeerChannel(const std::string& address,
                                                               const PeerOptions& options);

// gRPC clients of the peers.
absl::StatusOr<std::unique_ptr<PolicyPeer>> MakeGrpcPolicyPeer(const PeerOptions& options);
absl::StatusOr<std::unique_ptr<AssetPeer>> MakeGrpcAssetPeer(const PeerOptions& options);

}  // namespace seccoord::assessment

#endif  // SECCOORD_SERVICES_ASSESSMENT_PEERS_H_
