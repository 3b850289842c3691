#pragma once

// SDK values with every field set to something other than its default, so a round trip that
// drops or mixes up a field shows it.

#include <skiff/sdk/types.h>

namespace skiff::sidecar_test {

sdk::PodSandboxConfig SamplePodSandboxConfig();
sdk::PodSandbox SamplePodSandbox();
sdk::PodSandboxStatus SamplePodSandboxStatus();
sdk::PodSandboxFilter SamplePodSandboxFilter();
sdk::ContainerConfig SampleContainerConfig();
sdk::Container SampleContainer();
sdk::ContainerStatus SampleContainerStatus();
sdk::ContainerFilter SampleContainerFilter();
sdk::ExecSyncResult SampleExecSyncResult();
sdk::Image SampleImage();
sdk::AuthConfig SampleAuthConfig();
sdk::VersionInfo SampleVersionInfo();
sdk::RuntimeStatus SampleRuntimeStatus();

sdk::VolumeCapability SampleMountCapability();
sdk::CreateVolumeRequest SampleCreateVolumeRequest();
sdk::Volume SampleVolume();
sdk::NodePublishVolumeRequest SampleNodePublishVolumeRequest();
sdk::NodeStageVolumeRequest SampleNodeStageVolumeRequest();
sdk::VolumeStats SampleVolumeStats();

sdk::NetworkAttachment SampleNetworkAttachment();
sdk::NetworkResult SampleNetworkResult();

}  // namespace skiff::sidecar_test
