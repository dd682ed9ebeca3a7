// `botrecon explain HOST FILE...`: one host's behaviour, window by window.
#pragma once

namespace botrecon::cli {

int RunExplainCommand(int argc, char** argv);

}  // namespace botrecon::cli
