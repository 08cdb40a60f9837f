#include "services/assessment/federation_page_cache.h"

#include <utility>

namespace seccoord::assessment {

std::shared_ptr<const std::string> FederationPageCache::Find(const std::string& key,
                                                             const Version& version,
                                                             int64_t now_us) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  const Entry& entry = it->second;
  // A clock that went back (or a test's) makes the entry too old as well.
  if (!(entry.version == version) || now_us < entry.built_us ||
      now_us - entry.built_us >= kMaxAgeUs) {
    return nullptr;
  }
  return entry.page;
}

void FederationPageCache::Store(const std::string& key, const Version& version,
                                int64_t built_us, std::shared_ptr<const std::string> page) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    // Two builds of one page raced: keep the newer.
    if (it->second.version.status > version.status ||
        (it->second.version.status == version.status && it->second.built_us > built_us)) {
      return;
    }
    it->second = Entry{version, built_us, std::move(page)};
    return;
  }
  if (entries_.size() >= kMaxEntries) {
    auto oldest = entries_.begin();
    for (auto e = entries_.begin(); e != entries_.end(); ++e) {
      if (e->second.built_us < oldest->second.built_us) oldest = e;
    }
    entries_.erase(oldest);
  }
  entries_.emplace(key, Entry{version, built_us, std::move(page)});
}

}  // namespace seccoord::assessment
