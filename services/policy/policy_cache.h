// ImmutableRowCache: the policy service's cache of rows that never change
// once written (DESIGN.md "Storage": servers keep no state of their own
// beyond caches of immutable rows, so replicas may share one database).
//
// What is cached, and why it cannot go stale:
//   - documents (id, tier, title, visibility, review interval): seeded by a
//     migration; no statement updates or deletes them;
//   - the articles of a published revision, keyed by (document_id, number)
//     and tagged with the revision's content hash. Only a DRAFT's content can
//     be edited; publication fixes the content hash (recomputed from the
//     stored articles) and chains it. A lookup names the content hash of the
//     row it has just read from the database and misses on any difference,
//     so even a database rebuilt under the same numbers is never answered
//     with another revision's text.
// Never cached: a revision's row (state, etag, dates, …), which revision is
// in force, counts, events, acknowledgements — anything this or another
// replica could change is read from the database on every call.
//
// Entries are put only from read-only transactions (committed data); see
// PolicyStore::Read. Bounded: when a map is full it is emptied and refilled
// on demand.
//
// Thread-safety: safe from many threads.
#ifndef SECCOORD_SERVICES_POLICY_POLICY_CACHE_H_
#define SECCOORD_SERVICES_POLICY_POLICY_CACHE_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "google/protobuf/repeated_ptr_field.h"
#include "seccoord/v1/policy.pb.h"

namespace seccoord::policy {

// The immutable content of one published revision.
struct PublishedContent {
  PublishedContent(std::string hash, const google::protobuf::RepeatedPtrField<v1::Article>& list);

  std::string content_hash;
  google::protobuf::RepeatedPtrField<v1::Article> articles;
  // Each article serialised once (what serialising it inside a Revision
  // would write after its tag and length), for ArticleForm::kEncoded.
  std::vector<std::string> encoded_articles;
};

class ImmutableRowCache {
 public:
  static constexpr size_t kMaxDocuments = 64;
  static constexpr size_t kMaxRevisions = 128;

  std::optional<v1::Document> FindDocument(const std::string& id) const;
  void PutDocument(const v1::Document& document);

  // The content of (document_id, number) if cached with this content hash.
  std::shared_ptr<const PublishedContent> FindContent(const std::string& document_id,
                                                      int64_t number,
                                                      const std::string& content_hash) const;
  void PutContent(const std::string& document_id, int64_t number,
                  std::shared_ptr<const PublishedContent> content);

  // Lookups answered from the cache and lookups that had to read the
  // database, of revision content (for tests and diagnostics).
  int64_t content_hits() const { return content_hits_.load(std::memory_order_relaxed); }
  int64_t content_misses() const { return content_misses_.load(std::memory_order_relaxed); }
  // Revisions whose content is cached now.
  size_t content_size() const;

 private:
  using RevisionKey = std::pair<std::string, int64_t>;

  mutable std::mutex mu_;
  std::map<std::string, v1::Document> documents_;                          // guarded by mu_
  std::map<RevisionKey, std::shared_ptr<const PublishedContent>> content_;  // guarded by mu_
  mutable std::atomic<int64_t> content_hits_{0};
  mutable std::atomic<int64_t> content_misses_{0};
};

}  // namespace seccoord::policy

#endif  // SECCOORD_SERVICES_POLICY_POLICY_CACHE_H_
