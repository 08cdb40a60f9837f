// seccoord: the command-line client of the seccoord services.
#include <iostream>

#include "clients/seccoord/cli_config.h"
#include "clients/seccoord/command.h"

int main(int argc, char** argv) {
  return seccoord::cli::RunCli(argc, argv, seccoord::cli::ProcessEnv(), std::cout, std::cerr);
}
