#include "services/runtime/db/sqlite_close_stamp.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

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

// 32-bit words of the log: its fields are big-endian, its checksums add
// words in the order its magic number names.
uint32_t Be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}
uint32_t Le32(const unsigned char* p) {
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

bool WalHasFrames(const std::string& file) {
  struct stat info {};
  // A WAL that cannot be examined counts as present.
  if (::stat(WalPath(file).c_str(), &info) != 0) return errno != ENOENT;
  return info.st_size > 0;
}

// The log beside `file` as a stamp names it: kNoLog when there is none,
// else its device and inode, its salts and `frames` (its size and times
// change with every commit). False when it cannot be examined.
bool LogIdentity(const std::string& file, int64_t frames, std::string* line) {
  struct stat info {};
  if (::stat(WalPath(file).c_str(), &info) != 0) {
    if (errno != ENOENT) return false;
    *line = kNoLog;
    return true;
  }
  if (S_ISREG(info.st_mode) && info.st_size == 0) {
    *line = kNoLog;  // what SQLite leaves of no log
    return true;
  }
  uint32_t salt1 = 0, salt2 = 0;
  if (!S_ISREG(info.st_mode) || !ReadLogSalts(file, &salt1, &salt2)) return false;
  *line = absl::StrCat(info.st_dev, " ", info.st_ino, " ", salt1, " ", salt2, " ", frames);
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

bool TakeCloseStamp(const std::string& file, const WalRecovery& wal) {
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
  if (FileIdentity(file) != recorded) return false;
  // Without a log in the stamp, none may have frames now (an empty one is
  // what SQLite leaves of no log); with one, it must be that same file, and
  // its recovery must reach as far as the stamp saw.
  if (recorded_log == kNoLog) return !WalHasFrames(file);
  std::vector<std::string> fields = absl::StrSplit(recorded_log, ' ');
  struct stat info {};
  uint32_t salt1 = 0, salt2 = 0;
  int64_t frames = 0;
  if (fields.size() != 5 || ::stat(WalPath(file).c_str(), &info) != 0 ||
      absl::StrCat(info.st_dev, " ", info.st_ino) != absl::StrCat(fields[0], " ", fields[1]) ||
      !absl::SimpleAtoi(fields[2], &salt1) || !absl::SimpleAtoi(fields[3], &salt2) ||
      !absl::SimpleAtoi(fields[4], &frames)) {
    return false;
  }
  return wal.valid_header && wal.salt1 == salt1 && wal.salt2 == salt2 &&
         wal.committed_frames >= frames;
}

std::string FileIdentity(const std::string& file) {
  std::string line;
  return Identity(file, &line, nullptr) ? line : std::string();
}

bool ReadLogSalts(const std::string& file, uint32_t* salt1, uint32_t* salt2) {
  // The 32-byte header: magic, version, page size, checkpoint sequence,
  // salt-1, salt-2, checksum; big-endian.
  unsigned char header[32];
  std::ifstream in(WalPath(file), std::ios::binary);
  if (!in.read(reinterpret_cast<char*>(header), sizeof(header))) return false;
  *salt1 = Be32(header + 16);
  *salt2 = Be32(header + 20);
  return true;
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

WalRecovery ReadWal(const std::string& file) {
  // The format of SQLite's write-ahead log (https://sqlite.org/fileformat2.html,
  // "The WAL File Format"): a 32-byte header, then frames of a 24-byte
  // header and a page. Every header field is big-endian; the checksums
  // add the data as 32-bit words in the order the magic number names.
  WalRecovery out;
  std::ifstream in(WalPath(file), std::ios::binary);
  unsigned char header[32];
  if (!in || !in.read(reinterpret_cast<char*>(header), sizeof(header))) return out;
  const uint32_t magic = Be32(header);
  if (magic != 0x377f0682 && magic != 0x377f0683) return out;
  const bool big_endian_sums = (magic & 1) != 0;
  const uint32_t page_size = Be32(header + 8);
  if (Be32(header + 4) != 3007000 || page_size < 512 || page_size > 65536 ||
      (page_size & (page_size - 1)) != 0) {
    return out;
  }
  uint32_t (*const word)(const unsigned char*) = big_endian_sums ? Be32 : Le32;
  uint32_t s0 = 0, s1 = 0;
  auto add = [&](const unsigned char* data, size_t n) {
    for (size_t i = 0; i + 8 <= n; i += 8) {
      const uint32_t x0 = word(data + i);
      const uint32_t x1 = word(data + i + 4);
      s0 += x0 + s1;
      s1 += x1 + s0;
    }
  };
  add(header, 24);
  if (s0 != Be32(header + 24) || s1 != Be32(header + 28)) return out;
  out.valid_header = true;
  out.salt1 = Be32(header + 16);
  out.salt2 = Be32(header + 20);
  std::vector<unsigned char> frame(24 + page_size);
  for (int64_t index = 1;; ++index) {
    if (!in.read(reinterpret_cast<char*>(frame.data()), static_cast<std::streamsize>(frame.size()))) {
      break;
    }
    if (Be32(frame.data()) == 0 || Be32(frame.data() + 8) != out.salt1 ||
        Be32(frame.data() + 12) != out.salt2) {
      break;
    }
    add(frame.data(), 8);
    add(frame.data() + 24, page_size);
    if (s0 != Be32(frame.data() + 16) || s1 != Be32(frame.data() + 20)) break;
    // A frame whose "database size after commit" is set ends a transaction.
    if (Be32(frame.data() + 4) != 0) out.committed_frames = index;
  }
  return out;
}

RunningStampResult RecordRunningStamp(const std::string& file, const std::string& expected,
                                      int64_t frames) {
  std::string identity, log;
  int64_t changed_ns = 0;
  if (!Identity(file, &identity, &changed_ns) || identity != expected) {
    return RunningStampResult::kChanged;
  }
  if (std::chrono::nanoseconds(NowNanos() - changed_ns) < kFileClockSlack) {
    return RunningStampResult::kTooRecent;
  }
  if (!LogIdentity(file, frames, &log)) return RunningStampResult::kTooRecent;
  WriteStamp(file, identity, log);
  return RunningStampResult::kWritten;
}

void RemoveStamp(const std::string& file) { ::unlink(CloseStampPath(file).c_str()); }

}  // namespace seccoord::db
