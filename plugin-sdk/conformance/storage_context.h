#pragma once

// One storage conformance case's world: a fresh StoragePlugin, a scratch directory for target
// and staging paths, and cleanup that unpublishes and deletes whatever the case provisioned.

#include <skiff/conformance/suites.h>

#include <string>
#include <utility>
#include <vector>

namespace skiff::conformance::internal {

class StorageContext {
 public:
  StorageContext(StorageFactory factory, StorageSuiteOptions options);

  sdk::Status Open();
  void Cleanup();

  sdk::StoragePlugin& storage() { return *storage_; }
  const StorageSuiteOptions& options() const { return options_; }
  const std::string& scratch() const { return scratch_; }

  // A single-node-writer mount capability.
  static sdk::VolumeCapability MountCapability();
  // A request for options().volume_bytes with a unique name.
  sdk::CreateVolumeRequest VolumeRequest(const std::string& name) const;
  // CreateVolume that remembers the volume for cleanup.
  sdk::Result<sdk::Volume> CreateVolume(const sdk::CreateVolumeRequest& request);
  // A publish request for `volume_id` onto a fresh target under the scratch directory.
  sdk::NodePublishVolumeRequest PublishRequest(const std::string& volume_id, bool readonly);
  bool HasControllerCapability(sdk::ControllerCapability capability);
  bool HasNodeCapability(sdk::NodeCapability capability);

 private:
  StorageFactory factory_;
  StorageSuiteOptions options_;
  std::string scratch_;
  bool own_scratch_ = false;
  std::shared_ptr<sdk::StoragePlugin> storage_;
  std::vector<std::string> volumes_;
  std::vector<std::pair<std::string, std::string>> targets_;  // volume id, target path
};

// Whether `path` is a mount point now, per /proc/self/mountinfo; `read_only` gets its flag.
sdk::Result<bool> IsMounted(const std::string& path, bool* read_only = nullptr);

}  // namespace skiff::conformance::internal
