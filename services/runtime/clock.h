// Clock: the time sources of a service's domain logic, injectable so tests
// can fix "now" and "today" (the revision in force, due dates, disposal
// dates in the future).
//
// Thread-safety: System() returns functions that are safe from any thread;
// a test's clock must be as thread-safe as the test needs.
#ifndef SECCOORD_SERVICES_RUNTIME_CLOCK_H_
#define SECCOORD_SERVICES_RUNTIME_CLOCK_H_

#include <cstdint>
#include <functional>

#include "common/civil_date.h"

namespace seccoord::runtime {

struct Clock {
  std::function<int64_t()> now_us;   // UTC microseconds since the epoch
  std::function<CivilDate()> today;  // today in Japan
  // The system clock and today's date in Asia/Tokyo.
  static Clock System();
};

}  // namespace seccoord::runtime

#endif  // SECCOORD_SERVICES_RUNTIME_CLOCK_H_
