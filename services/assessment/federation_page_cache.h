// FederationPageCache: federation pages (GetFederationStatus replies) as
// built and encoded, kept for the next caller who asks for the same page.
//
// A page is the same for every caller (summary figures only, no
// per-caller filtering), and it is read far more often than the rows under
// it change, yet building one decodes a hundred rows and encodes a hundred
// statuses: several times the cost of sending its bytes. An entry is
// served only while
//   - the store's status version (AssessmentStore::Tx::StatusVersion, one
//     point read, advanced by every summary row written by any replica)
//     and the peer facts' generation (PeerFactCache::Generation) are those
//     it was built at — so a reader never sees a page older than a change
//     that committed before its read began — and
//   - it is younger than kMaxAge: the figures computed from the clock at
//     read time (ages in days, overdue remediations, stale flags) are at
//     most that late.
// Entries are bounded in number (kMaxEntries); the oldest goes first.
//
// Thread-safety: safe from many threads; pages are immutable and shared.
#ifndef SECCOORD_SERVICES_ASSESSMENT_FEDERATION_PAGE_CACHE_H_
#define SECCOORD_SERVICES_ASSESSMENT_FEDERATION_PAGE_CACHE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace seccoord::assessment {

class FederationPageCache {
 public:
  // What a page was built from.
  struct Version {
    int64_t status = 0;       // AssessmentStore::Tx::StatusVersion
    uint64_t peer_facts = 0;  // PeerFactCache::Generation
    bool operator==(const Version& other) const {
      return status == other.status && peer_facts == other.peer_facts;
    }
  };

  static constexpr int64_t kMaxAgeUs = 1'000'000;
  static constexpr size_t kMaxEntries = 64;

  // The page filed under `key`, built at `version` within kMaxAgeUs before
  // `now_us`; nullptr otherwise.
  std::shared_ptr<const std::string> Find(const std::string& key, const Version& version,
                                          int64_t now_us) const;
  // Files `page` under `key`, unless a page built later is already there.
  void Store(const std::string& key, const Version& version, int64_t built_us,
             std::shared_ptr<const std::string> page);

 private:
  struct Entry {
    Version version;
    int64_t built_us = 0;
    std::shared_ptr<const std::string> page;
  };
  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;  // guarded by mu_
};

}  // namespace seccoord::assessment

#endif  // SECCOORD_SERVICES_ASSESSMENT_FEDERATION_PAGE_CACHE_H_
