// WorkPool: a fixed set of threads that run queued work in order, for work
// that may block (a database read, a page build) and is started from a
// thread that must not block: gRPC's callback threads, of which there are
// about as many as cores, and which also do gRPC's own work. A handler of
// the callback API queues its call here and returns; the work finishes the
// call's reactor when done (serve.h, EncodedReadHandler).
//
// Run refuses work (false) beyond max_queued waiting items, so a stalled
// database cannot queue calls without bound; the caller answers those at
// once (UNAVAILABLE). The destructor runs what is queued, then joins.
//
// Thread-safety: Run is safe from many threads.
#ifndef SECCOORD_SERVICES_RUNTIME_SERVER_WORK_POOL_H_
#define SECCOORD_SERVICES_RUNTIME_SERVER_WORK_POOL_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace seccoord::runtime {

class WorkPool {
 public:
  WorkPool(int threads, size_t max_queued);
  ~WorkPool();
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  // Queues `work` for one of the threads; false (and `work` not run) when
  // max_queued items already wait.
  bool Run(std::function<void()> work);

 private:
  void Loop();

  const size_t max_queued_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace seccoord::runtime

#endif  // SECCOORD_SERVICES_RUNTIME_SERVER_WORK_POOL_H_
