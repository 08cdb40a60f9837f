// EventNotifier: wakes stream handlers (watch) when new event rows exist.
//
// Events are rows in the database and their sequence is the resume token, so
// a watcher never depends on this notifier for correctness: it re-reads the
// table after every wake-up, and also wakes on a bounded poll interval. The
// notifier only makes the wake-up prompt:
//   - writers in this process call Notify() after committing;
//   - on PostgreSQL, FollowDatabase() listens (LISTEN/NOTIFY) for commits of
//     other replicas sharing the database, which signal the same channel with
//     Transaction::NotifyOnCommit. On SQLite there is one writer process and
//     FollowDatabase does nothing.
//
// Thread-safety: all methods are safe from any thread. The destructor stops
// the listener thread; the Database must outlive the notifier.
#ifndef SECCOORD_SERVICES_RUNTIME_EVENT_NOTIFIER_H_
#define SECCOORD_SERVICES_RUNTIME_EVENT_NOTIFIER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "services/runtime/db/database.h"

namespace seccoord::runtime {

class EventNotifier {
 public:
  EventNotifier() = default;
  ~EventNotifier();
  EventNotifier(const EventNotifier&) = delete;
  EventNotifier& operator=(const EventNotifier&) = delete;

  // The current generation; pass it to WaitForChange.
  uint64_t generation() const;

  // Called after a commit that appended events.
  void Notify();

  // Blocks until the generation differs from `seen` or `timeout` passes.
  void WaitForChange(uint64_t seen, std::chrono::milliseconds timeout) const;

  // Starts a thread that calls Notify() whenever another process commits a
  // transaction that signalled `channel` (no thread when the driver needs
  // none). Call once. A lost connection is re-opened after a pause; until
  // then watchers fall back to their poll interval.
  void FollowDatabase(db::Database& db, std::string channel);

 private:
  void FollowLoop(db::Database* db, std::string channel);

  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  uint64_t generation_ = 0;  // guarded by mu_
  std::atomic<bool> stopping_{false};
  std::thread follower_;
};

}  // namespace seccoord::runtime

#endif  // SECCOORD_SERVICES_RUNTIME_EVENT_NOTIFIER_H_
