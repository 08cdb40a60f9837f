#include "services/assessment/peer_refresher.h"

#include <chrono>

namespace seccoord::assessment {

PeerFactsRefresher::~PeerFactsRefresher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    if (cancel_watch_) cancel_watch_();
  }
  wake_.notify_all();
  if (periodic_.joinable()) periodic_.join();
  if (watch_.joinable()) watch_.join();
}

void PeerFactsRefresher::Start() {
  periodic_ = std::thread([this] { PeriodicLoop(); });
  watch_ = std::thread([this] { WatchLoop(); });
}

bool PeerFactsRefresher::WaitOrStop(absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  wake_.wait_for(lock, std::chrono::microseconds(absl::ToInt64Microseconds(timeout)),
                 [this] { return stopping_; });
  return stopping_;
}

void PeerFactsRefresher::PeriodicLoop() {
  do {
    // Failures are recorded as stale facts; there is nobody to return them to.
    auto orgs = logic_.FederationOrganizations();
    if (orgs.ok()) {
      logic_
          .RefreshFindings(*orgs,
                           [this] {
                             std::lock_guard<std::mutex> lock(mu_);
                             return stopping_;
                           })
          .IgnoreError();
    }
    logic_.RefreshDocuments().IgnoreError();
  } while (!WaitOrStop(logic_.status_config().refresh_period));
}

void PeerFactsRefresher::WatchLoop() {
  int64_t last = 0;
  do {
    absl::Status status = policy_.WatchRevisionEvents(
        last,
        [&](const v1::RevisionEvent& event) {
          last = event.sequence();
          // A publication changes the revision in force and review dates.
          if (event.type() == v1::REVISION_EVENT_TYPE_PUBLISHED) {
            logic_.RefreshDocuments().IgnoreError();
          }
        },
        [&](std::function<void()> cancel) {
          std::lock_guard<std::mutex> lock(mu_);
          cancel_watch_ = stopping_ ? nullptr : std::move(cancel);
          if (stopping_) cancel();
        });
    {
      std::lock_guard<std::mutex> lock(mu_);
      cancel_watch_ = nullptr;
    }
    // Reconnect after a pause (the peer restarting), resuming at `last`.
  } while (!WaitOrStop(absl::Seconds(2)));
}

}  // namespace seccoord::assessment
