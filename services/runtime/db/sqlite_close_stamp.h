// The stamp of a SQLite database file: proof, kept beside the file as
// FILE-closed, that the file is exactly as this driver last left it — at a
// clean close, or while it runs, as of its last checkpoint.
//
// Opening an existing file runs SQLite's integrity check (quick_check), which
// reads every page: about a second for a national-scale database with a cold
// page cache. The check exists to refuse a file damaged while no server had
// it open (a bad copy, a restore gone wrong, bytes overwritten). A file that
// nobody but this driver has written since it was checked at its open needs
// no second check: the stamp records the file's identity (device, inode,
// size, modification and change times in nanoseconds), and the check is
// skipped only when all of them are unchanged.
//
// Why that is proof: every write to a file sets its change time (ctime) to
// the kernel's clock, and no user-level tool can set ctime back (touch sets
// only mtime and atime); replacing the file changes the inode. The kernel's
// file clock is coarse (a few milliseconds), so a stamp is written only once
// the file's last change lies well behind the clock: a write after the stamp
// gets a later ctime.
//
// The write-ahead log. In WAL mode SQLite writes the database file only when
// it checkpoints (copies committed pages from the log into the file); every
// commit goes to FILE-wal, whose frames carry a chain of checksums that
// SQLite's recovery follows, stopping at the first frame that does not
// match. So a log must be this driver's own (a log copied in from elsewhere
// would apply another file's pages), and its recovery must reach at least
// as far as it did when the stamp was written: a log damaged in frames
// that a checkpoint had already copied into the file would show older
// pages beside newer ones. The stamp names the log — none (a clean close
// removed it), or its device, inode, the salts of its header and the
// frames it held, all committed — and is believed only when the log's
// recovery, read the way SQLite reads it (ReadWal: the header's checksum,
// then each frame's salts and chained checksum), has the same salts and
// reaches at least that many frames; otherwise the whole file is checked.
// The log is read before SQLite opens the file, so a refused log has not
// been checkpointed into it.
//
//   - RecordCleanClose: after the last connection closed and SQLite removed
//     the log.
//   - RecordRunningStamp: while the file is open, at the open and after
//     each checkpoint (the group writer calls it), so a server killed
//     with -9 starts again without reading every page. Between a checkpoint
//     and its stamp, the stamp names the file as it was before: the next
//     start checks the whole file (safe, only slower). A file that is no
//     longer as the driver left it (at the open or its last checkpoint) is
//     never stamped: someone else wrote it. The driver looks before each
//     checkpoint and before its last close checkpoints, since those would
//     make another program's write look like its own.
//   - RemoveStamp: when any connection meets damage in the file or the
//     driver finds the file written by someone else, before a later start
//     could believe the stamp (the driver then writes none for the file
//     until it is opened again, and checked).
//
// Thread-safety: free functions on the file system, safe from any thread;
// callers serialise stamps of one file (the driver takes one at open and
// writes them from the file's group writer or its last close).
#ifndef SECCOORD_SERVICES_RUNTIME_DB_SQLITE_CLOSE_STAMP_H_
#define SECCOORD_SERVICES_RUNTIME_DB_SQLITE_CLOSE_STAMP_H_

#include <cstdint>
#include <optional>
#include <string>

namespace seccoord::db {

// The stamp's path: FILE-closed (beside FILE-wal and FILE-shm). FILE is
// the database file's real path (symbolic links resolved), as SQLite names
// its log after it.
std::string CloseStampPath(const std::string& file);

// Called after the last connection to `file` closed. When the close left no
// write-ahead log (SQLite checkpointed and removed it: nobody else has the
// file open), stamps the file as it is now. Waits up to a few milliseconds
// so the stamp outlasts the file clock's granularity (see above). Does
// nothing when a WAL remains or the stamp cannot be written (the next open
// then checks the file: safe, only slower). The caller does not call it
// after damage was met.
void RecordCleanClose(const std::string& file);

// The identity a stamp records of `file` ("" when it cannot be examined).
std::string FileIdentity(const std::string& file);

// Reads the salts of the write-ahead log beside `file` from its header;
// false when there is none or it cannot be read.
bool ReadLogSalts(const std::string& file, uint32_t* salt1, uint32_t* salt2);

// What SQLite's recovery would take of the write-ahead log beside `file`:
// whether its header is valid, its salts, and the frames up to the last
// committed transaction that the chain of checksums reaches. Reads the
// whole log (a few MB at most between checkpoints).
struct WalRecovery {
  bool valid_header = false;
  uint32_t salt1 = 0;
  uint32_t salt2 = 0;
  int64_t committed_frames = 0;
};
WalRecovery ReadWal(const std::string& file);

// True when FILE-closed exists and names `file` exactly as it is now and the
// write-ahead log beside it as it is now: none with frames, or the same file
// whose recovery `wal` (ReadWal of `file`, read by the caller before SQLite
// opens it) has the stamped salts and reaches at least the stamped frames.
// Removes the stamp in every case, before the caller writes the file: a
// stamp is good for one open.
bool TakeCloseStamp(const std::string& file, const WalRecovery& wal);

enum class RunningStampResult {
  kWritten,
  kTooRecent,  // the file's last change is too recent to stamp: try later
  kChanged,    // the file is not `expected`: written by someone else
};
// Called while `file` is open, between writes, by the one writer of the
// file: stamps the file and its write-ahead log (which holds `frames`
// committed frames) as they are now, if the file is still `expected`
// (its FileIdentity when the driver last left it: after the open or its
// last checkpoint).
RunningStampResult RecordRunningStamp(const std::string& file, const std::string& expected,
                                      int64_t frames);

// Removes `file`'s stamp, if any.
void RemoveStamp(const std::string& file);

}  // namespace seccoord::db

#endif  // SECCOORD_SERVICES_RUNTIME_DB_SQLITE_CLOSE_STAMP_H_
