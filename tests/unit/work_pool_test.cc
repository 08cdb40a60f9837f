// WorkPool (services/runtime/server/work_pool.h): work runs on the pool's
// threads, a full queue refuses more, and the destructor runs what waits.
#include "services/runtime/server/work_pool.h"

#include <atomic>
#include <future>
#include <thread>

#include "gtest/gtest.h"

namespace seccoord::runtime {
namespace {

TEST(WorkPoolTest, RunsWorkOnItsThreads) {
  std::promise<std::thread::id> ran_on;
  {
    WorkPool pool(2, 10);
    ASSERT_TRUE(pool.Run([&] { ran_on.set_value(std::this_thread::get_id()); }));
    EXPECT_NE(ran_on.get_future().get(), std::this_thread::get_id());
  }
}

TEST(WorkPoolTest, AFullQueueRefusesAndTheDestructorRunsWhatWaits) {
  std::atomic<int> done{0};
  std::promise<void> busy, release;
  std::shared_future<void> released = release.get_future().share();
  {
    WorkPool pool(1, 2);
    ASSERT_TRUE(pool.Run([&] {
      busy.set_value();
      released.wait();
      ++done;
    }));
    busy.get_future().wait();  // the one thread is taken; the queue is empty
    EXPECT_TRUE(pool.Run([&] { ++done; }));
    EXPECT_TRUE(pool.Run([&] { ++done; }));
    EXPECT_FALSE(pool.Run([&] { done += 100; })) << "two wait already";
    release.set_value();
  }
  EXPECT_EQ(done.load(), 3);
}

}  // namespace
}  // namespace seccoord::runtime
