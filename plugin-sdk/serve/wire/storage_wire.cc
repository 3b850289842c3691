#include "plugin-sdk/serve/wire/storage_wire.h"

#include "plugin-sdk/serve/wire/container_wire.h"

namespace skiff::wire {

namespace {

void ToWire(const sdk::Topology& in, csi::Topology* out) {
  CopyMap(in.segments, out->mutable_segments());
}

sdk::Topology FromWire(const csi::Topology& in) { return {ToStdMap(in.segments())}; }

// The SDK's CSI enums use the spec's numbers, so they cast across once known to be in range;
// values from a newer spec are dropped or read as "unknown" by the callers.
bool InRange(int value, int first, int last) { return value >= first && value <= last; }

}  // namespace

// ---- Identity ----

void ToWire(const sdk::PluginInfo& in, csi::GetPluginInfoResponse* out) {
  out->set_name(in.name);
  out->set_vendor_version(in.vendor_version);
  CopyMap(in.manifest, out->mutable_manifest());
}

sdk::PluginInfo FromWire(const csi::GetPluginInfoResponse& in) {
  return {in.name(), in.vendor_version(), ToStdMap(in.manifest())};
}

void ToWire(const std::vector<sdk::PluginCapability>& in, csi::GetPluginCapabilitiesResponse* out) {
  using Service = csi::PluginCapability::Service;
  using Expansion = csi::PluginCapability::VolumeExpansion;
  for (auto c : in) {
    auto* w = out->add_capabilities();
    switch (c) {
      case sdk::PluginCapability::kControllerService:
        w->mutable_service()->set_type(Service::CONTROLLER_SERVICE);
        break;
      case sdk::PluginCapability::kVolumeAccessibilityConstraints:
        w->mutable_service()->set_type(Service::VOLUME_ACCESSIBILITY_CONSTRAINTS);
        break;
      case sdk::PluginCapability::kOnlineVolumeExpansion:
        w->mutable_volume_expansion()->set_type(Expansion::ONLINE);
        break;
      case sdk::PluginCapability::kOfflineVolumeExpansion:
        w->mutable_volume_expansion()->set_type(Expansion::OFFLINE);
        break;
    }
  }
}

std::vector<sdk::PluginCapability> FromWire(const csi::GetPluginCapabilitiesResponse& in) {
  using Service = csi::PluginCapability::Service;
  using Expansion = csi::PluginCapability::VolumeExpansion;
  std::vector<sdk::PluginCapability> out;
  for (const auto& c : in.capabilities()) {
    if (c.has_service()) {
      if (c.service().type() == Service::CONTROLLER_SERVICE) {
        out.push_back(sdk::PluginCapability::kControllerService);
      } else if (c.service().type() == Service::VOLUME_ACCESSIBILITY_CONSTRAINTS) {
        out.push_back(sdk::PluginCapability::kVolumeAccessibilityConstraints);
      }
    } else if (c.has_volume_expansion()) {
      if (c.volume_expansion().type() == Expansion::ONLINE) {
        out.push_back(sdk::PluginCapability::kOnlineVolumeExpansion);
      } else if (c.volume_expansion().type() == Expansion::OFFLINE) {
        out.push_back(sdk::PluginCapability::kOfflineVolumeExpansion);
      }
    }
  }
  return out;
}

void ToWire(bool ready, csi::ProbeResponse* out) { out->mutable_ready()->set_value(ready); }

bool FromWire(const csi::ProbeResponse& in) { return !in.has_ready() || in.ready().value(); }

// ---- Volumes ----

void ToWire(const sdk::VolumeCapability& in, csi::VolumeCapability* out) {
  if (in.block) out->mutable_block();
  if (in.mount) {
    auto* m = out->mutable_mount();
    m->set_fs_type(in.mount->fs_type);
    CopyStrings(in.mount->mount_flags, m->mutable_mount_flags());
    m->set_volume_mount_group(in.mount->volume_mount_group);
  }
  out->mutable_access_mode()->set_mode(
      static_cast<csi::VolumeCapability::AccessMode::Mode>(in.access_mode));
}

sdk::VolumeCapability FromWire(const csi::VolumeCapability& in) {
  sdk::VolumeCapability out;
  if (in.has_block()) out.block = sdk::BlockVolume{};
  if (in.has_mount()) {
    out.mount = sdk::MountVolume{in.mount().fs_type(), ToStdStrings(in.mount().mount_flags()),
                                 in.mount().volume_mount_group()};
  }
  int mode = in.access_mode().mode();
  out.access_mode =
      InRange(mode, 0, 7) ? static_cast<sdk::AccessMode>(mode) : sdk::AccessMode::kUnknown;
  return out;
}

void ToWire(const sdk::CreateVolumeRequest& in, csi::CreateVolumeRequest* out) {
  out->set_name(in.name);
  if (in.capacity_range) {
    out->mutable_capacity_range()->set_required_bytes(in.capacity_range->required_bytes);
    out->mutable_capacity_range()->set_limit_bytes(in.capacity_range->limit_bytes);
  }
  for (const auto& c : in.volume_capabilities) ToWire(c, out->add_volume_capabilities());
  CopyMap(in.parameters, out->mutable_parameters());
  CopyMap(in.secrets, out->mutable_secrets());
}

sdk::CreateVolumeRequest FromWire(const csi::CreateVolumeRequest& in) {
  sdk::CreateVolumeRequest out;
  out.name = in.name();
  if (in.has_capacity_range()) {
    out.capacity_range =
        sdk::CapacityRange{in.capacity_range().required_bytes(), in.capacity_range().limit_bytes()};
  }
  for (const auto& c : in.volume_capabilities()) out.volume_capabilities.push_back(FromWire(c));
  out.parameters = ToStdMap(in.parameters());
  out.secrets = ToStdMap(in.secrets());
  return out;
}

void ToWire(const sdk::Volume& in, csi::Volume* out) {
  out->set_capacity_bytes(in.capacity_bytes);
  out->set_volume_id(in.volume_id);
  CopyMap(in.volume_context, out->mutable_volume_context());
  for (const auto& t : in.accessible_topology) ToWire(t, out->add_accessible_topology());
}

sdk::Volume FromWire(const csi::Volume& in) {
  sdk::Volume out;
  out.capacity_bytes = in.capacity_bytes();
  out.volume_id = in.volume_id();
  out.volume_context = ToStdMap(in.volume_context());
  for (const auto& t : in.accessible_topology()) out.accessible_topology.push_back(FromWire(t));
  return out;
}

// ---- Controller ----

void ToWire(const sdk::ListVolumesRequest& in, csi::ListVolumesRequest* out) {
  out->set_max_entries(in.max_entries);
  out->set_starting_token(in.starting_token);
}

sdk::ListVolumesRequest FromWire(const csi::ListVolumesRequest& in) {
  return {in.max_entries(), in.starting_token()};
}

void ToWire(const sdk::ListVolumesResponse& in, csi::ListVolumesResponse* out) {
  for (const auto& v : in.entries) ToWire(v, out->add_entries()->mutable_volume());
  out->set_next_token(in.next_token);
}

sdk::ListVolumesResponse FromWire(const csi::ListVolumesResponse& in) {
  sdk::ListVolumesResponse out;
  for (const auto& e : in.entries()) out.entries.push_back(FromWire(e.volume()));
  out.next_token = in.next_token();
  return out;
}

void ToWire(const sdk::GetCapacityRequest& in, csi::GetCapacityRequest* out) {
  for (const auto& c : in.volume_capabilities) ToWire(c, out->add_volume_capabilities());
  CopyMap(in.parameters, out->mutable_parameters());
  if (in.accessible_topology) ToWire(*in.accessible_topology, out->mutable_accessible_topology());
}

sdk::GetCapacityRequest FromWire(const csi::GetCapacityRequest& in) {
  sdk::GetCapacityRequest out;
  for (const auto& c : in.volume_capabilities()) out.volume_capabilities.push_back(FromWire(c));
  out.parameters = ToStdMap(in.parameters());
  if (in.has_accessible_topology()) out.accessible_topology = FromWire(in.accessible_topology());
  return out;
}

void ToWire(const sdk::Capacity& in, csi::GetCapacityResponse* out) {
  out->set_available_capacity(in.available_capacity);
  if (in.maximum_volume_size)
    out->mutable_maximum_volume_size()->set_value(*in.maximum_volume_size);
  if (in.minimum_volume_size)
    out->mutable_minimum_volume_size()->set_value(*in.minimum_volume_size);
}

sdk::Capacity FromWire(const csi::GetCapacityResponse& in) {
  sdk::Capacity out;
  out.available_capacity = in.available_capacity();
  if (in.has_maximum_volume_size()) out.maximum_volume_size = in.maximum_volume_size().value();
  if (in.has_minimum_volume_size()) out.minimum_volume_size = in.minimum_volume_size().value();
  return out;
}

void ToWire(const sdk::ValidateVolumeCapabilitiesRequest& in,
            csi::ValidateVolumeCapabilitiesRequest* out) {
  out->set_volume_id(in.volume_id);
  CopyMap(in.volume_context, out->mutable_volume_context());
  for (const auto& c : in.volume_capabilities) ToWire(c, out->add_volume_capabilities());
  CopyMap(in.parameters, out->mutable_parameters());
}

sdk::ValidateVolumeCapabilitiesRequest FromWire(const csi::ValidateVolumeCapabilitiesRequest& in) {
  sdk::ValidateVolumeCapabilitiesRequest out;
  out.volume_id = in.volume_id();
  out.volume_context = ToStdMap(in.volume_context());
  for (const auto& c : in.volume_capabilities()) out.volume_capabilities.push_back(FromWire(c));
  out.parameters = ToStdMap(in.parameters());
  return out;
}

void ToWire(const sdk::ValidateVolumeCapabilitiesResponse& in,
            const csi::ValidateVolumeCapabilitiesRequest& request,
            csi::ValidateVolumeCapabilitiesResponse* out) {
  if (in.confirmed) {
    auto* c = out->mutable_confirmed();
    *c->mutable_volume_context() = request.volume_context();
    *c->mutable_volume_capabilities() = request.volume_capabilities();
    *c->mutable_parameters() = request.parameters();
  }
  out->set_message(in.message);
}

sdk::ValidateVolumeCapabilitiesResponse FromWire(
    const csi::ValidateVolumeCapabilitiesResponse& in) {
  return {in.has_confirmed(), in.message()};
}

void ToWire(const std::vector<sdk::ControllerCapability>& in,
            csi::ControllerGetCapabilitiesResponse* out) {
  for (auto c : in) {
    out->add_capabilities()->mutable_rpc()->set_type(
        static_cast<csi::ControllerServiceCapability::RPC::Type>(c));
  }
}

std::vector<sdk::ControllerCapability> FromWire(const csi::ControllerGetCapabilitiesResponse& in) {
  std::vector<sdk::ControllerCapability> out;
  for (const auto& c : in.capabilities()) {
    int type = c.rpc().type();
    if (c.has_rpc() && InRange(type, 1, 13)) {
      out.push_back(static_cast<sdk::ControllerCapability>(type));
    }
  }
  return out;
}

// ---- Node ----

void ToWire(const sdk::NodeStageVolumeRequest& in, csi::NodeStageVolumeRequest* out) {
  out->set_volume_id(in.volume_id);
  CopyMap(in.publish_context, out->mutable_publish_context());
  out->set_staging_target_path(in.staging_target_path);
  if (in.volume_capability) ToWire(*in.volume_capability, out->mutable_volume_capability());
  CopyMap(in.secrets, out->mutable_secrets());
  CopyMap(in.volume_context, out->mutable_volume_context());
}

sdk::NodeStageVolumeRequest FromWire(const csi::NodeStageVolumeRequest& in) {
  sdk::NodeStageVolumeRequest out;
  out.volume_id = in.volume_id();
  out.publish_context = ToStdMap(in.publish_context());
  out.staging_target_path = in.staging_target_path();
  if (in.has_volume_capability()) out.volume_capability = FromWire(in.volume_capability());
  out.secrets = ToStdMap(in.secrets());
  out.volume_context = ToStdMap(in.volume_context());
  return out;
}

void ToWire(const sdk::NodeUnstageVolumeRequest& in, csi::NodeUnstageVolumeRequest* out) {
  out->set_volume_id(in.volume_id);
  out->set_staging_target_path(in.staging_target_path);
}

sdk::NodeUnstageVolumeRequest FromWire(const csi::NodeUnstageVolumeRequest& in) {
  return {in.volume_id(), in.staging_target_path()};
}

void ToWire(const sdk::NodePublishVolumeRequest& in, csi::NodePublishVolumeRequest* out) {
  out->set_volume_id(in.volume_id);
  CopyMap(in.publish_context, out->mutable_publish_context());
  out->set_staging_target_path(in.staging_target_path);
  out->set_target_path(in.target_path);
  if (in.volume_capability) ToWire(*in.volume_capability, out->mutable_volume_capability());
  out->set_readonly(in.readonly);
  CopyMap(in.secrets, out->mutable_secrets());
  CopyMap(in.volume_context, out->mutable_volume_context());
}

sdk::NodePublishVolumeRequest FromWire(const csi::NodePublishVolumeRequest& in) {
  sdk::NodePublishVolumeRequest out;
  out.volume_id = in.volume_id();
  out.publish_context = ToStdMap(in.publish_context());
  out.staging_target_path = in.staging_target_path();
  out.target_path = in.target_path();
  if (in.has_volume_capability()) out.volume_capability = FromWire(in.volume_capability());
  out.readonly = in.readonly();
  out.secrets = ToStdMap(in.secrets());
  out.volume_context = ToStdMap(in.volume_context());
  return out;
}

void ToWire(const sdk::NodeUnpublishVolumeRequest& in, csi::NodeUnpublishVolumeRequest* out) {
  out->set_volume_id(in.volume_id);
  out->set_target_path(in.target_path);
}

sdk::NodeUnpublishVolumeRequest FromWire(const csi::NodeUnpublishVolumeRequest& in) {
  return {in.volume_id(), in.target_path()};
}

void ToWire(const std::vector<sdk::NodeCapability>& in, csi::NodeGetCapabilitiesResponse* out) {
  for (auto c : in) {
    out->add_capabilities()->mutable_rpc()->set_type(
        static_cast<csi::NodeServiceCapability::RPC::Type>(c));
  }
}

std::vector<sdk::NodeCapability> FromWire(const csi::NodeGetCapabilitiesResponse& in) {
  std::vector<sdk::NodeCapability> out;
  for (const auto& c : in.capabilities()) {
    int type = c.rpc().type();
    if (c.has_rpc() && InRange(type, 1, 6)) {
      out.push_back(static_cast<sdk::NodeCapability>(type));
    }
  }
  return out;
}

void ToWire(const sdk::NodeInfo& in, csi::NodeGetInfoResponse* out) {
  out->set_node_id(in.node_id);
  out->set_max_volumes_per_node(in.max_volumes_per_node);
  if (in.accessible_topology) ToWire(*in.accessible_topology, out->mutable_accessible_topology());
}

sdk::NodeInfo FromWire(const csi::NodeGetInfoResponse& in) {
  sdk::NodeInfo out;
  out.node_id = in.node_id();
  out.max_volumes_per_node = in.max_volumes_per_node();
  if (in.has_accessible_topology()) out.accessible_topology = FromWire(in.accessible_topology());
  return out;
}

void ToWire(const sdk::NodeGetVolumeStatsRequest& in, csi::NodeGetVolumeStatsRequest* out) {
  out->set_volume_id(in.volume_id);
  out->set_volume_path(in.volume_path);
  out->set_staging_target_path(in.staging_target_path);
}

sdk::NodeGetVolumeStatsRequest FromWire(const csi::NodeGetVolumeStatsRequest& in) {
  return {in.volume_id(), in.volume_path(), in.staging_target_path()};
}

void ToWire(const sdk::VolumeStats& in, csi::NodeGetVolumeStatsResponse* out) {
  for (const auto& u : in.usage) {
    auto* w = out->add_usage();
    w->set_available(u.available);
    w->set_total(u.total);
    w->set_used(u.used);
    w->set_unit(static_cast<csi::VolumeUsage::Unit>(u.unit));
  }
  if (in.volume_condition) {
    out->mutable_volume_condition()->set_abnormal(in.volume_condition->abnormal);
    out->mutable_volume_condition()->set_message(in.volume_condition->message);
  }
}

sdk::VolumeStats FromWire(const csi::NodeGetVolumeStatsResponse& in) {
  sdk::VolumeStats out;
  for (const auto& u : in.usage()) {
    int unit = u.unit();
    out.usage.push_back({u.available(), u.total(), u.used(),
                         InRange(unit, 0, 2) ? static_cast<sdk::VolumeUsageUnit>(unit)
                                             : sdk::VolumeUsageUnit::kUnknown});
  }
  if (in.has_volume_condition()) {
    out.volume_condition =
        sdk::VolumeCondition{in.volume_condition().abnormal(), in.volume_condition().message()};
  }
  return out;
}

}  // namespace skiff::wire
