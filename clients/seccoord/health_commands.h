// `seccoord health --service NAME`: asks a server whether it is SERVING
// (grpc.health.v1.Health/Check on the whole server). scripts/up waits on it.
#ifndef SECCOORD_CLIENTS_SECCOORD_HEALTH_COMMANDS_H_
#define SECCOORD_CLIENTS_SECCOORD_HEALTH_COMMANDS_H_

namespace CLI {
class App;
}  // namespace CLI

namespace seccoord::cli {

class CommandContext;

// Adds `health` to `root`.
void RegisterHealthCommands(CLI::App& root, CommandContext& ctx);

}  // namespace seccoord::cli

#endif  // SECCOORD_CLIENTS_SECCOORD_HEALTH_COMMANDS_H_
