// StatusReplyCache: status replies (GetFederationStatus pages and
// GetOrganizationStatus replies) as built and encoded, kept for the next
// caller who asks for the same one.
//
// A status reply is the same for every caller (summary figures only, no
// per-caller filtering), and it is read far more often than the rows under
// it change, yet building one costs several times sending its bytes: a
// federation page decodes a hundred rows and encodes a hundred statuses; an
// organisation's reply reads its summary row from a table of every
// organisation and year (on a national database, a page the reader's cache
// rarely holds) and encodes it. An entry is served only while
//   - the store's status version (AssessmentStore::Tx::StatusVersion, one
//     point read of a one-row table, advanced by every summary row written
//     by any replica) and the peer facts' generation
//     (PeerFactCache::Generation) are those it was built at — so a reader
//     never sees a reply older than a change that committed before its read
//     began — and
//   - it is younger than kMaxAgeUs: the figures computed from the clock at
//     read time are at most that late. They change at midnight (ages in
//     days, overdue remediations) or minutes after a peer stopped answering
//     (stale flags, three refresh periods), so ten seconds is nothing to
//     them, while a national walk of 30 federation pages or 3,000
//     organisations would otherwise be built again every few seconds.
// Entries are bounded in number (the constructor's max_entries); the one
// stored first goes first.
//
// Thread-safety: safe from many threads; replies are immutable and shared.
#ifndef SECCOORD_SERVICES_ASSESSMENT_STATUS_REPLY_CACHE_H_
#define SECCOORD_SERVICES_ASSESSMENT_STATUS_REPLY_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace seccoord::assessment {

class StatusReplyCache {
 public:
  // What a reply was built from.
  struct Version {
    int64_t status = 0;       // AssessmentStore::Tx::StatusVersion
    uint64_t peer_facts = 0;  // PeerFactCache::Generation
    bool operator==(const Version& other) const {
      return status == other.status && peer_facts == other.peer_facts;
    }
  };

  static constexpr int64_t kMaxAgeUs = 10'000'000;

  explicit StatusReplyCache(size_t max_entries) : max_entries_(max_entries) {}

  // The reply filed under `key`, built at `version` within kMaxAgeUs before
  // `now_us`; nullptr otherwise.
  std::shared_ptr<const std::string> Find(const std::string& key, const Version& version,
                                          int64_t now_us) const;
  // Files `reply` under `key`, unless one built later is already there.
  void Store(const std::string& key, const Version& version, int64_t built_us,
             std::shared_ptr<const std::string> reply);

 private:
  struct Entry {
    Version version;
    int64_t built_us = 0;
    std::shared_ptr<const std::string> reply;
  };
  const size_t max_entries_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mu_
  std::deque<std::string> stored_order_;            // guarded by mu_: keys, first stored first
};

}  // namespace seccoord::assessment

#endif  // SECCOORD_SERVICES_ASSESSMENT_STATUS_REPLY_CACHE_H_
