#include "storage_context.h"

#include <skiff/sdk/mountinfo.h>

#include <algorithm>

#include "case_support.h"

namespace skiff::conformance::internal {

StorageContext::StorageContext(StorageFactory factory, StorageSuiteOptions options)
    : factory_(std::move(factory)), options_(std::move(options)) {}

sdk::Status StorageContext::Open() {
  auto made = factory_();
  if (!made.ok()) return made.status();
  storage_ = std::move(made).value();
  scratch_ = options_.scratch_dir;
  if (scratch_.empty()) {
    scratch_ = MakeTempDir();
    own_scratch_ = true;
  }
  if (scratch_.empty()) return sdk::Status::Internal("cannot make a scratch directory in /tmp");
  return sdk::Status::Ok();
}

void StorageContext::Cleanup() {
  if (storage_) {
    for (const auto& [volume, target] : targets_) {
      (void)storage_->NodeUnpublishVolume({volume, target});
    }
    for (const auto& volume : volumes_) (void)storage_->DeleteVolume(volume);
  }
  storage_.reset();
  if (own_scratch_) RemoveTree(scratch_);
}

sdk::VolumeCapability StorageContext::MountCapability() {
  sdk::VolumeCapability capability;
  capability.mount = sdk::MountVolume{};
  capability.access_mode = sdk::AccessMode::kSingleNodeWriter;
  return capability;
}

sdk::CreateVolumeRequest StorageContext::VolumeRequest(const std::string& name) const {
  sdk::CreateVolumeRequest request;
  request.name = UniqueName(name);
  request.capacity_range = sdk::CapacityRange{options_.volume_bytes, 0};
  request.volume_capabilities = {MountCapability()};
  return request;
}

sdk::Result<sdk::Volume> StorageContext::CreateVolume(const sdk::CreateVolumeRequest& request) {
  auto volume = storage_->CreateVolume(request);
  if (volume.ok() &&
      std::find(volumes_.begin(), volumes_.end(), volume->volume_id) == volumes_.end()) {
    volumes_.push_back(volume->volume_id);
  }
  return volume;
}

sdk::NodePublishVolumeRequest StorageContext::PublishRequest(const std::string& volume_id,
                                                             bool readonly) {
  sdk::NodePublishVolumeRequest request;
  request.volume_id = volume_id;
  request.target_path = scratch_ + "/" + UniqueName("target");
  request.volume_capability = MountCapability();
  request.readonly = readonly;
  targets_.emplace_back(volume_id, request.target_path);
  return request;
}

bool StorageContext::HasControllerCapability(sdk::ControllerCapability capability) {
  auto capabilities = storage_->ControllerGetCapabilities();
  return capabilities.ok() &&
         std::count(capabilities->begin(), capabilities->end(), capability) > 0;
}

bool StorageContext::HasNodeCapability(sdk::NodeCapability capability) {
  auto capabilities = storage_->NodeGetCapabilities();
  return capabilities.ok() &&
         std::count(capabilities->begin(), capabilities->end(), capability) > 0;
}

sdk::Result<bool> IsMounted(const std::string& path, bool* read_only) {
  auto mount = sdk::FindMount(path);
  if (!mount.ok()) return mount.status();
  if (read_only && *mount) *read_only = (*mount)->read_only();
  return mount->has_value();
}

}  // namespace skiff::conformance::internal
