#include "services/runtime/db/sqlite_close_stamp.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"

namespace seccoord::db {
namespace {

// Version 2 names the write-ahead log on its third line; a stamp of
// version 1 (no log line) is not believed, which costs one check.
constexpr char kStampHeader[] = "seccoord sqlite close stamp 2";
constexpr char kNoLog[] = "-";
// More than the kernel's file-clock granularity (one tick: 1–10 ms).
constexpr std::chrono::nanoseconds kFileClockSlack = std::chrono::milliseconds(20);

int64_t Nanos(const struct timespec& t) {
  return static_cast<int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

int64_t NowNanos() {
  struct timespec clock {};
  ::clock_gettime(CLOCK_REALTIME, &clock);
  return Nanos(clock);
}

// The identity a stamp records, as one line of text.
bool Identity(const std::string& file, std::string* line, int64_t* ctime_ns) {
  struct stat info {};
  if (::stat(file.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return false;
  *line = absl::StrCat(info.st_dev, " ", info.st_ino, " ", info.st_size, " ",
                       Nanos(info.st_mtim), " ", Nanos(info.st_ctim));
  if (ctime_ns != nullptr) *ctime_ns = Nanos(info.st_ctim);
  return true;
}

std::string WalPath(const std::string& file) { return file + "-wal"; }

bool WalHasFrames(const std::string& file) {
  struct stat info {};
  // A WAL that cannot be examined counts as present.
  if (::stat(WalPath(file).c_str(), &info) != 0) return errno != ENOENT;
  return info.st_size > 0;
}

// The log beside `file` as a stamp names it: kNoLog when there is none,
// else its device and inode (its size and times change with every commit).
// False when it cannot be examined.
bool LogIdentity(const std::string& file, std::string* line) {
  struct stat info {};
  if (::stat(WalPath(file).c_str(), &info) != 0) {
    if (errno != ENOENT) return false;
    *line = kNoLog;
    return true;
  }
  if (!S_ISREG(info.st_mode)) return false;
  *line = absl::StrCat(info.st_dev, " ", info.st_ino);
  return true;
}

// Writes the stamp (by rename, so a reader sees the old one or the new).
void WriteStamp(const std::string& file, const std::string& identity, const std::string& log) {
  const std::string stamp_path = CloseStampPath(file);
  const std::string temporary = stamp_path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << kStampHeader << "\n" << identity << "\n" << log << "\n";
    out.flush();
    if (!out) {
      std::remove(temporary.c_str());
      return;
    }
  }
  if (std::rename(temporary.c_str(), stamp_path.c_str()) != 0) std::remove(temporary.c_str());
}

}  // namespace

std::string CloseStampPath(const std::string& file) { return file + "-closed"; }

bool TakeCloseStamp(const std::string& file) {
  const std::string stamp_path = CloseStampPath(file);
  std::string header, recorded, recorded_log;
  {
    std::ifstream in(stamp_path);
    if (!in) return false;
    std::getline(in, header);
    std::getline(in, recorded);
    std::getline(in, recorded_log);
  }
  // Consumed before the file is written again, whatever it says.
  const bool removed = ::unlink(stamp_path.c_str()) == 0;
  if (!removed || header != kStampHeader || recorded.empty() || recorded_log.empty()) {
    return false;
  }
  std::string now, log_now;
  if (!Identity(file, &now, nullptr) || now != recorded) return false;
  // Without a log in the stamp, none may have frames now (an empty one is
  // what SQLite leaves of no log); with one, it must be that same file.
  if (recorded_log == kNoLog) return !WalHasFrames(file);
  return LogIdentity(file, &log_now) && log_now == recorded_log;
}

void RecordCleanClose(const std::string& file) {
  if (WalHasFrames(file)) return;
  std::string before;
  int64_t changed_ns = 0;
  if (!Identity(file, &before, &changed_ns)) return;
  const std::chrono::nanoseconds since_change(NowNanos() - changed_ns);
  if (since_change < kFileClockSlack) {
    std::this_thread::sleep_for(kFileClockSlack - since_change);
    std::string after;
    if (!Identity(file, &after, nullptr) || after != before || WalHasFrames(file)) return;
  }
  WriteStamp(file, before, kNoLog);
}

bool RecordRunningStamp(const std::string& file) {
  std::string identity, log;
  int64_t changed_ns = 0;
  if (!Identity(file, &identity, &changed_ns) || !LogIdentity(file, &log)) return false;
  if (std::chrono::nanoseconds(NowNanos() - changed_ns) < kFileClockSlack) return false;
  WriteStamp(file, identity, log);
  return true;
}

void RemoveStamp(const std::string& file) { ::unlink(CloseStampPath(file).c_str()); }

}  // namespace seccoord::db
