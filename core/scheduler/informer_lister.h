#pragma once

// InformerLister: an ObjectLister over informers of PVCs, PVs and StorageClasses, for the
// VolumeBinding plugin. Thread-safe (the informers are); owns the informers.

#include <map>
#include <memory>
#include <string>

#include "core/client/informer.h"
#include "core/scheduler/plugin.h"

namespace skiff::scheduler {

class InformerLister final : public ObjectLister {
 public:
  // on_change runs on informer threads whenever any listed object changes.
  InformerLister(client::Client& client, std::function<void()> on_change);

  void Start();
  bool WaitForSync(std::chrono::milliseconds timeout);

  std::optional<boost::json::object> Get(std::string_view resource, std::string_view ns,
                                         std::string_view name) const override;
  std::vector<boost::json::object> List(std::string_view resource) const override;

 private:
  std::map<std::string, std::unique_ptr<client::Informer>, std::less<>> informers_;
};

}  // namespace skiff::scheduler
