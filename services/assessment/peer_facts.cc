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

std::shared_ptr<const FindingsFact> FindingsOf(const AssessmentStore::Tx::PeerFact& row) {
  auto fact = std::make_shared<FindingsFact>();
  fact->ok = row.ok;
  fact->as_of_us = row.as_of_us;
  // A row whose body does not decode shows as never read (stale), as a
  // missing one does: a status read is no place to fail over a peer fact.
  if (!row.body.empty() &&
      db::DecodeProtoColumn(row.body, &fact->summary, "findings summary").ok()) {
    fact->has_summary = true;
  }
  return fact;
}

std::shared_ptr<const DocumentsFactRead> DocumentsOf(const AssessmentStore::Tx::PeerFact& row) {
  auto fact = std::make_shared<DocumentsFactRead>();
  fact->ok = row.ok;
  fact->as_of_us = row.as_of_us;
  if (!row.body.empty() &&
      db::DecodeProtoColumn(row.body, &fact->documents, "policy documents").ok()) {
    fact->has_documents = true;
  }
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
  for (const auto& [organization, row] : findings) findings_[organization] = FindingsOf(row);
  documents_ = documents ? DocumentsOf(*documents) : nullptr;
  loaded_ = true;
  return absl::OkStatus();
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
    std::shared_ptr<FindingsFact> fact;
    if (read.summary) {
      fact = std::make_shared<FindingsFact>();
      fact->ok = true;
      fact->as_of_us = read.time_us;
      fact->has_summary = true;
      fact->summary = *read.summary;
    } else {
      auto it = findings_.find(read.organization);
      fact = it == findings_.end() ? std::make_shared<FindingsFact>()
                                   : std::make_shared<FindingsFact>(*it->second);
      fact->ok = false;
    }
    findings_[read.organization] = std::move(fact);
  }
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
  std::shared_ptr<DocumentsFactRead> fact;
  if (documents != nullptr) {
    fact = std::make_shared<DocumentsFactRead>();
    fact->ok = true;
    fact->as_of_us = time_us;
    fact->has_documents = true;
    fact->documents = *documents;
  } else {
    fact = documents_ == nullptr ? std::make_shared<DocumentsFactRead>()
                                 : std::make_shared<DocumentsFactRead>(*documents_);
    fact->ok = false;
  }
  documents_ = std::move(fact);
  return absl::OkStatus();
}

}  // namespace seccoord::assessment
