// botrecon: find botnet-infected hosts in network-flow captures.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "cli/commands.h"
#include "core/error.h"

int main(int argc, char** argv) {
  bool debug = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--") == 0) break;
    debug |= std::strcmp(argv[i], "-d") == 0 || std::strcmp(argv[i], "--debug") == 0;
  }
  try {
    return botrecon::cli::Dispatch(argc, argv);
  } catch (const botrecon::core::Error& e) {
    std::fflush(stdout);
    const std::string message = botrecon::cli::ErrorMessage(e);
    if (debug) std::fprintf(stderr, "Error (%s, exit %d): %s\n", botrecon::cli::ErrorKind(e), e.exit_code(), message.c_str());
    else std::fprintf(stderr, "Error: %s\n", message.c_str());
    return e.exit_code();
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "Error: out of memory\n");
    return 3;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "Error: internal error: %s\n", e.what());
    return 3;
  }
}
