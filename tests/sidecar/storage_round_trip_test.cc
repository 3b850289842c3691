// Every StoragePlugin call through the CSI sidecar server and the CSI client over a real unix
// socket.

#include <gtest/gtest.h>
#include <skiff/sdk/serve.h>

#include "core/pluginhost/grpc_clients.h"
#include "tests/sidecar/recording_plugins.h"
#include "tests/sidecar/sample_values.h"
#include "tests/sidecar/sdk_equality.h"
#include "tests/sidecar/test_support.h"

namespace skiff::sidecar_test {
namespace {

class StorageRoundTrip : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = sdk::StartStorageServer(plugin_, dir_.Socket("csi"));
    SKIFF_ASSERT_OK(server);
    server_ = std::move(server).value();
    client_ = pluginhost::NewGrpcStorageClient(
        {.plugin_name = "recording", .endpoint = dir_.Endpoint("csi")});
  }

  ScratchDir dir_;
  std::shared_ptr<RecordingStorage> plugin_ = std::make_shared<RecordingStorage>();
  std::unique_ptr<sdk::SidecarServer> server_;
  std::unique_ptr<sdk::StoragePlugin> client_;
};

TEST_F(StorageRoundTrip, GetPluginInfo) {
  auto info = client_->GetPluginInfo();
  SKIFF_ASSERT_OK(info);
  EXPECT_EQ(*info, (sdk::PluginInfo{"recording.csi.skiff.dev", "0.1.0", {{"commit", "abc"}}}));
}

TEST_F(StorageRoundTrip, GetPluginCapabilities) {
  auto caps = client_->GetPluginCapabilities();
  SKIFF_ASSERT_OK(caps);
  EXPECT_EQ(*caps, (std::vector<sdk::PluginCapability>{
                       sdk::PluginCapability::kControllerService,
                       sdk::PluginCapability::kVolumeAccessibilityConstraints,
                       sdk::PluginCapability::kOnlineVolumeExpansion,
                       sdk::PluginCapability::kOfflineVolumeExpansion}));
}

TEST_F(StorageRoundTrip, Probe) {
  auto ready = client_->Probe();
  SKIFF_ASSERT_OK(ready);
  EXPECT_TRUE(*ready);
  plugin_->ready = false;
  ready = client_->Probe();
  SKIFF_ASSERT_OK(ready);
  EXPECT_FALSE(*ready);
}

TEST_F(StorageRoundTrip, CreateVolume) {
  auto volume = client_->CreateVolume(SampleCreateVolumeRequest());
  SKIFF_ASSERT_OK(volume);
  EXPECT_EQ(plugin_->create, SampleCreateVolumeRequest());
  EXPECT_EQ(*volume, SampleVolume());
}

TEST_F(StorageRoundTrip, CreateVolumeWithoutCapacityRange) {
  auto request = SampleCreateVolumeRequest();
  request.capacity_range.reset();
  SKIFF_ASSERT_OK(client_->CreateVolume(request));
  EXPECT_FALSE(plugin_->create.capacity_range.has_value());
}

TEST_F(StorageRoundTrip, DeleteVolume) {
  SKIFF_ASSERT_OK(client_->DeleteVolume("vol-9"));
  EXPECT_EQ(plugin_->volume_id, "vol-9");
}

TEST_F(StorageRoundTrip, ListVolumes) {
  auto listed = client_->ListVolumes({10, "page-2"});
  SKIFF_ASSERT_OK(listed);
  EXPECT_EQ(plugin_->list, (sdk::ListVolumesRequest{10, "page-2"}));
  ASSERT_EQ(listed->entries.size(), 2u);
  EXPECT_EQ(listed->entries[0], SampleVolume());
  EXPECT_EQ(listed->entries[1].volume_id, "vol-2");
  EXPECT_EQ(listed->next_token, "next-page");
}

TEST_F(StorageRoundTrip, GetCapacity) {
  sdk::GetCapacityRequest request{
      {SampleMountCapability()}, {{"type", "fast"}}, sdk::Topology{{{"zone", "a"}}}};
  auto capacity = client_->GetCapacity(request);
  SKIFF_ASSERT_OK(capacity);
  EXPECT_EQ(plugin_->capacity, request);
  EXPECT_EQ(*capacity, (sdk::Capacity{1 << 30, int64_t{1} << 29, 4096}));
}

TEST_F(StorageRoundTrip, ValidateVolumeCapabilities) {
  sdk::ValidateVolumeCapabilitiesRequest request{
      "vol-1", {{"path", "/v"}}, {SampleMountCapability()}, {{"type", "fast"}}};
  auto confirmed = client_->ValidateVolumeCapabilities(request);
  SKIFF_ASSERT_OK(confirmed);
  EXPECT_EQ(plugin_->validate, request);
  EXPECT_TRUE(confirmed->confirmed);

  plugin_->confirm = false;
  auto refused = client_->ValidateVolumeCapabilities(request);
  SKIFF_ASSERT_OK(refused);
  EXPECT_FALSE(refused->confirmed);
  EXPECT_EQ(refused->message, "block volumes are not supported");
}

TEST_F(StorageRoundTrip, ControllerGetCapabilities) {
  auto caps = client_->ControllerGetCapabilities();
  SKIFF_ASSERT_OK(caps);
  EXPECT_EQ(*caps,
            (std::vector<sdk::ControllerCapability>{
                sdk::ControllerCapability::kCreateDeleteVolume,
                sdk::ControllerCapability::kListVolumes, sdk::ControllerCapability::kGetCapacity,
                sdk::ControllerCapability::kSingleNodeMultiWriter}));
}

TEST_F(StorageRoundTrip, NodeStageAndUnstage) {
  SKIFF_ASSERT_OK(client_->NodeStageVolume(SampleNodeStageVolumeRequest()));
  EXPECT_EQ(plugin_->stage, SampleNodeStageVolumeRequest());
  sdk::NodeUnstageVolumeRequest unstage{"vol-1", "/var/lib/skiff/staging/vol-1"};
  SKIFF_ASSERT_OK(client_->NodeUnstageVolume(unstage));
  EXPECT_EQ(plugin_->unstage, unstage);
}

TEST_F(StorageRoundTrip, NodePublishAndUnpublish) {
  SKIFF_ASSERT_OK(client_->NodePublishVolume(SampleNodePublishVolumeRequest()));
  EXPECT_EQ(plugin_->publish, SampleNodePublishVolumeRequest());
  sdk::NodeUnpublishVolumeRequest unpublish{"vol-1", "/var/lib/skiff/pods/uid/volumes/vol-1"};
  SKIFF_ASSERT_OK(client_->NodeUnpublishVolume(unpublish));
  EXPECT_EQ(plugin_->unpublish, unpublish);
}

TEST_F(StorageRoundTrip, NodePublishWithBlockCapability) {
  auto request = SampleNodePublishVolumeRequest();
  request.volume_capability->mount.reset();
  request.volume_capability->block = sdk::BlockVolume{};
  SKIFF_ASSERT_OK(client_->NodePublishVolume(request));
  ASSERT_TRUE(plugin_->publish.volume_capability.has_value());
  EXPECT_TRUE(plugin_->publish.volume_capability->block.has_value());
  EXPECT_FALSE(plugin_->publish.volume_capability->mount.has_value());
}

TEST_F(StorageRoundTrip, NodeGetCapabilitiesAndInfo) {
  auto caps = client_->NodeGetCapabilities();
  SKIFF_ASSERT_OK(caps);
  EXPECT_EQ(*caps, (std::vector<sdk::NodeCapability>{sdk::NodeCapability::kStageUnstageVolume,
                                                     sdk::NodeCapability::kGetVolumeStats,
                                                     sdk::NodeCapability::kVolumeMountGroup}));
  auto info = client_->NodeGetInfo();
  SKIFF_ASSERT_OK(info);
  EXPECT_EQ(*info, (sdk::NodeInfo{"node-1", 16, sdk::Topology{{{"zone", "a"}}}}));
}

TEST_F(StorageRoundTrip, NodeGetVolumeStats) {
  sdk::NodeGetVolumeStatsRequest request{"vol-1", "/target", "/staging"};
  auto stats = client_->NodeGetVolumeStats(request);
  SKIFF_ASSERT_OK(stats);
  EXPECT_EQ(plugin_->stats, request);
  EXPECT_EQ(*stats, SampleVolumeStats());
}

TEST_F(StorageRoundTrip, PluginErrorKeepsCode) {
  plugin_->fail_with = sdk::Status::AlreadyExists("volume pvc-1 exists with another size");
  auto volume = client_->CreateVolume(SampleCreateVolumeRequest());
  ASSERT_FALSE(volume.ok());
  EXPECT_EQ(volume.status().code(), sdk::StatusCode::kAlreadyExists);
  EXPECT_NE(volume.status().message().find("another size"), std::string_view::npos);
}

}  // namespace
}  // namespace skiff::sidecar_test
