#pragma once

// InformerLister: an ObjectLister over the shared informers of PVCs, PVs and StorageClasses,
// for the VolumeBinding plugin. Thread-safe (the informers are); the factory must outlive it.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/client/informer_factory.h"
#include "core/scheduler/plugin.h"

namespace skiff::scheduler {

class InformerLister final : public ObjectLister {
 public:
  // on_change runs on informer threads, once Started, whenever any listed object changes.
  InformerLister(client::InformerFactory& informers, std::function<void()> on_change);

  void Start();
  bool WaitForSync(std::chrono::milliseconds timeout);

  std::optional<boost::json::object> Get(std::string_view resource, std::string_view ns,
                                         std::string_view name) const override;
  std::vector<boost::json::object> List(std::string_view resource) const override;

 private:
  const std::function<void()> on_change_;
  std::map<std::string, client::Informer*, std::less<>> informers_;  // by resource
  std::vector<std::unique_ptr<client::InformerRegistration>> handlers_;
};

}  // namespace skiff::scheduler
