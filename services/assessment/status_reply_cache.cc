#include "services/assessment/status_reply_cache.h"

#include <tuple>
#include <utility>

namespace seccoord::assessment {

std::shared_ptr<const std::string> StatusReplyCache::Find(const std::string& key,
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
  return entry.reply;
}

void StatusReplyCache::Store(const std::string& key, const Version& version, int64_t built_us,
                             std::shared_ptr<const std::string> reply) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    // Two builds of one reply raced: keep the newer.
    const Entry& kept = it->second;
    if (std::tie(kept.version.status, kept.version.peer_facts, kept.built_us) >
        std::tie(version.status, version.peer_facts, built_us)) {
      return;
    }
    it->second = Entry{version, built_us, std::move(reply)};
    return;
  }
  while (!stored_order_.empty() && entries_.size() >= max_entries_) {
    entries_.erase(stored_order_.front());
    stored_order_.pop_front();
  }
  entries_.emplace(key, Entry{version, built_us, std::move(reply)});
  stored_order_.push_back(key);
}

}  // namespace seccoord::assessment
