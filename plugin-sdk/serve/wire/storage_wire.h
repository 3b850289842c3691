#pragma once

// SDK storage structs <-> CSI csi.v1 messages, shared by the storage sidecar server and the
// host's CSI client. Where the SDK folds a CSI oneof or wrapper into a plain value (Probe's
// ready, ValidateVolumeCapabilities' confirmed), the comment at the function says how.

#include <skiff/sdk/storage_types.h>

#include <vector>

#include "csi/v1/csi.pb.h"

namespace skiff::wire {

namespace csi = ::csi::v1;

void ToWire(const sdk::PluginInfo& in, csi::GetPluginInfoResponse* out);
sdk::PluginInfo FromWire(const csi::GetPluginInfoResponse& in);

// Capabilities the other side does not know are skipped, not errors (CSI grows them).
void ToWire(const std::vector<sdk::PluginCapability>& in, csi::GetPluginCapabilitiesResponse* out);
std::vector<sdk::PluginCapability> FromWire(const csi::GetPluginCapabilitiesResponse& in);

// CSI: an unset `ready` means ready.
void ToWire(bool ready, csi::ProbeResponse* out);
bool FromWire(const csi::ProbeResponse& in);

void ToWire(const sdk::VolumeCapability& in, csi::VolumeCapability* out);
sdk::VolumeCapability FromWire(const csi::VolumeCapability& in);

void ToWire(const sdk::CreateVolumeRequest& in, csi::CreateVolumeRequest* out);
sdk::CreateVolumeRequest FromWire(const csi::CreateVolumeRequest& in);

void ToWire(const sdk::Volume& in, csi::Volume* out);
sdk::Volume FromWire(const csi::Volume& in);

void ToWire(const sdk::ListVolumesRequest& in, csi::ListVolumesRequest* out);
sdk::ListVolumesRequest FromWire(const csi::ListVolumesRequest& in);

void ToWire(const sdk::ListVolumesResponse& in, csi::ListVolumesResponse* out);
sdk::ListVolumesResponse FromWire(const csi::ListVolumesResponse& in);

void ToWire(const sdk::GetCapacityRequest& in, csi::GetCapacityRequest* out);
sdk::GetCapacityRequest FromWire(const csi::GetCapacityRequest& in);

void ToWire(const sdk::Capacity& in, csi::GetCapacityResponse* out);
sdk::Capacity FromWire(const csi::GetCapacityResponse& in);

void ToWire(const sdk::ValidateVolumeCapabilitiesRequest& in,
            csi::ValidateVolumeCapabilitiesRequest* out);
sdk::ValidateVolumeCapabilitiesRequest FromWire(const csi::ValidateVolumeCapabilitiesRequest& in);

// CSI says a confirmation echoes what was validated, so the server copies the request's
// capabilities, context and parameters into `confirmed`; the client only reads its presence.
void ToWire(const sdk::ValidateVolumeCapabilitiesResponse& in,
            const csi::ValidateVolumeCapabilitiesRequest& request,
            csi::ValidateVolumeCapabilitiesResponse* out);
sdk::ValidateVolumeCapabilitiesResponse FromWire(const csi::ValidateVolumeCapabilitiesResponse& in);

void ToWire(const std::vector<sdk::ControllerCapability>& in,
            csi::ControllerGetCapabilitiesResponse* out);
std::vector<sdk::ControllerCapability> FromWire(const csi::ControllerGetCapabilitiesResponse& in);

void ToWire(const sdk::NodeStageVolumeRequest& in, csi::NodeStageVolumeRequest* out);
sdk::NodeStageVolumeRequest FromWire(const csi::NodeStageVolumeRequest& in);

void ToWire(const sdk::NodeUnstageVolumeRequest& in, csi::NodeUnstageVolumeRequest* out);
sdk::NodeUnstageVolumeRequest FromWire(const csi::NodeUnstageVolumeRequest& in);

void ToWire(const sdk::NodePublishVolumeRequest& in, csi::NodePublishVolumeRequest* out);
sdk::NodePublishVolumeRequest FromWire(const csi::NodePublishVolumeRequest& in);

void ToWire(const sdk::NodeUnpublishVolumeRequest& in, csi::NodeUnpublishVolumeRequest* out);
sdk::NodeUnpublishVolumeRequest FromWire(const csi::NodeUnpublishVolumeRequest& in);

void ToWire(const std::vector<sdk::NodeCapability>& in, csi::NodeGetCapabilitiesResponse* out);
std::vector<sdk::NodeCapability> FromWire(const csi::NodeGetCapabilitiesResponse& in);

void ToWire(const sdk::NodeInfo& in, csi::NodeGetInfoResponse* out);
sdk::NodeInfo FromWire(const csi::NodeGetInfoResponse& in);

void ToWire(const sdk::NodeGetVolumeStatsRequest& in, csi::NodeGetVolumeStatsRequest* out);
sdk::NodeGetVolumeStatsRequest FromWire(const csi::NodeGetVolumeStatsRequest& in);

void ToWire(const sdk::VolumeStats& in, csi::NodeGetVolumeStatsResponse* out);
sdk::VolumeStats FromWire(const csi::NodeGetVolumeStatsResponse& in);

}  // namespace skiff::wire
