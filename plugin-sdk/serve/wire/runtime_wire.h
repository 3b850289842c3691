#pragma once

// SDK runtime structs <-> CRI runtime.v1 messages. Used by the runtime sidecar server (wire in,
// SDK out) and by the host's CRI client (SDK in, wire out), so both ends agree by construction.
// ToWire fills a message in place (messages are arena-friendly and not cheap to return);
// FromWire returns the plain struct.

#include <skiff/sdk/runtime_types.h>

#include <map>
#include <string>

#include "runtime/v1/api.pb.h"

namespace skiff::wire {

namespace cri = ::runtime::v1;

void ToWire(const sdk::VersionInfo& in, cri::VersionResponse* out);
sdk::VersionInfo FromWire(const cri::VersionResponse& in);

void ToWire(const sdk::RuntimeStatus& in, cri::RuntimeStatus* out);
sdk::RuntimeStatus FromWire(const cri::RuntimeStatus& in);

void ToWire(const sdk::PodSandboxConfig& in, cri::PodSandboxConfig* out);
sdk::PodSandboxConfig FromWire(const cri::PodSandboxConfig& in);

void ToWire(const sdk::PodSandbox& in, cri::PodSandbox* out);
sdk::PodSandbox FromWire(const cri::PodSandbox& in);

void ToWire(const sdk::PodSandboxFilter& in, cri::PodSandboxFilter* out);
sdk::PodSandboxFilter FromWire(const cri::PodSandboxFilter& in);

// The sandbox's netns path has no field in CRI. Runtimes report it in the verbose `info` map
// as JSON (containerd: info["info"].runtimeSpec.linux.namespaces[type=network].path), so both
// directions go through that map: the server writes the same shape containerd does and the
// client reads it from either.
void ToWire(const sdk::PodSandboxStatus& in, cri::PodSandboxStatusResponse* out);
sdk::PodSandboxStatus FromWire(const cri::PodSandboxStatusResponse& in);

void ToWire(const sdk::ContainerConfig& in, cri::ContainerConfig* out);
sdk::ContainerConfig FromWire(const cri::ContainerConfig& in);

void ToWire(const sdk::Container& in, cri::Container* out);
sdk::Container FromWire(const cri::Container& in);

void ToWire(const sdk::ContainerFilter& in, cri::ContainerFilter* out);
sdk::ContainerFilter FromWire(const cri::ContainerFilter& in);

void ToWire(const sdk::ContainerStatus& in, cri::ContainerStatus* out);
sdk::ContainerStatus FromWire(const cri::ContainerStatus& in);

void ToWire(const sdk::ExecSyncResult& in, cri::ExecSyncResponse* out);
sdk::ExecSyncResult FromWire(const cri::ExecSyncResponse& in);

void ToWire(const sdk::ImageSpec& in, cri::ImageSpec* out);
sdk::ImageSpec FromWire(const cri::ImageSpec& in);

void ToWire(const sdk::AuthConfig& in, cri::AuthConfig* out);
sdk::AuthConfig FromWire(const cri::AuthConfig& in);

void ToWire(const sdk::Image& in, cri::Image* out);
sdk::Image FromWire(const cri::Image& in);

void ToWire(const sdk::ImageFilter& in, cri::ImageFilter* out);
sdk::ImageFilter FromWire(const cri::ImageFilter& in);

// Reads the network namespace path out of a verbose PodSandboxStatus `info` map; "" if absent.
std::string NetnsPathFromInfo(const google::protobuf::Map<std::string, std::string>& info);

}  // namespace skiff::wire
