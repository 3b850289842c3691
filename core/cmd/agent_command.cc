#include "core/cmd/agent_command.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/agent/agent.h"
#include "core/agent/builtin/builtin_plugins.h"
#include "core/agent/simulated_nodes.h"
#include "core/client/http_client.h"

namespace skiff::cmd {
namespace {

struct AgentOptions {
  std::string kubeconfig;
  std::string config;
  std::string node_name;
  int simulate = 0;
};

volatile std::sig_atomic_t g_agent_stop = 0;

Result<std::string> ReadText(const std::string& path) {
  if (path.empty()) return std::string();
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot read config " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct LoadedConfig {
  agent::AgentConfig agent;
  pluginhost::PluginSetSpec plugins;
};

Result<LoadedConfig> LoadConfig(const std::string& text, const std::string& default_plugins) {
  auto cfg = agent::ParseAgentConfig(text);
  if (!cfg.ok()) return cfg.status();
  auto spec = pluginhost::ParsePluginSetSpec(text);
  if (!spec.ok()) return Status::InvalidArgument(spec.status().ToString());
  if (!spec->runtime) {
    auto fallback = pluginhost::ParsePluginSetSpec(default_plugins);
    if (!fallback.ok()) return Status::Internal(fallback.status().ToString());
    spec->runtime = fallback->runtime;
    if (!spec->network) spec->network = fallback->network;
    if (!spec->storage) spec->storage = fallback->storage;
  }
  return LoadedConfig{std::move(cfg).value(), std::move(spec).value()};
}

int RunAgent(const AgentOptions& opts) {
  auto text = ReadText(opts.config);
  if (!text.ok()) {
    spdlog::error("{}", text.status().message());
    return 2;
  }
  auto loaded = LoadConfig(*text, agent::DefaultEmbeddedPluginsYaml(false, ""));
  if (!loaded.ok()) {
    spdlog::error("{}", loaded.status().message());
    return 2;
  }
  if (!opts.node_name.empty()) loaded->agent.node_name = opts.node_name;
  auto server = client::ServerFromKubeconfig(opts.kubeconfig);
  if (!server.ok()) {
    spdlog::error("kubeconfig {}: {}", opts.kubeconfig, server.status().message());
    return 2;
  }
  auto client = client::NewHttpClient(*server);
  if (!client.ok()) {
    spdlog::error("{}", client.status().message());
    return 2;
  }
  // Hollow nodes share this pool, and a pod worker waits on its status write (an HTTP round
  // trip); a few threads for a thousand nodes left pods bound but not Running for tens of
  // seconds, so simulation gets at least kSimulatedNodeThreads.
  constexpr int kSimulatedNodeThreads = 32;
  int threads = loaded->agent.worker_threads;
  if (opts.simulate > 0) threads = std::max(threads, kSimulatedNodeThreads);
  agent::Executor executor(threads);
  std::signal(SIGINT, [](int) { g_agent_stop = 1; });
  std::signal(SIGTERM, [](int) { g_agent_stop = 1; });
  std::shared_ptr<agent::Agent> node;
  std::unique_ptr<agent::SimulatedNodes> hollow;
  if (opts.simulate > 0) {
    if (opts.node_name.empty()) loaded->agent.node_name = "hollow";
    hollow = std::make_unique<agent::SimulatedNodes>(**client, executor, loaded->agent,
                                                     opts.simulate, loaded->plugins);
    if (Status s = hollow->Start(); !s.ok()) {
      spdlog::error("{}", s.message());
      hollow->Stop();
      executor.Stop();
      return 1;
    }
  } else {
    auto plugins = pluginhost::OpenPluginSet(loaded->plugins, agent::BuiltinAwareOpeners());
    if (!plugins.ok()) {
      spdlog::error("{}", plugins.status().ToString());
      return 1;
    }
    node = agent::Agent::Create(**client, loaded->agent, std::move(plugins).value(), executor);
    // The API server may still be starting: keep trying to register.
    Status started;
    for (int attempt = 0; attempt < 60 && !g_agent_stop; ++attempt) {
      started = node->Start();
      if (started.ok()) break;
      spdlog::warn("{}; retrying", started.message());
      node->Stop();
      node = agent::Agent::Create(
          **client, loaded->agent,
          *pluginhost::OpenPluginSet(loaded->plugins, agent::BuiltinAwareOpeners()), executor);
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    if (!started.ok()) {
      spdlog::error("{}", started.message());
      executor.Stop();
      return 1;
    }
  }
  while (!g_agent_stop) pause();
  spdlog::info("agent shutting down");
  if (node) node->Stop();
  if (hollow) hollow->Stop();
  executor.Stop();
  return 0;
}

class EmbeddedAgentImpl : public EmbeddedAgent {
 public:
  EmbeddedAgentImpl(std::shared_ptr<agent::Agent> agent, std::unique_ptr<agent::Executor> executor)
      : executor_(std::move(executor)), agent_(std::move(agent)) {}
  ~EmbeddedAgentImpl() override {
    agent_->Stop();
    executor_->Stop();
  }

 private:
  std::unique_ptr<agent::Executor> executor_;
  std::shared_ptr<agent::Agent> agent_;
};

}  // namespace

std::unique_ptr<EmbeddedAgent> StartEmbeddedAgent(client::Client& client,
                                                  const std::string& config_path,
                                                  const std::string& data_dir) {
  auto text = ReadText(config_path);
  if (!text.ok()) {
    spdlog::error("embedded agent: {}", text.status().message());
    return nullptr;
  }
  auto loaded = LoadConfig(*text, agent::DefaultEmbeddedPluginsYaml(geteuid() == 0, data_dir));
  if (!loaded.ok()) {
    spdlog::error("embedded agent: {}", loaded.status().message());
    return nullptr;
  }
  if (config_path.empty()) {
    loaded->agent.root_dir = data_dir + "/agent";
    loaded->agent.kubelet_port = 0;  // many servers may run on one machine (tests)
  }
  auto plugins = pluginhost::OpenPluginSet(loaded->plugins, agent::BuiltinAwareOpeners());
  if (!plugins.ok()) {
    spdlog::error("embedded agent: {}", plugins.status().ToString());
    return nullptr;
  }
  auto executor = std::make_unique<agent::Executor>(loaded->agent.worker_threads);
  auto node = agent::Agent::Create(client, loaded->agent, std::move(plugins).value(), *executor);
  if (Status s = node->Start(); !s.ok()) {
    spdlog::error("embedded agent: {}", s.message());
    node->Stop();
    executor->Stop();
    return nullptr;
  }
  return std::make_unique<EmbeddedAgentImpl>(std::move(node), std::move(executor));
}

void AddAgentCommand(CLI::App& app) {
  auto opts = std::make_shared<AgentOptions>();
  auto* cmd = app.add_subcommand("agent", "Run the node agent (the kubelet of skiff)");
  cmd->add_option("--kubeconfig", opts->kubeconfig, "Where the API server is")->required();
  cmd->add_option("--config", opts->config,
                  "Agent config YAML (node, plugins); default: the mock runtime, no network");
  cmd->add_option("--node-name", opts->node_name, "Overrides the config's nodeName");
  cmd->add_option("--simulate", opts->simulate,
                  "Run N hollow nodes (mock runtime, no namespaces) instead of one real node; "
                  "they share at least 32 pod worker threads")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([opts] { std::exit(RunAgent(*opts)); });
}

}  // namespace skiff::cmd
