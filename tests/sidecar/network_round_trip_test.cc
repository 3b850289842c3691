// Every NetworkPlugin call through the network sidecar server and client over a unix socket.

#include <gtest/gtest.h>
#include <skiff/sdk/serve.h>

#include "core/pluginhost/grpc_clients.h"
#include "tests/sidecar/recording_plugins.h"
#include "tests/sidecar/sample_values.h"
#include "tests/sidecar/sdk_equality.h"
#include "tests/sidecar/test_support.h"

namespace skiff::sidecar_test {
namespace {

class NetworkRoundTrip : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = sdk::StartNetworkServer(plugin_, dir_.Socket("net"));
    SKIFF_ASSERT_OK(server);
    server_ = std::move(server).value();
    client_ = pluginhost::NewGrpcNetworkClient(
        {.plugin_name = "recording", .endpoint = dir_.Endpoint("net")});
  }

  ScratchDir dir_;
  std::shared_ptr<RecordingNetwork> plugin_ = std::make_shared<RecordingNetwork>();
  std::unique_ptr<sdk::SidecarServer> server_;
  std::unique_ptr<sdk::NetworkPlugin> client_;
};

TEST_F(NetworkRoundTrip, Add) {
  auto result = client_->Add(SampleNetworkAttachment());
  SKIFF_ASSERT_OK(result);
  EXPECT_EQ(plugin_->attachment, SampleNetworkAttachment());
  EXPECT_EQ(*result, SampleNetworkResult());
}

TEST_F(NetworkRoundTrip, DelAndCheck) {
  SKIFF_ASSERT_OK(client_->Del(SampleNetworkAttachment()));
  EXPECT_EQ(plugin_->last_op(), "Del");
  EXPECT_EQ(plugin_->attachment, SampleNetworkAttachment());
  SKIFF_ASSERT_OK(client_->Check(SampleNetworkAttachment()));
  EXPECT_EQ(plugin_->last_op(), "Check");
}

TEST_F(NetworkRoundTrip, StatusReadyAndNotReady) {
  SKIFF_ASSERT_OK(client_->GetStatus());
  plugin_->status = sdk::Status::Unavailable("bridge skiff0 missing");
  auto s = client_->GetStatus();
  EXPECT_EQ(s.code(), sdk::StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("not ready: bridge skiff0 missing"), std::string_view::npos);
  // Other failures are errors of the call, not "not ready".
  plugin_->status = sdk::Status::Internal("boom");
  EXPECT_EQ(client_->GetStatus().code(), sdk::StatusCode::kInternal);
}

TEST_F(NetworkRoundTrip, GC) {
  std::vector<sdk::AttachmentKey> valid{{"sandbox-1", "eth0"}, {"sandbox-2", "net1"}};
  SKIFF_ASSERT_OK(client_->GC(valid));
  EXPECT_EQ(plugin_->valid_attachments, valid);
}

TEST_F(NetworkRoundTrip, Version) {
  auto v = client_->Version();
  SKIFF_ASSERT_OK(v);
  EXPECT_EQ(*v, (sdk::NetworkVersionInfo{"1.0.0", {"0.4.0", "1.0.0", "1.1.0"}}));
}

}  // namespace
}  // namespace skiff::sidecar_test
