#include "plugins/mock-runtime/mock_runtime.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

namespace skiff::mock {
namespace {

using sdk::StatusCode;

class MockRuntimeTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = "/tmp/skiff-mock-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    logs_ = pattern;
    Open("{}");
  }
  void TearDown() override {
    runtime_.reset();
    std::filesystem::remove_all(logs_);
  }

  void Open(const std::string& config) {
    auto made = NewMockRuntime(config);
    ASSERT_TRUE(made.ok()) << made.status().ToString();
    runtime_ = std::move(made).value();
  }

  sdk::PodSandboxConfig Sandbox(const std::string& name) {
    sdk::PodSandboxConfig config;
    config.metadata = {name, name + "-uid", "default", 0};
    config.log_directory = logs_;
    return config;
  }

  // A started container with `envs`, in a new sandbox.
  std::string Run(const std::string& name, std::vector<sdk::KeyValue> envs) {
    auto sandbox_config = Sandbox(name);
    EXPECT_TRUE(runtime_->PullImage({"busybox", {}}, {}, sandbox_config).ok());
    auto sandbox = runtime_->RunPodSandbox(sandbox_config, "");
    EXPECT_TRUE(sandbox.ok()) << sandbox.status().ToString();
    sdk::ContainerConfig config;
    config.metadata.name = name;
    config.image.image = "busybox";
    config.envs = std::move(envs);
    config.log_path = name + ".log";
    auto id = runtime_->CreateContainer(*sandbox, config, sandbox_config);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    EXPECT_TRUE(runtime_->StartContainer(*id).ok());
    return *id;
  }

  std::string logs_;
  std::unique_ptr<sdk::RuntimeService> runtime_;
};

TEST_F(MockRuntimeTest, FailPullImagesRefusesMatchingReferences) {
  Open(R"({"failPullImages": ["bad/image"]})");
  auto failed = runtime_->PullImage({"registry.local/bad/image:1", {}}, {}, {});
  EXPECT_EQ(failed.status().code(), StatusCode::kNotFound);
  EXPECT_NE(failed.status().message().find("failPullImages"), std::string_view::npos);
  EXPECT_TRUE(runtime_->PullImage({"good/image", {}}, {}, {}).ok());
}

TEST_F(MockRuntimeTest, ContainerExitsWithPlannedCodeAfterDelay) {
  std::string id = Run("exits", {{"MOCK_EXIT_CODE", "3"}, {"MOCK_EXIT_AFTER_MS", "100"}});
  auto status = runtime_->GetContainerStatus(id);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->state, sdk::ContainerState::kRunning);
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  status = runtime_->GetContainerStatus(id);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->state, sdk::ContainerState::kExited);
  EXPECT_EQ(status->exit_code, 3);
  EXPECT_EQ(status->reason, "Error");
  EXPECT_EQ(status->finished_at - status->started_at, 100'000'000);
}

TEST_F(MockRuntimeTest, ExitCodeAloneExitsRightAway) {
  std::string id = Run("done", {{"MOCK_EXIT_CODE", "0"}});
  auto status = runtime_->GetContainerStatus(id);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->state, sdk::ContainerState::kExited);
  EXPECT_EQ(status->reason, "Completed");
}

TEST_F(MockRuntimeTest, MalformedExitEnvIsInvalid) {
  auto sandbox_config = Sandbox("bad-env");
  ASSERT_TRUE(runtime_->PullImage({"busybox", {}}, {}, sandbox_config).ok());
  auto sandbox = runtime_->RunPodSandbox(sandbox_config, "");
  ASSERT_TRUE(sandbox.ok());
  sdk::ContainerConfig config;
  config.metadata.name = "c";
  config.image.image = "busybox";
  config.envs = {{"MOCK_EXIT_AFTER_MS", "soon"}};
  EXPECT_EQ(runtime_->CreateContainer(*sandbox, config, sandbox_config).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(MockRuntimeTest, WritesCriFormattedLogLines) {
  std::string id = Run("logger", {{"MOCK_LOG", "one\ntwo words"}});
  auto status = runtime_->GetContainerStatus(id);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->log_path, logs_ + "/logger.log");
  std::ifstream in(status->log_path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 2u);
  std::regex format(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z stdout F (.*)$)");
  std::smatch match;
  ASSERT_TRUE(std::regex_match(lines[0], match, format)) << lines[0];
  EXPECT_EQ(match[1], "one");
  ASSERT_TRUE(std::regex_match(lines[1], match, format)) << lines[1];
  EXPECT_EQ(match[1], "two words");
}

TEST_F(MockRuntimeTest, CreateNeedsAPulledImage) {
  auto sandbox_config = Sandbox("no-image");
  auto sandbox = runtime_->RunPodSandbox(sandbox_config, "");
  ASSERT_TRUE(sandbox.ok());
  sdk::ContainerConfig config;
  config.metadata.name = "c";
  config.image.image = "never/pulled";
  EXPECT_EQ(runtime_->CreateContainer(*sandbox, config, sandbox_config).status().code(),
            StatusCode::kNotFound);
}

TEST_F(MockRuntimeTest, SandboxNamesAreReserved) {
  ASSERT_TRUE(runtime_->RunPodSandbox(Sandbox("twice"), "").ok());
  EXPECT_EQ(runtime_->RunPodSandbox(Sandbox("twice"), "").status().code(),
            StatusCode::kAlreadyExists);
}

TEST_F(MockRuntimeTest, RemovingASandboxRemovesItsContainers) {
  std::string id = Run("owned", {});
  auto containers = runtime_->ListContainers({});
  ASSERT_TRUE(containers.ok());
  ASSERT_EQ(containers->size(), 1u);
  ASSERT_TRUE(runtime_->RemovePodSandbox(containers->front().pod_sandbox_id).ok());
  EXPECT_EQ(runtime_->GetContainerStatus(id).status().code(), StatusCode::kNotFound);
}

TEST_F(MockRuntimeTest, ExecSyncHonoursTimeout) {
  std::string id = Run("sleeper", {});
  auto result = runtime_->ExecSync(id, {"sleep", "5"}, std::chrono::seconds(1));
  EXPECT_EQ(result.status().code(), StatusCode::kDeadlineExceeded);
  result = runtime_->ExecSync(id, {"nonexistent-tool"}, std::chrono::seconds(1));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->exit_code, 127);
}

TEST(ImageReference, NormalizesLikeDocker) {
  EXPECT_EQ(NormalizeImageReference("busybox"), "docker.io/library/busybox:latest");
  EXPECT_EQ(NormalizeImageReference("busybox:1.36"), "docker.io/library/busybox:1.36");
  EXPECT_EQ(NormalizeImageReference("team/app"), "docker.io/team/app:latest");
  EXPECT_EQ(NormalizeImageReference("localhost:5000/app"), "localhost:5000/app:latest");
  EXPECT_EQ(NormalizeImageReference("quay.io/x/y@sha256:ab"), "quay.io/x/y@sha256:ab");
}

TEST_F(MockRuntimeTest, NetnsPerSandboxIsCreatedAndRemoved) {
  if (geteuid() != 0) GTEST_SKIP() << "creating network namespaces needs root";
  Open(R"({"netns": true})");
  auto id = runtime_->RunPodSandbox(Sandbox("netns"), "");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto status = runtime_->GetPodSandboxStatus(*id);
  ASSERT_TRUE(status.ok());
  ASSERT_FALSE(status->netns_path.empty());
  struct stat own {};
  struct stat pod {};
  ASSERT_EQ(stat("/proc/self/ns/net", &own), 0);
  ASSERT_EQ(stat(status->netns_path.c_str(), &pod), 0) << status->netns_path;
  EXPECT_NE(own.st_ino, pod.st_ino) << "the sandbox netns is the host's";

  auto host_config = Sandbox("host-network");
  host_config.linux_config.security_context.namespace_options.network = sdk::NamespaceMode::kNode;
  auto host = runtime_->RunPodSandbox(host_config, "");
  ASSERT_TRUE(host.ok());
  EXPECT_EQ(runtime_->GetPodSandboxStatus(*host)->netns_path, "");

  ASSERT_TRUE(runtime_->RemovePodSandbox(*id).ok());
  EXPECT_FALSE(std::filesystem::exists(status->netns_path));
}

TEST_F(MockRuntimeTest, DestroyingTheRuntimeRemovesItsNetns) {
  if (geteuid() != 0) GTEST_SKIP() << "creating network namespaces needs root";
  Open(R"({"netns": true})");
  auto id = runtime_->RunPodSandbox(Sandbox("leftover"), "");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  std::string path = runtime_->GetPodSandboxStatus(*id)->netns_path;
  ASSERT_TRUE(std::filesystem::exists(path));
  runtime_.reset();
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace skiff::mock
