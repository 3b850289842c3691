#include "tests/sidecar/sample_values.h"

namespace skiff::sidecar_test {

sdk::PodSandboxConfig SamplePodSandboxConfig() {
  sdk::PodSandboxConfig c;
  c.metadata = {"web-0", "uid-123", "shop", 2};
  c.hostname = "web-0";
  c.log_directory = "/var/log/pods/shop_web-0_uid-123";
  c.dns_config = {{"10.96.0.10"}, {"shop.svc.cluster.local", "svc.cluster.local"}, {"ndots:5"}};
  c.port_mappings = {{sdk::Protocol::kUdp, 53, 5353, "127.0.0.1"},
                     {sdk::Protocol::kSctp, 80, 8080, ""}};
  c.labels = {{"app", "web"}, {"tier", "front"}};
  c.annotations = {{"skiff.dev/note", "sample"}};
  c.linux_config.cgroup_parent = "/kubepods/burstable";
  c.linux_config.security_context.namespace_options = {
      sdk::NamespaceMode::kNode, sdk::NamespaceMode::kPod, sdk::NamespaceMode::kNode, "target-id"};
  c.linux_config.security_context.privileged = true;
  c.linux_config.sysctls = {{"net.ipv4.ip_forward", "1"}};
  return c;
}

sdk::PodSandbox SamplePodSandbox() {
  return {"sandbox-1",
          {"web-0", "uid-123", "shop", 1},
          sdk::PodSandboxState::kReady,
          1'700'000'000'123'456'789,
          {{"app", "web"}},
          {{"a", "b"}},
          "runc"};
}

sdk::PodSandboxStatus SamplePodSandboxStatus() {
  sdk::PodSandboxStatus s;
  s.id = "sandbox-1";
  s.metadata = {"web-0", "uid-123", "shop", 1};
  s.state = sdk::PodSandboxState::kReady;
  s.created_at = 1'700'000'000'123'456'789;
  s.network = {"10.88.0.5", {{"fd00::5"}}};
  s.namespace_options = {sdk::NamespaceMode::kPod, sdk::NamespaceMode::kContainer,
                         sdk::NamespaceMode::kPod, ""};
  s.netns_path = "/var/run/netns/skiff-sandbox-1";
  s.labels = {{"app", "web"}};
  s.annotations = {{"a", "b"}};
  s.runtime_handler = "runc";
  return s;
}

sdk::PodSandboxFilter SamplePodSandboxFilter() {
  return {"sandbox-1", sdk::PodSandboxState::kNotReady, {{"app", "web"}}};
}

sdk::ContainerConfig SampleContainerConfig() {
  sdk::ContainerConfig c;
  c.metadata = {"nginx", 3};
  c.image = {"docker.io/library/nginx:1.25", {{"arch", "amd64"}}};
  c.command = {"/bin/sh", "-c"};
  c.args = {"exec nginx", "-g", "daemon off;"};
  c.working_dir = "/srv";
  // A value that is not UTF-8: CRI carries env values as bytes.
  c.envs = {{"A", "1"}, {"RAW", std::string("\xff\xfe", 2)}};
  c.mounts = {
      {"/data", "/var/lib/skiff/volumes/v1", true, true, sdk::MountPropagation::kBidirectional},
      {"/cache", "/tmp/cache", false, false, sdk::MountPropagation::kHostToContainer}};
  c.labels = {{"io.kubernetes.container.name", "nginx"}};
  c.annotations = {{"restartCount", "3"}};
  c.log_path = "nginx/3.log";
  c.stdin = true;
  c.stdin_once = true;
  c.tty = true;
  c.linux_config.resources = {100000, 50000, 512, 64 << 20, -998, "0-1", "0"};
  return c;
}

sdk::Container SampleContainer() {
  return {"container-1",
          "sandbox-1",
          {"nginx", 3},
          {"docker.io/library/nginx:1.25", {}},
          "sha256:abc",
          sdk::ContainerState::kRunning,
          1'700'000'000'000'000'001,
          {{"app", "web"}},
          {{"a", "b"}}};
}

sdk::ContainerStatus SampleContainerStatus() {
  sdk::ContainerStatus s;
  s.id = "container-1";
  s.metadata = {"nginx", 3};
  s.state = sdk::ContainerState::kExited;
  s.created_at = 1;
  s.started_at = 2;
  s.finished_at = 3;
  s.exit_code = 137;
  s.image = {"docker.io/library/nginx:1.25", {{"k", "v"}}};
  s.image_ref = "sha256:abc";
  s.reason = "OOMKilled";
  s.message = "out of memory";
  s.labels = {{"app", "web"}};
  s.annotations = {{"a", "b"}};
  s.mounts = {{"/data", "/host/data", true, false, sdk::MountPropagation::kHostToContainer}};
  s.log_path = "/var/log/pods/shop_web-0_uid-123/nginx/3.log";
  return s;
}

sdk::ContainerFilter SampleContainerFilter() {
  return {"container-1", sdk::ContainerState::kExited, "sandbox-1", {{"app", "web"}}};
}

sdk::ExecSyncResult SampleExecSyncResult() { return {std::string("out\0put\n", 8), "err\n", 42}; }

sdk::Image SampleImage() {
  sdk::Image i;
  i.id = "sha256:abc";
  i.repo_tags = {"docker.io/library/nginx:1.25", "nginx:latest"};
  i.repo_digests = {"docker.io/library/nginx@sha256:def"};
  i.size = 187'000'000;
  i.uid = 0;  // root: set, and distinct from unset
  i.username = "nginx";
  i.spec = {"docker.io/library/nginx:1.25", {{"k", "v"}}};
  i.pinned = true;
  return i;
}

sdk::AuthConfig SampleAuthConfig() {
  return {"user", "secret", "dXNlcjpzZWNyZXQ=", "registry.example", "id-token", "reg-token"};
}

sdk::VersionInfo SampleVersionInfo() { return {"v1", "fake", "1.2.3", "v1"}; }

sdk::RuntimeStatus SampleRuntimeStatus() {
  return {{{sdk::kRuntimeReady, true, "", ""},
           {sdk::kNetworkReady, false, "NetworkPluginNotReady", "no CNI config"}}};
}

sdk::VolumeCapability SampleMountCapability() {
  sdk::VolumeCapability c;
  c.mount = sdk::MountVolume{"ext4", {"noatime", "nodev"}, "1000"};
  c.access_mode = sdk::AccessMode::kSingleNodeMultiWriter;
  return c;
}

sdk::CreateVolumeRequest SampleCreateVolumeRequest() {
  sdk::CreateVolumeRequest r;
  r.name = "pvc-123";
  r.capacity_range = sdk::CapacityRange{1 << 20, 1 << 30};
  sdk::VolumeCapability block;
  block.block = sdk::BlockVolume{};
  block.access_mode = sdk::AccessMode::kSingleNodeWriter;
  r.volume_capabilities = {SampleMountCapability(), block};
  r.parameters = {{"type", "fast"}};
  r.secrets = {{"token", "s3cr3t"}};
  return r;
}

sdk::Volume SampleVolume() {
  return {1 << 30, "vol-1", {{"path", "/var/lib/v/vol-1"}}, {{{{"zone", "a"}}}, {{{"rack", "7"}}}}};
}

sdk::NodePublishVolumeRequest SampleNodePublishVolumeRequest() {
  sdk::NodePublishVolumeRequest r;
  r.volume_id = "vol-1";
  r.publish_context = {{"device", "/dev/x"}};
  r.staging_target_path = "/var/lib/skiff/staging/vol-1";
  r.target_path = "/var/lib/skiff/pods/uid/volumes/vol-1";
  r.volume_capability = SampleMountCapability();
  r.readonly = true;
  r.secrets = {{"token", "s3cr3t"}};
  r.volume_context = {{"path", "/var/lib/v/vol-1"}};
  return r;
}

sdk::NodeStageVolumeRequest SampleNodeStageVolumeRequest() {
  sdk::NodeStageVolumeRequest r;
  r.volume_id = "vol-1";
  r.publish_context = {{"device", "/dev/x"}};
  r.staging_target_path = "/var/lib/skiff/staging/vol-1";
  r.volume_capability = SampleMountCapability();
  r.secrets = {{"token", "s3cr3t"}};
  r.volume_context = {{"path", "/var/lib/v/vol-1"}};
  return r;
}

sdk::VolumeStats SampleVolumeStats() {
  return {
      {{100, 300, 200, sdk::VolumeUsageUnit::kBytes}, {5, 10, 5, sdk::VolumeUsageUnit::kInodes}},
      sdk::VolumeCondition{true, "disk is degraded"}};
}

sdk::NetworkAttachment SampleNetworkAttachment() {
  sdk::NetworkAttachment a;
  a.container_id = "sandbox-1";
  a.netns = "/var/run/netns/skiff-sandbox-1";
  a.ifname = "eth0";
  a.args = {{"K8S_POD_NAME", "web-0"}, {"K8S_POD_NAMESPACE", "shop"}, {"IgnoreUnknown", "1"}};
  a.pod_name = "web-0";
  a.pod_namespace = "shop";
  a.config_json = R"({"bridge":"skiff0","subnet":"10.88.0.0/16"})";
  return a;
}

sdk::NetworkResult SampleNetworkResult() {
  sdk::NetworkResult r;
  r.cni_version = "1.0.0";
  r.interfaces = {{"skiff0", "aa:bb:cc:dd:ee:00", std::nullopt, ""},
                  {"eth0", "aa:bb:cc:dd:ee:01", 1450, "/var/run/netns/skiff-sandbox-1"}};
  r.ips = {{"10.88.0.5/16", "10.88.0.1", 1}, {"fd00::5/64", "", std::nullopt}};
  r.routes = {{"0.0.0.0/0", "10.88.0.1", 1450, 100},
              {"10.0.0.0/8", "", std::nullopt, std::nullopt}};
  r.dns = {{"10.96.0.10"}, "cluster.local", {"svc.cluster.local"}, {"ndots:5"}};
  return r;
}

}  // namespace skiff::sidecar_test
