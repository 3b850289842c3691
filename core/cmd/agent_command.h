#pragma once

// `skiff agent`: the node agent as its own process, talking to the API over HTTP;
// `--simulate N` runs N hollow nodes instead. Also the embedded agent `skiff server` starts.

#include <CLI/App.hpp>
#include <memory>
#include <string>

#include "core/client/client.h"

namespace skiff::cmd {

void AddAgentCommand(CLI::App& app);

// The agent inside `skiff server`: runs until destroyed.
class EmbeddedAgent {
 public:
  virtual ~EmbeddedAgent() = default;
};
// config_path "" = the default embedded config (mock runtime; bridge network as root).
std::unique_ptr<EmbeddedAgent> StartEmbeddedAgent(client::Client& client,
                                                  const std::string& config_path,
                                                  const std::string& data_dir);

}  // namespace skiff::cmd
