// The clean-close stamp of a SQLite database file: proof, kept beside the
// file as FILE-closed, that the file is exactly as this driver left it when
// its last connection closed cleanly.
//
// Opening an existing file runs SQLite's integrity check (quick_check), which
// reads every page: about a second for a national-scale database with a cold
// page cache. The check exists to refuse a file damaged while no server had
// it open (a bad copy, a restore gone wrong, bytes overwritten). A file that
// nobody has written since a clean close, after being checked at its open,
// needs no second check: the stamp records the file's identity then (device,
// inode, size, modification and change times in nanoseconds), and the check
// is skipped only when all of them are unchanged and no write-ahead log lies
// beside the file.
//
// Why that is proof: every write to a file sets its change time (ctime) to
// the kernel's clock, and no user-level tool can set ctime back (touch sets
// only mtime and atime); replacing the file changes the inode. The kernel's
// file clock is coarse (a few milliseconds), so RecordCleanClose waits until
// the file's last change lies well behind the clock before it stamps: a write
// after the stamp gets a later ctime. A server killed with -9 leaves its WAL
// file (and the stamp was consumed at open), so the next start checks the
// whole file.
//
// Thread-safety: free functions on the file system; callers serialise per
// file (the driver calls them at open and after the last close).
#ifndef SECCOORD_SERVICES_RUNTIME_DB_SQLITE_CLOSE_STAMP_H_
#define SECCOORD_SERVICES_RUNTIME_DB_SQLITE_CLOSE_STAMP_H_

#include <string>

namespace seccoord::db {

// The stamp's path: FILE-closed (beside FILE-wal and FILE-shm).
std::string CloseStampPath(const std::string& file);

// True when FILE-closed exists and names `file` exactly as it is now, and no
// non-empty FILE-wal exists. Removes the stamp in every case, before the
// caller writes the file: a stamp is good for one open.
bool TakeCloseStamp(const std::string& file);

// Called after the last connection to `file` closed. When the close left no
// write-ahead log (SQLite checkpointed and removed it: nobody else has the
// file open), stamps the file as it is now. Waits up to a few milliseconds
// so the stamp outlasts the file clock's granularity (see above). Does
// nothing when a WAL remains or the stamp cannot be written (the next open
// then checks the file: safe, only slower).
void RecordCleanClose(const std::string& file);

}  // namespace seccoord::db

#endif  // SECCOORD_SERVICES_RUNTIME_DB_SQLITE_CLOSE_STAMP_H_
