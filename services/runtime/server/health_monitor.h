// HealthMonitor: keeps a server's health answer true to its database.
//
// A server whose database cannot be read or written must not say SERVING:
// load balancers and `scripts/up` would send it work it can only fail. The
// monitor runs ProbeDatabase every interval on a thread of its own and calls
// `on_change(serving, why)` when the answer changes — NOT_SERVING while the
// probe fails (read-only file, PostgreSQL stopped, damage met by any
// statement), SERVING again once it passes. The first probe runs one
// interval after construction (the server has just migrated, which proved
// the database writable).
//
// The probe is one small write and read of its own row, in a read-write
// transaction (runtime_health_probe, created by Migrations()): a database
// that can be read but not written is not healthy for a service whose calls
// write. A probe blocked on a hung connection blocks only the monitor.
//
// Thread-safety: on_change runs on the monitor's thread. The destructor
// stops the thread (waiting for a probe in progress); `db` must outlive the
// monitor.
#ifndef SECCOORD_SERVICES_RUNTIME_SERVER_HEALTH_MONITOR_H_
#define SECCOORD_SERVICES_RUNTIME_SERVER_HEALTH_MONITOR_H_

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "services/runtime/db/database.h"
#include "services/runtime/db/migrations.h"

namespace seccoord::runtime {

// OK when `db` can be read and written now; else the error (UNAVAILABLE
// for a database that cannot work, see database.h).
absl::Status ProbeDatabase(db::Database& db);

class HealthMonitor {
 public:
  using OnChange = std::function<void(bool serving, const absl::Status& why)>;

  // Component the probe table's migrations are recorded under.
  static constexpr char kMigrationComponent[] = "runtime";
  static const std::vector<db::Migration>& Migrations();

  // Starts probing every `interval` (> 0). The database is taken to be
  // serving at the start.
  HealthMonitor(db::Database& db, absl::Duration interval, OnChange on_change);
  ~HealthMonitor();
  HealthMonitor(const HealthMonitor&) = delete;
  HealthMonitor& operator=(const HealthMonitor&) = delete;

 private:
  void Loop();

  db::Database& db_;
  const absl::Duration interval_;
  const OnChange on_change_;
  std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace seccoord::runtime

#endif  // SECCOORD_SERVICES_RUNTIME_SERVER_HEALTH_MONITOR_H_
