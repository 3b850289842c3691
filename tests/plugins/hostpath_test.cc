#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "plugins/hostpath-csi/hostpath_plugin.h"

namespace skiff::hostpath {
namespace {

using sdk::StatusCode;
namespace fs = std::filesystem;

constexpr int64_t kMiB = 1 << 20;

class HostpathTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = "/tmp/skiff-hostpath-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    Open();
  }
  void TearDown() override {
    plugin_.reset();
    fs::remove_all(dir_);
  }

  void Open(int64_t capacity = 0) {
    plugin_.reset();
    auto made = NewHostpathPlugin(R"({"root": ")" + dir_ + R"(/root", "capacityBytes": )" +
                                  std::to_string(capacity) + "}");
    ASSERT_TRUE(made.ok()) << made.status().ToString();
    plugin_ = std::move(made).value();
  }

  static sdk::CreateVolumeRequest Request(const std::string& name, int64_t bytes) {
    sdk::CreateVolumeRequest request;
    request.name = name;
    request.capacity_range = sdk::CapacityRange{bytes, 0};
    sdk::VolumeCapability capability;
    capability.mount = sdk::MountVolume{};
    capability.access_mode = sdk::AccessMode::kSingleNodeWriter;
    request.volume_capabilities = {capability};
    return request;
  }

  sdk::NodePublishVolumeRequest Publish(const std::string& volume_id, bool readonly) {
    sdk::NodePublishVolumeRequest request;
    request.volume_id = volume_id;
    request.target_path = dir_ + "/target";
    request.volume_capability = Request("", 0).volume_capabilities[0];
    request.readonly = readonly;
    return request;
  }

  std::string dir_;
  std::unique_ptr<sdk::StoragePlugin> plugin_;
};

TEST_F(HostpathTest, VolumesSurviveARestart) {
  auto volume = plugin_->CreateVolume(Request("kept", kMiB));
  ASSERT_TRUE(volume.ok()) << volume.status().ToString();
  Open();
  auto listed = plugin_->ListVolumes({});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->entries.size(), 1u);
  EXPECT_EQ(listed->entries[0].volume_id, volume->volume_id);
  auto again = plugin_->CreateVolume(Request("kept", kMiB));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->volume_id, volume->volume_id);
}

TEST_F(HostpathTest, CapacityBudgetIsEnforced) {
  Open(10 * kMiB);
  ASSERT_TRUE(plugin_->CreateVolume(Request("first", 8 * kMiB)).ok());
  EXPECT_EQ(plugin_->CreateVolume(Request("second", 8 * kMiB)).status().code(),
            StatusCode::kResourceExhausted);
  auto capacity = plugin_->GetCapacity({});
  ASSERT_TRUE(capacity.ok());
  EXPECT_EQ(capacity->available_capacity, 2 * kMiB);
}

TEST_F(HostpathTest, RejectsBadConfig) {
  EXPECT_EQ(NewHostpathPlugin(R"({"rooot": "/x"})").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(NewHostpathPlugin(R"({"capacityBytes": -1})").status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(HostpathTest, RejectsBlockAndMultiNodeVolumes) {
  auto block = Request("block", kMiB);
  block.volume_capabilities[0].mount.reset();
  block.volume_capabilities[0].block = sdk::BlockVolume{};
  EXPECT_EQ(plugin_->CreateVolume(block).status().code(), StatusCode::kInvalidArgument);
  auto shared = Request("shared", kMiB);
  shared.volume_capabilities[0].access_mode = sdk::AccessMode::kMultiNodeMultiWriter;
  EXPECT_EQ(plugin_->CreateVolume(shared).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(HostpathTest, PublishBindsTheVolumeDirectory) {
  if (geteuid() != 0) GTEST_SKIP() << "bind mounts need root";
  auto volume = plugin_->CreateVolume(Request("data", kMiB));
  ASSERT_TRUE(volume.ok());
  auto publish = Publish(volume->volume_id, false);
  ASSERT_TRUE(plugin_->NodePublishVolume(publish).ok());
  std::ofstream(publish.target_path + "/hello") << "world";
  EXPECT_TRUE(fs::exists(dir_ + "/root/volumes/" + volume->volume_id + "/hello"));

  auto readonly = publish;
  readonly.readonly = true;
  EXPECT_EQ(plugin_->NodePublishVolume(readonly).code(), StatusCode::kAlreadyExists)
      << "republishing with another readonly flag must conflict";
  EXPECT_EQ(plugin_->DeleteVolume(volume->volume_id).code(), StatusCode::kFailedPrecondition)
      << "a published volume must not be deleted";

  ASSERT_TRUE(plugin_->NodeUnpublishVolume({volume->volume_id, publish.target_path}).ok());
  EXPECT_FALSE(fs::exists(publish.target_path));
  EXPECT_TRUE(plugin_->DeleteVolume(volume->volume_id).ok());
  EXPECT_FALSE(fs::exists(dir_ + "/root/volumes/" + volume->volume_id));
}

TEST_F(HostpathTest, PublicationsSurviveARestart) {
  if (geteuid() != 0) GTEST_SKIP() << "bind mounts need root";
  auto volume = plugin_->CreateVolume(Request("busy", kMiB));
  ASSERT_TRUE(volume.ok());
  auto publish = Publish(volume->volume_id, false);
  ASSERT_TRUE(plugin_->NodePublishVolume(publish).ok());
  Open();
  EXPECT_EQ(plugin_->DeleteVolume(volume->volume_id).code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(plugin_->NodePublishVolume(publish).ok()) << "still idempotent after restart";
  ASSERT_TRUE(plugin_->NodeUnpublishVolume({volume->volume_id, publish.target_path}).ok());
  EXPECT_TRUE(plugin_->DeleteVolume(volume->volume_id).ok());
}

}  // namespace
}  // namespace skiff::hostpath
