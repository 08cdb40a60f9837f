// Callers for domain-logic tests (tests/unit/*_logic_test.cc), built directly
// as the door would build them (services/runtime/auth/caller.h), and fresh
// request ids for the calls that take one.
//
//   MakeCaller("kasama-union", "staff1", Role::kUnionStaff)
//   kStaff    kasama-union/staff1    union staff
//   kAdmin    kasama-union/admin1    union admin
//   kAdvisor  kasama-city/advisor1   advisor
//   NewRequestId()  "req-1", "req-2", … (unique within the test binary)
//
// Header-only. Thread-safety: the callers are immutable; NewRequestId is for
// the test's main thread.
#ifndef SECCOORD_TESTS_SUPPORT_CALLERS_H_
#define SECCOORD_TESTS_SUPPORT_CALLERS_H_

#include <string>

#include "services/runtime/auth/caller.h"

namespace seccoord::testing {

inline runtime::Caller MakeCaller(const std::string& org, const std::string& user,
                                  runtime::Role role) {
  runtime::Caller c;
  c.principal.organization = org;
  c.principal.user = user;
  c.roles = {role};
  return c;
}

inline const runtime::Caller kStaff =
    MakeCaller("kasama-union", "staff1", runtime::Role::kUnionStaff);
inline const runtime::Caller kAdmin =
    MakeCaller("kasama-union", "admin1", runtime::Role::kUnionAdmin);
inline const runtime::Caller kAdvisor =
    MakeCaller("kasama-city", "advisor1", runtime::Role::kAdvisor);

inline std::string NewRequestId() {
  static int counter = 0;
  return "req-" + std::to_string(++counter);
}

}  // namespace seccoord::testing

#endif  // SECCOORD_TESTS_SUPPORT_CALLERS_H_
