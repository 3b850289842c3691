// Every RuntimeService call through the sidecar server and the CRI client over a real unix
// socket: the plugin must receive exactly what the host sent, and the host exactly what the
// plugin answered.

#include <gtest/gtest.h>
#include <skiff/sdk/serve.h>

#include "core/pluginhost/grpc_clients.h"
#include "tests/sidecar/recording_plugins.h"
#include "tests/sidecar/sample_values.h"
#include "tests/sidecar/sdk_equality.h"
#include "tests/sidecar/test_support.h"

namespace skiff::sidecar_test {
namespace {

class RuntimeRoundTrip : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = sdk::StartRuntimeServer(plugin_, dir_.Socket("runtime"));
    SKIFF_ASSERT_OK(server);
    server_ = std::move(server).value();
    client_ = pluginhost::NewGrpcRuntimeClient(
        {.plugin_name = "recording", .endpoint = dir_.Endpoint("runtime")});
  }

  ScratchDir dir_;
  std::shared_ptr<RecordingRuntime> plugin_ = std::make_shared<RecordingRuntime>();
  std::unique_ptr<sdk::SidecarServer> server_;
  std::unique_ptr<sdk::RuntimeService> client_;
};

TEST_F(RuntimeRoundTrip, Version) {
  auto v = client_->Version("v1");
  SKIFF_ASSERT_OK(v);
  EXPECT_EQ(plugin_->api_version, "v1");
  EXPECT_EQ(*v, SampleVersionInfo());
}

TEST_F(RuntimeRoundTrip, Status) {
  auto s = client_->GetStatus();
  SKIFF_ASSERT_OK(s);
  EXPECT_EQ(*s, SampleRuntimeStatus());
}

TEST_F(RuntimeRoundTrip, RunPodSandbox) {
  auto id = client_->RunPodSandbox(SamplePodSandboxConfig(), "runc");
  SKIFF_ASSERT_OK(id);
  EXPECT_EQ(*id, "sandbox-1");
  EXPECT_EQ(plugin_->sandbox_config, SamplePodSandboxConfig());
  EXPECT_EQ(plugin_->runtime_handler, "runc");
}

TEST_F(RuntimeRoundTrip, StopAndRemovePodSandbox) {
  SKIFF_ASSERT_OK(client_->StopPodSandbox("sandbox-7"));
  EXPECT_EQ(plugin_->last_op(), "StopPodSandbox");
  EXPECT_EQ(plugin_->id, "sandbox-7");
  SKIFF_ASSERT_OK(client_->RemovePodSandbox("sandbox-8"));
  EXPECT_EQ(plugin_->last_op(), "RemovePodSandbox");
  EXPECT_EQ(plugin_->id, "sandbox-8");
}

TEST_F(RuntimeRoundTrip, PodSandboxStatusCarriesNetnsPath) {
  auto s = client_->GetPodSandboxStatus("sandbox-1");
  SKIFF_ASSERT_OK(s);
  EXPECT_EQ(plugin_->id, "sandbox-1");
  EXPECT_EQ(*s, SamplePodSandboxStatus());
  EXPECT_EQ(s->netns_path, "/var/run/netns/skiff-sandbox-1");
}

TEST_F(RuntimeRoundTrip, ListPodSandbox) {
  auto items = client_->ListPodSandbox(SamplePodSandboxFilter());
  SKIFF_ASSERT_OK(items);
  EXPECT_EQ(plugin_->sandbox_filter, SamplePodSandboxFilter());
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[0], SamplePodSandbox());
  EXPECT_EQ((*items)[1].state, sdk::PodSandboxState::kNotReady);
}

TEST_F(RuntimeRoundTrip, ListPodSandboxWithoutStateFilter) {
  SKIFF_ASSERT_OK(client_->ListPodSandbox({}));
  EXPECT_FALSE(plugin_->sandbox_filter.state.has_value());
  // And a filter on the zero-valued state must still arrive as set.
  sdk::PodSandboxFilter ready;
  ready.state = sdk::PodSandboxState::kReady;
  SKIFF_ASSERT_OK(client_->ListPodSandbox(ready));
  EXPECT_EQ(plugin_->sandbox_filter.state, sdk::PodSandboxState::kReady);
}

TEST_F(RuntimeRoundTrip, CreateContainer) {
  auto id =
      client_->CreateContainer("sandbox-1", SampleContainerConfig(), SamplePodSandboxConfig());
  SKIFF_ASSERT_OK(id);
  EXPECT_EQ(*id, "container-1");
  EXPECT_EQ(plugin_->id, "sandbox-1");
  EXPECT_EQ(plugin_->container_config, SampleContainerConfig());
  EXPECT_EQ(plugin_->sandbox_config, SamplePodSandboxConfig());
}

TEST_F(RuntimeRoundTrip, StartStopRemoveContainer) {
  SKIFF_ASSERT_OK(client_->StartContainer("c-1"));
  EXPECT_EQ(plugin_->last_op(), "StartContainer");
  EXPECT_EQ(plugin_->id, "c-1");
  SKIFF_ASSERT_OK(client_->StopContainer("c-2", std::chrono::seconds(30)));
  EXPECT_EQ(plugin_->id, "c-2");
  EXPECT_EQ(plugin_->timeout, std::chrono::seconds(30));
  SKIFF_ASSERT_OK(client_->RemoveContainer("c-3"));
  EXPECT_EQ(plugin_->last_op(), "RemoveContainer");
  EXPECT_EQ(plugin_->id, "c-3");
}

TEST_F(RuntimeRoundTrip, ListContainers) {
  auto items = client_->ListContainers(SampleContainerFilter());
  SKIFF_ASSERT_OK(items);
  EXPECT_EQ(plugin_->container_filter, SampleContainerFilter());
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ((*items)[0], SampleContainer());
}

TEST_F(RuntimeRoundTrip, ContainerStatus) {
  auto s = client_->GetContainerStatus("container-1");
  SKIFF_ASSERT_OK(s);
  EXPECT_EQ(plugin_->id, "container-1");
  EXPECT_EQ(*s, SampleContainerStatus());
}

TEST_F(RuntimeRoundTrip, ExecSync) {
  auto r = client_->ExecSync("container-1", {"sh", "-c", "echo hi"}, std::chrono::seconds(7));
  SKIFF_ASSERT_OK(r);
  EXPECT_EQ(plugin_->id, "container-1");
  EXPECT_EQ(plugin_->cmd, (std::vector<std::string>{"sh", "-c", "echo hi"}));
  EXPECT_EQ(plugin_->timeout, std::chrono::seconds(7));
  EXPECT_EQ(*r, SampleExecSyncResult());
}

TEST_F(RuntimeRoundTrip, Exec) {
  sdk::ExecRequest req{"container-1", {"sh"}, true, true, true, false};
  auto url = client_->Exec(req);
  SKIFF_ASSERT_OK(url);
  EXPECT_EQ(*url, "http://127.0.0.1:10010/exec/token-1");
  EXPECT_EQ(plugin_->exec_request.container_id, "container-1");
  EXPECT_EQ(plugin_->exec_request.cmd, std::vector<std::string>{"sh"});
  EXPECT_TRUE(plugin_->exec_request.tty);
  EXPECT_TRUE(plugin_->exec_request.stdin);
  EXPECT_TRUE(plugin_->exec_request.stdout);
  EXPECT_FALSE(plugin_->exec_request.stderr);
}

TEST_F(RuntimeRoundTrip, ExecWithoutAStreamingServerIsUnimplemented) {
  plugin_->streams = false;
  auto url = client_->Exec({"container-1", {"sh"}, false, true, true, true});
  ASSERT_FALSE(url.ok());
  EXPECT_EQ(url.status().code(), sdk::StatusCode::kUnimplemented);
  EXPECT_NE(url.status().message().find("interactive exec"), std::string_view::npos)
      << url.status().ToString();
}

TEST_F(RuntimeRoundTrip, PullImage) {
  sdk::ImageSpec spec{"docker.io/library/nginx:1.25", {{"arch", "amd64"}}};
  auto ref = client_->PullImage(spec, SampleAuthConfig(), SamplePodSandboxConfig());
  SKIFF_ASSERT_OK(ref);
  EXPECT_EQ(*ref, "sha256:abc");
  EXPECT_EQ(plugin_->image, spec);
  EXPECT_EQ(plugin_->auth, SampleAuthConfig());
  EXPECT_EQ(plugin_->sandbox_config, SamplePodSandboxConfig());
}

TEST_F(RuntimeRoundTrip, ImageStatus) {
  auto known = client_->ImageStatus({"nginx", {}});
  SKIFF_ASSERT_OK(known);
  ASSERT_TRUE(known->has_value());
  EXPECT_EQ(**known, SampleImage());
  EXPECT_EQ(plugin_->image.image, "nginx");

  plugin_->image_known = false;
  auto unknown = client_->ImageStatus({"nope", {}});
  SKIFF_ASSERT_OK(unknown);
  EXPECT_FALSE(unknown->has_value());
}

TEST_F(RuntimeRoundTrip, ListImagesKeepsUnsetUid) {
  auto images = client_->ListImages({{"nginx", {{"k", "v"}}}});
  SKIFF_ASSERT_OK(images);
  EXPECT_EQ(plugin_->image_filter.image.image, "nginx");
  EXPECT_EQ(plugin_->image_filter.image.annotations.at("k"), "v");
  ASSERT_EQ(images->size(), 2u);
  EXPECT_EQ((*images)[0], SampleImage());
  EXPECT_FALSE((*images)[1].uid.has_value());
}

TEST_F(RuntimeRoundTrip, RemoveImage) {
  SKIFF_ASSERT_OK(client_->RemoveImage({"nginx", {}}));
  EXPECT_EQ(plugin_->last_op(), "RemoveImage");
  EXPECT_EQ(plugin_->image.image, "nginx");
}

TEST_F(RuntimeRoundTrip, PluginErrorKeepsCodeAndMessage) {
  plugin_->fail_with = sdk::Status::NotFound("no sandbox \"x\"");
  auto s = client_->GetPodSandboxStatus("x");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), sdk::StatusCode::kNotFound);
  EXPECT_NE(s.status().message().find("no sandbox \"x\""), std::string_view::npos);
  EXPECT_NE(s.status().message().find("'recording'"), std::string_view::npos);
  EXPECT_NE(s.status().message().find("PodSandboxStatus"), std::string_view::npos);
}

}  // namespace
}  // namespace skiff::sidecar_test
