// DefaultBinder: writes the pods/binding subresource through the Client.

#include "core/client/client.h"
#include "core/scheduler/plugins/plugins.h"

namespace skiff::scheduler::plugins {
namespace {

class DefaultBinder final : public BindPlugin {
 public:
  explicit DefaultBinder(client::Client* client) : client_(client) {}
  std::string_view Name() const override { return "DefaultBinder"; }

  PluginStatus Bind(CycleState&, const PodInfo& pod, const std::string& node) override {
    if (!client_) return PluginStatus::Error("DefaultBinder has no client");
    auto r = client_->Bind(pod.ns, pod.name, node);
    if (!r.ok()) return PluginStatus::Error(r.error().message);
    return PluginStatus::Success();
  }

 private:
  client::Client* const client_;
};

}  // namespace

std::unique_ptr<Plugin> NewDefaultBinder(const PluginContext& context) {
  return std::make_unique<DefaultBinder>(context.client);
}

}  // namespace skiff::scheduler::plugins
