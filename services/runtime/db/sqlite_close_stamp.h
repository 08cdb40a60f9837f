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
// commit goes to FILE-wal, whose frames carry checksums that SQLite's
// recovery checks, so a damaged log loses its tail but never breaks a
// b-tree. What the log must be is this driver's own: a log copied in from
// elsewhere would apply another file's pages. So the stamp names the log
// too — none (a clean close removed it), or its device and inode while the
// driver runs — and a different one voids the stamp.
//
//   - RecordCleanClose: after the last connection closed and SQLite removed
//     the log.
//   - RecordRunningStamp: while the file is open, after its first commit and
//     after each checkpoint (the group writer calls it), so a server killed
//     with -9 starts again without reading every page. Between a checkpoint
//     and its stamp, the stamp names the file as it was before: the next
//     start checks the whole file (safe, only slower).
//   - RemoveStamp: when any connection meets damage in the file, before a
//     later start could believe the stamp (the driver then writes none for
//     the file until it is opened again, and checked).
//
// Thread-safety: free functions on the file system, safe from any thread;
// callers serialise stamps of one file (the driver takes one at open and
// writes them from the file's group writer or its last close).
#ifndef SECCOORD_SERVICES_RUNTIME_DB_SQLITE_CLOSE_STAMP_H_
#define SECCOORD_SERVICES_RUNTIME_DB_SQLITE_CLOSE_STAMP_H_

#include <string>

namespace seccoord::db {

// The stamp's path: FILE-closed (beside FILE-wal and FILE-shm).
std::string CloseStampPath(const std::string& file);

// True when FILE-closed exists and names `file` exactly as it is now and the
// write-ahead log beside it as it is now (none with frames, or the same
// one). Removes the stamp in every case, before the caller writes the file:
// a stamp is good for one open.
bool TakeCloseStamp(const std::string& file);

// Called after the last connection to `file` closed. When the close left no
// write-ahead log (SQLite checkpointed and removed it: nobody else has the
// file open), stamps the file as it is now. Waits up to a few milliseconds
// so the stamp outlasts the file clock's granularity (see above). Does
// nothing when a WAL remains or the stamp cannot be written (the next open
// then checks the file: safe, only slower). The caller does not call it
// after damage was met.
void RecordCleanClose(const std::string& file);

// Called while `file` is open, between writes, by the one writer of the
// file: stamps the file and its write-ahead log as they are now. Returns
// false, writing nothing, while the file's last change is too recent to
// stamp or it cannot be examined (call again after a later commit); true
// when done.
bool RecordRunningStamp(const std::string& file);

// Removes `file`'s stamp, if any.
void RemoveStamp(const std::string& file);

}  // namespace seccoord::db

#endif  // SECCOORD_SERVICES_RUNTIME_DB_SQLITE_CLOSE_STAMP_H_
