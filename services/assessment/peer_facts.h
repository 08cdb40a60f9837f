// PeerFactCache: the facts a status read shows from the peers (each
// organisation's asset findings summary, the policy documents), decoded
// once and kept in memory, so that a status read neither calls a peer nor
// reads or decodes their rows.
//
// The store's assessment_peer_facts table stays the record: Record* writes
// the row first and changes the cache only once that write committed; the
// first read of a cache loads every row, so a restarted server shows what
// was read before it stopped, with its as-of time. After that the cache
// changes only through Record* — the background refresher of this process
// (peer_refresher.h) is the only writer of facts, and each server process
// sharing a PostgreSQL database runs its own, so its reads show its own
// refresher's facts (each with its as-of time, which is what staleness is
// judged by).
//
// A failed read of a peer keeps the last summary and its as-of time and
// marks the fact not ok, as the row does (AssessmentStore::Tx::RecordPeerFact).
//
// Thread-safety: safe from many threads. The facts handed out are
// immutable and shared; a record replaces them, never changes them.
#ifndef SECCOORD_SERVICES_ASSESSMENT_PEER_FACTS_H_
#define SECCOORD_SERVICES_ASSESSMENT_PEER_FACTS_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "seccoord/v1/asset.pb.h"
#include "seccoord/v1/policy.pb.h"
#include "services/assessment/assessment_store.h"

namespace seccoord::assessment {

// A fact as last read from a peer: `value` is what the last successful
// read returned (has_value false: never read, or its row did not decode).
template <typename Proto>
struct PeerFactOf {
  bool ok = false;       // the last try succeeded
  int64_t as_of_us = 0;  // the last successful read (0 = never)
  bool has_value = false;
  Proto value;
};
// One organisation's findings summary (asset service), with its counts per
// rule.
using FindingsFact = PeerFactOf<v1::FindingsSummary>;
// The policy documents (policy service).
using DocumentsFactRead = PeerFactOf<v1::ListDocumentsResponse>;

class PeerFactCache {
 public:
  // `store` must outlive the cache.
  explicit PeerFactCache(AssessmentStore& store) : store_(store) {}

  // The findings fact of `organization`, nullptr when none was ever
  // recorded. An error only when the first load of the rows fails (tried
  // again by the next read).
  absl::StatusOr<std::shared_ptr<const FindingsFact>> Findings(const std::string& organization);
  // Every organisation's findings fact with a key in [from, to] ("" =
  // unbounded), by organisation.
  absl::StatusOr<std::map<std::string, std::shared_ptr<const FindingsFact>>> FindingsBetween(
      const std::string& from, const std::string& to);
  // The documents fact, nullptr when never recorded.
  absl::StatusOr<std::shared_ptr<const DocumentsFactRead>> Documents();

  // One read of an organisation's findings: its summary, or none when the
  // read failed.
  struct FindingsRead {
    std::string organization;
    int64_t time_us = 0;
    std::optional<v1::FindingsSummary> summary;
  };
  // Records `reads` in one transaction (a refresh of many organisations
  // costs one commit per batch, not one per organisation).
  absl::Status RecordFindings(const std::vector<FindingsRead>& reads);
  // Records a read of the documents: `documents`, or nullptr when it failed.
  absl::Status RecordDocuments(int64_t time_us, const v1::ListDocumentsResponse* documents);

  // Advanced whenever a fact handed out may differ from before (every
  // record after the first load, which it does if not yet done). Read it
  // BEFORE reading the facts: what was built from them is then never newer
  // than the generation it is filed under.
  absl::StatusOr<uint64_t> Generation();

 private:
  // Loads every row once; mu_ held.
  absl::Status LoadLocked();

  AssessmentStore& store_;
  std::mutex mu_;
  std::atomic<bool> loaded_{false};  // set with mu_ held, once the rows are in
  std::map<std::string, std::shared_ptr<const FindingsFact>> findings_;  // guarded by mu_
  std::shared_ptr<const DocumentsFactRead> documents_;                  // guarded by mu_
  std::atomic<uint64_t> generation_{0};  // advanced with mu_ held, after the change
};

}  // namespace seccoord::assessment

#endif  // SECCOORD_SERVICES_ASSESSMENT_PEER_FACTS_H_
