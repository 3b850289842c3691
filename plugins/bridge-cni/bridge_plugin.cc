#include "plugins/bridge-cni/bridge_plugin.h"

#include <exception>
#include <map>
#include <mutex>

#include "plugins/bridge-cni/bridge_network.h"

namespace skiff::bridge_cni {
namespace {

constexpr const char* kSupportedVersions[] = {"0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"};

// Implements the SDK interface over BridgeNetwork: picks the network a call names (the
// plugin's own, or the one in attachment.config_json), and keeps every exception inside.
class BridgePlugin final : public sdk::NetworkPlugin {
 public:
  explicit BridgePlugin(std::shared_ptr<BridgeNetwork> network) : default_(std::move(network)) {}

  sdk::Result<sdk::NetworkResult> Add(const sdk::NetworkAttachment& a) noexcept override {
    return Guard<sdk::Result<sdk::NetworkResult>>("ADD", [&]() -> sdk::Result<sdk::NetworkResult> {
      auto call = Resolve(a);
      if (!call.ok()) return call.status();
      return call->network->Add(a);
    });
  }

  sdk::Status Del(const sdk::NetworkAttachment& a) noexcept override {
    return Guard<sdk::Status>("DEL", [&]() -> sdk::Status {
      auto call = Resolve(a);
      if (!call.ok()) return call.status();
      return call->network->Del(a);
    });
  }

  sdk::Status Check(const sdk::NetworkAttachment& a) noexcept override {
    return Guard<sdk::Status>("CHECK", [&]() -> sdk::Status {
      auto call = Resolve(a);
      if (!call.ok()) return call.status();
      return call->network->Check(a, call->config.prev_result);
    });
  }

  sdk::Status GetStatus() noexcept override {
    return Guard<sdk::Status>("STATUS", [&] { return default_->Ready(); });
  }

  sdk::Status GC(const std::vector<sdk::AttachmentKey>& valid) noexcept override {
    return Guard<sdk::Status>("GC", [&] { return default_->GC(valid); });
  }

  sdk::Result<sdk::NetworkVersionInfo> Version() noexcept override {
    return Guard<sdk::Result<sdk::NetworkVersionInfo>>(
        "VERSION", []() -> sdk::Result<sdk::NetworkVersionInfo> { return BridgePluginVersion(); });
  }

 private:
  struct Call {
    std::shared_ptr<BridgeNetwork> network;
    BridgeConfig config;
  };

  // An attachment may carry its own network config (a CNI runtime passes one per call);
  // calls for the same bridge/subnet/store share one BridgeNetwork.
  sdk::Result<Call> Resolve(const sdk::NetworkAttachment& a) {
    if (a.config_json.empty()) return Call{default_, default_->config()};
    auto config = ParseBridgeConfig(a.config_json);
    if (!config.ok()) return config.status();
    if (config->SameNetwork(default_->config())) return Call{default_, std::move(*config)};
    std::lock_guard<std::mutex> lock(mu_);
    std::string key = config->IpamDir() + "|" + config->subnet.ToString() + "|" +
                      config->gateway.ToString() + "|" + std::to_string(config->mtu) + "|" +
                      (config->is_gateway ? "gw" : "nogw");
    auto& slot = others_[key];
    if (!slot) {
      auto made = BridgeNetwork::Create(*config);
      if (!made.ok()) return made.status();
      slot = std::move(*made);
    }
    return Call{slot, std::move(*config)};
  }

  template <typename R, typename F>
  static R Guard(const char* op, F&& f) noexcept {
    try {
      return f();
    } catch (const std::exception& e) {
      return sdk::Status::Internal(std::string("bridge plugin ") + op + ": " + e.what());
    } catch (...) {
      return sdk::Status::Internal(std::string("bridge plugin ") + op + ": unknown exception");
    }
  }

  const std::shared_ptr<BridgeNetwork> default_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<BridgeNetwork>> others_;
};

}  // namespace

sdk::NetworkVersionInfo BridgePluginVersion() {
  sdk::NetworkVersionInfo v;
  v.cni_version = "1.1.0";
  v.supported_versions.assign(std::begin(kSupportedVersions), std::end(kSupportedVersions));
  return v;
}

sdk::Result<std::unique_ptr<sdk::NetworkPlugin>> NewBridgePlugin(const std::string& config_json) {
  try {
    auto config = ParseBridgeConfig(config_json);
    if (!config.ok()) return config.status();
    auto network = BridgeNetwork::Create(*config);
    if (!network.ok()) return network.status();
    return std::unique_ptr<sdk::NetworkPlugin>(
        new BridgePlugin(std::shared_ptr<BridgeNetwork>(std::move(*network))));
  } catch (const std::exception& e) {
    return sdk::Status::Internal(std::string("bridge plugin: ") + e.what());
  }
}

}  // namespace skiff::bridge_cni
