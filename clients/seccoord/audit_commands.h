// `seccoord audit …`: list and verify the audit chain of any of the three
// services (AuditService is served by every server).
#ifndef SECCOORD_CLIENTS_SECCOORD_AUDIT_COMMANDS_H_
#define SECCOORD_CLIENTS_SECCOORD_AUDIT_COMMANDS_H_

#include <cstdint>
#include <string>

#include "seccoord/v1/audit.pb.h"

namespace CLI {
class App;
}  // namespace CLI

namespace seccoord::cli {

class CommandContext;

// Adds `audit list` and `audit verify` to `root`.
void RegisterAuditCommands(CLI::App& root, CommandContext& ctx);

// The request for the next page of `audit list --after SEQ --limit N`, given
// how many entries were already received (limit 0 = no limit) and the page
// token (empty for the first page).
v1::ListAuditEntriesRequest BuildAuditListRequest(int64_t after, int64_t limit, int64_t received,
                                                  const std::string& page_token);

}  // namespace seccoord::cli

#endif  // SECCOORD_CLIENTS_SECCOORD_AUDIT_COMMANDS_H_
