#include "services/runtime/event_notifier.h"

#include <utility>

#include "services/runtime/server/rpc_log.h"

namespace seccoord::runtime {
namespace {

// How long one wait of the listener lasts (bounds how late it sees a stop),
// and the pause before re-opening a lost listening connection.
constexpr std::chrono::milliseconds kListenWait{250};
constexpr std::chrono::milliseconds kReconnectPause{1000};

}  // namespace

EventNotifier::~EventNotifier() {
  stopping_.store(true);
  if (follower_.joinable()) follower_.join();
}

uint64_t EventNotifier::generation() const {
  std::lock_guard<std::mutex> lock(mu_);
  return generation_;
}

void EventNotifier::Notify() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++generation_;
  }
  changed_.notify_all();
}

void EventNotifier::WaitForChange(uint64_t seen, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait_for(lock, timeout, [&] { return generation_ != seen; });
}

void EventNotifier::FollowDatabase(db::Database& db, std::string channel) {
  if (follower_.joinable()) return;
  follower_ = std::thread(&EventNotifier::FollowLoop, this, &db, std::move(channel));
}

void EventNotifier::FollowLoop(db::Database* db, std::string channel) {
  std::unique_ptr<db::ChangeListener> listener;
  while (!stopping_.load()) {
    if (listener == nullptr) {
      auto opened = db->Listen(channel);
      if (!opened.ok()) {
        LogServerEvent("warning", std::string("change listener: ") +
                                      std::string(opened.status().message()));
        std::this_thread::sleep_for(kReconnectPause);
        continue;
      }
      if (*opened == nullptr) return;  // the driver needs no listener
      listener = std::move(*opened);
      Notify();  // events may have been missed while not listening
    }
    auto signalled = listener->Wait(kListenWait);
    if (!signalled.ok()) {
      listener.reset();
      continue;
    }
    if (*signalled) Notify();
  }
}

}  // namespace seccoord::runtime
