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

constexpr char kStampHeader[] = "seccoord sqlite close stamp 1";
// More than the kernel's file-clock granularity (one tick: 1–10 ms).
constexpr std::chrono::nanoseconds kFileClockSlack = std::chrono::milliseconds(20);

int64_t Nanos(const struct timespec& t) {
  return static_cast<int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
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

bool WalHasFrames(const std::string& file) {
  struct stat info {};
  const std::string wal = file + "-wal";
  // A WAL that cannot be examined counts as present.
  if (::stat(wal.c_str(), &info) != 0) return errno != ENOENT;
  return info.st_size > 0;
}

}  // namespace

std::string CloseStampPath(const std::string& file) { return file + "-closed"; }

bool TakeCloseStamp(const std::string& file) {
  const std::string stamp_path = CloseStampPath(file);
  std::string header, recorded;
  {
    std::ifstream in(stamp_path);
    if (!in) return false;
    std::getline(in, header);
    std::getline(in, recorded);
  }
  // Consumed before the file is written again, whatever it says.
  const bool removed = ::unlink(stamp_path.c_str()) == 0;
  std::string now;
  return removed && header == kStampHeader && !recorded.empty() &&
         Identity(file, &now, nullptr) && now == recorded && !WalHasFrames(file);
}

void RecordCleanClose(const std::string& file) {
  if (WalHasFrames(file)) return;
  std::string before;
  int64_t changed_ns = 0;
  if (!Identity(file, &before, &changed_ns)) return;
  struct timespec clock {};
  ::clock_gettime(CLOCK_REALTIME, &clock);
  const std::chrono::nanoseconds since_change(Nanos(clock) - changed_ns);
  if (since_change < kFileClockSlack) {
    std::this_thread::sleep_for(kFileClockSlack - since_change);
    std::string after;
    if (!Identity(file, &after, nullptr) || after != before || WalHasFrames(file)) return;
  }
  const std::string stamp_path = CloseStampPath(file);
  const std::string temporary = stamp_path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << kStampHeader << "\n" << before << "\n";
    out.flush();
    if (!out) {
      std::remove(temporary.c_str());
      return;
    }
  }
  if (std::rename(temporary.c_str(), stamp_path.c_str()) != 0) std::remove(temporary.c_str());
}

}  // namespace seccoord::db
