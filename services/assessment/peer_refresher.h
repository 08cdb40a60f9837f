// PeerFactsRefresher: keeps the facts the aggregated status shows from the
// peers fresh, in the background, so that a status read never calls a peer:
//   - every period it reads each federation organisation's findings summary
//     (asset service) and the policy documents (policy service);
//   - it follows the policy service's revision event stream and reads the
//     documents again at once when a revision is published, reconnecting
//     (from its last sequence) when the stream breaks.
// A peer that is down only makes its facts stale (AssessmentLogic records
// the failed try); nothing here blocks a call.
//
// Thread-safety: Start and the destructor are called by one thread; the
// work runs on two threads of its own, which the destructor stops.
#ifndef SECCOORD_SERVICES_ASSESSMENT_PEER_REFRESHER_H_
#define SECCOORD_SERVICES_ASSESSMENT_PEER_REFRESHER_H_

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "services/assessment/assessment_logic.h"
#include "services/assessment/peers.h"

namespace seccoord::assessment {

class PeerFactsRefresher {
 public:
  // `logic` and `policy` must outlive the refresher.
  PeerFactsRefresher(AssessmentLogic& logic, PolicyPeer& policy)
      : logic_(logic), policy_(policy) {}
  ~PeerFactsRefresher();
  PeerFactsRefresher(const PeerFactsRefresher&) = delete;
  PeerFactsRefresher& operator=(const PeerFactsRefresher&) = delete;

  // Starts both threads (the first refresh runs at once). Call once.
  void Start();

 private:
  void PeriodicLoop();
  void WatchLoop();
  // Waits up to `timeout` or until stopping; true when stopping.
  bool WaitOrStop(absl::Duration timeout);

  AssessmentLogic& logic_;
  PolicyPeer& policy_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;               // guarded by mu_
  std::function<void()> cancel_watch_;  // guarded by mu_
  std::thread periodic_;
  std::thread watch_;
};

}  // namespace seccoord::assessment

#endif  // SECCOORD_SERVICES_ASSESSMENT_PEER_REFRESHER_H_
