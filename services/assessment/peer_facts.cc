#include "services/assessment/peer_facts.h"

#include <utility>

#include "common/status.h"
#include "services/runtime/db/proto_column.h"

namespace seccoord::assessment {
namespace {

// The kinds and key of the assessment_peer_facts rows.
constexpr char kFindingsKind[] = "findings";
constexpr char kDocumentsKind[] = "documents";
constexpr char kDocumentsKey[] = "";

// The fact of a stored row. A row whose body does not decode shows as never
// read (stale), as a missing one does: a status read is no place to fail
// over a peer fact.
template <typename Proto>
std::shared_ptr<const PeerFactOf<Proto>> FactOfRow(const AssessmentStore::Tx::PeerFact& row,
                                                   const char* what) {
  auto fact = std::make_shared<PeerFactOf<Proto>>();
  fact->ok = row.ok;
  fact->as_of_us = row.as_of_us;
  fact->has_value = !row.body.empty() && db::DecodeProtoColumn(row.body, &fact->value, what).ok();
  return fact;
}

// The fact after a read at `time_us` that returned `value`, or failed
// (nullptr): the last value and its time are kept, no longer ok.
template <typename Proto>
std::shared_ptr<const PeerFactOf<Proto>> FactAfterRead(
    const std::shared_ptr<const PeerFactOf<Proto>>& previous, int64_t time_us,
    const Proto* value) {
  if (value == nullptr) {
    auto fact = previous == nullptr ? std::make_shared<PeerFactOf<Proto>>()
                                    : std::make_shared<PeerFactOf<Proto>>(*previous);
    fact->ok = false;
    return fact;
  }
  auto fact = std::make_shared<PeerFactOf<Proto>>();
  fact->ok = true;
  fact->as_of_us = time_us;
  fact->has_value = true;
  fact->value = *value;
  return fact;
}

}  // namespace

absl::Status PeerFactCache::LoadLocked() {
  if (loaded_) return absl::OkStatus();
  std::vector<std::pair<std::string, AssessmentStore::Tx::PeerFact>> findings;
  std::optional<AssessmentStore::Tx::PeerFact> documents;
  SECCOORD_RETURN_IF_ERROR(store_.Read([&](AssessmentStore::Tx& tx) -> absl::Status {
    SECCOORD_ASSIGN_OR_RETURN(findings, tx.ListPeerFacts(kFindingsKind));
    SECCOORD_ASSIGN_OR_RETURN(documents, tx.GetPeerFact(kDocumentsKind, kDocumentsKey));
    return absl::OkStatus();
  }));
  findings_.clear();
  for (const auto& [organization, row] : findings) {
    findings_[organization] = FactOfRow<v1::FindingsSummary>(row, "findings summary");
  }
  documents_ =
      documents ? FactOfRow<v1::ListDocumentsResponse>(*documents, "policy documents") : nullptr;
  loaded_ = true;
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> PeerFactCache::Generation() {
  if (!loaded_.load(std::memory_order_acquire)) {
    std::lock_guard<std::mutex> lock(mu_);
    SECCOORD_RETURN_IF_ERROR(LoadLocked());
  }
  return generation_.load(std::memory_order_acquire);
}

absl::StatusOr<std::shared_ptr<const FindingsFact>> PeerFactCache::Findings(
    const std::string& organization) {
  std::lock_guard<std::mutex> lock(mu_);
  SECCOORD_RETURN_IF_ERROR(LoadLocked());
  auto it = findings_.find(organization);
  if (it == findings_.end()) return std::shared_ptr<const FindingsFact>();
  return it->second;
}

absl::StatusOr<std::map<std::string, std::shared_ptr<const FindingsFact>>>
PeerFactCache::FindingsBetween(const std::string& from, const std::string& to) {
  std::lock_guard<std::mutex> lock(mu_);
  SECCOORD_RETURN_IF_ERROR(LoadLocked());
  std::map<std::string, std::shared_ptr<const FindingsFact>> out;
  if (!from.empty() && !to.empty() && to < from) return out;
  auto begin = from.empty() ? findings_.begin() : findings_.lower_bound(from);
  auto end = to.empty() ? findings_.end() : findings_.upper_bound(to);
  out.insert(begin, end);
  return out;
}

absl::StatusOr<std::shared_ptr<const DocumentsFactRead>> PeerFactCache::Documents() {
  std::lock_guard<std::mutex> lock(mu_);
  SECCOORD_RETURN_IF_ERROR(LoadLocked());
  return documents_;
}

absl::Status PeerFactCache::RecordFindings(const std::vector<FindingsRead>& reads) {
  if (reads.empty()) return absl::OkStatus();
  SECCOORD_RETURN_IF_ERROR(store_.Write([&](AssessmentStore::Tx& tx) -> absl::Status {
    for (const FindingsRead& read : reads) {
      SECCOORD_RETURN_IF_ERROR(tx.RecordPeerFact(
          kFindingsKind, read.organization, read.summary.has_value(), read.time_us,
          read.summary ? db::EncodeProtoColumn(*read.summary) : ""));
    }
    return absl::OkStatus();
  }));
  std::lock_guard<std::mutex> lock(mu_);
  // Not loaded yet: the first read loads the rows just written.
  if (!loaded_) return absl::OkStatus();
  for (const FindingsRead& read : reads) {
    std::shared_ptr<const FindingsFact>& fact = findings_[read.organization];
    fact = FactAfterRead(fact, read.time_us, read.summary ? &*read.summary : nullptr);
  }
  generation_.fetch_add(1, std::memory_order_acq_rel);
  return absl::OkStatus();
}

absl::Status PeerFactCache::RecordDocuments(int64_t time_us,
                                            const v1::ListDocumentsResponse* documents) {
  const std::string body = documents != nullptr ? db::EncodeProtoColumn(*documents) : "";
  SECCOORD_RETURN_IF_ERROR(store_.Write([&](AssessmentStore::Tx& tx) {
    return tx.RecordPeerFact(kDocumentsKind, kDocumentsKey, documents != nullptr, time_us, body);
  }));
  std::lock_guard<std::mutex> lock(mu_);
  if (!loaded_) return absl::OkStatus();
  documents_ = FactAfterRead(documents_, time_us, documents);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  return absl::OkStatus();
}

}  // namespace seccoord::assessment
