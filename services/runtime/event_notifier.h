// EventNotifier: wakes stream handlers (watch) when new event rows exist.
//
// Events are rows in the database, and their sequence is the resume token, so
// a watcher never depends on this notifier for correctness: it re-reads the
// table after every wake-up. The notifier only shortens the wait. Writers in
// this process call Notify() after committing; watchers also wake on a
// bounded poll interval, which is how a replica learns of events written by
// another replica on a shared PostgreSQL database.
//
// Thread-safety: all methods are safe from any thread.
#ifndef SECCOORD_SERVICES_RUNTIME_EVENT_NOTIFIER_H_
#define SECCOORD_SERVICES_RUNTIME_EVENT_NOTIFIER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace seccoord::runtime {

class EventNotifier {
 public:
  // The current generation; pass it to WaitForChange.
  uint64_t generation() const {
    std::lock_guard<std::mutex> lock(mu_);
    return generation_;
  }

  // Called after a commit that appended events.
  void Notify() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++generation_;
    }
    changed_.notify_all();
  }

  // Blocks until the generation differs from `seen` or `timeout` passes.
  void WaitForChange(uint64_t seen, std::chrono::milliseconds timeout) const {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait_for(lock, timeout, [&] { return generation_ != seen; });
  }

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  uint64_t generation_ = 0;
};

}  // namespace seccoord::runtime

#endif  // SECCOORD_SERVICES_RUNTIME_EVENT_NOTIFIER_H_
