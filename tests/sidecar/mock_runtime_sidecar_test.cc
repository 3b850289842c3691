// The mock runtime's real sidecar binary end to end: the network namespace it makes for a
// sandbox reaches the host as a path (CRI has no field for it; it travels in the verbose info
// the way containerd reports it), which is what the agent hands to the network plugin.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/pluginhost/grpc_clients.h"
#include "core/pluginhost/sidecar_supervisor.h"
#include "tests/sidecar/test_support.h"

namespace skiff::sidecar_test {
namespace {

TEST(MockRuntimeSidecar, SandboxNetnsPathReachesTheHost) {
  if (::geteuid() != 0) GTEST_SKIP() << "creating network namespaces needs root";
  ScratchDir dir;
  pluginhost::GrpcClientOptions options{.plugin_name = "mock", .endpoint = dir.Endpoint("mock")};
  pluginhost::SidecarConfig config;
  config.name = "mock";
  config.endpoint = options.endpoint;
  config.command = {SKIFF_MOCK_RUNTIME_SIDECAR, "--socket", dir.Socket("mock"), "--config",
                    R"({"netns": true})"};
  pluginhost::SidecarSupervisor supervisor(
      config, pluginhost::GrpcHealthCheck(pluginhost::SidecarKind::kRuntime, options));
  SKIFF_ASSERT_OK(supervisor.Start());
  auto runtime = pluginhost::NewGrpcRuntimeClient(options);

  sdk::PodSandboxConfig sandbox;
  sandbox.metadata = {"netns-probe", "uid-" + std::to_string(::getpid()), "default", 0};
  auto id = runtime->RunPodSandbox(sandbox, "");
  SKIFF_ASSERT_OK(id);
  auto status = runtime->GetPodSandboxStatus(*id);
  SKIFF_ASSERT_OK(status);
  EXPECT_FALSE(status->netns_path.empty());
  EXPECT_TRUE(std::filesystem::exists(status->netns_path)) << status->netns_path;

  SKIFF_ASSERT_OK(runtime->StopPodSandbox(*id));
  SKIFF_ASSERT_OK(runtime->RemovePodSandbox(*id));
  EXPECT_FALSE(std::filesystem::exists(status->netns_path)) << status->netns_path;
}

}  // namespace
}  // namespace skiff::sidecar_test
