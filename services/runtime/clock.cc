#include "services/runtime/clock.h"

#include <chrono>

namespace seccoord::runtime {

Clock Clock::System() {
  return Clock{[] {
                 return std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                     .count();
               },
               [] { return TodayInJapan(); }};
}

}  // namespace seccoord::runtime
