#include "services/runtime/server/health_monitor.h"

#include <utility>

#include "absl/time/clock.h"
#include "common/status.h"

namespace seccoord::runtime {

absl::Status ProbeDatabase(db::Database& db) {
  SECCOORD_RETURN_IF_ERROR(db.DamageSeen());
  SECCOORD_ASSIGN_OR_RETURN(std::unique_ptr<db::Transaction> tx,
                            db.Begin(db::TxMode::kReadWrite));
  SECCOORD_RETURN_IF_ERROR(
      tx->Execute("INSERT INTO runtime_health_probe (id, probed_at_us) VALUES (1, $1) "
                  "ON CONFLICT (id) DO UPDATE SET probed_at_us = excluded.probed_at_us",
                  {absl::ToUnixMicros(absl::Now())})
          .status());
  SECCOORD_RETURN_IF_ERROR(
      tx->Query("SELECT probed_at_us FROM runtime_health_probe WHERE id = 1").status());
  return tx->Commit();
}

const std::vector<db::Migration>& HealthMonitor::Migrations() {
  static const auto* const migrations = new std::vector<db::Migration>{
      {1,
       "health probe row",
       {"CREATE TABLE runtime_health_probe ("
        " id BIGINT PRIMARY KEY,"
        " probed_at_us BIGINT NOT NULL)"}},
  };
  return *migrations;
}

HealthMonitor::HealthMonitor(db::Database& db, absl::Duration interval, OnChange on_change)
    : db_(db), interval_(interval), on_change_(std::move(on_change)) {
  thread_ = std::thread([this] { Loop(); });
}

HealthMonitor::~HealthMonitor() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  thread_.join();
}

void HealthMonitor::Loop() {
  bool serving = true;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (stop_cv_.wait_for(lock, absl::ToChronoMilliseconds(interval_),
                            [this] { return stopping_; })) {
        return;
      }
    }
    absl::Status probe = ProbeDatabase(db_);
    if (probe.ok() != serving) {
      serving = probe.ok();
      on_change_(serving, probe);
    }
  }
}

}  // namespace seccoord::runtime
