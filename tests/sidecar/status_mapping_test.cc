// sdk::Status <-> gRPC status: every SDK code survives the wire unchanged (in the translation
// and end to end through a sidecar), and gRPC codes the SDK lacks fold into the nearest one.

#include <gtest/gtest.h>
#include <skiff/sdk/serve.h>

#include "core/pluginhost/grpc_clients.h"
#include "plugin-sdk/serve/wire/status_wire.h"
#include "tests/sidecar/recording_plugins.h"
#include "tests/sidecar/test_support.h"

namespace skiff::sidecar_test {
namespace {

using sdk::StatusCode;

const StatusCode kFailureCodes[] = {
    StatusCode::kInvalidArgument, StatusCode::kDeadlineExceeded,  StatusCode::kNotFound,
    StatusCode::kAlreadyExists,   StatusCode::kResourceExhausted, StatusCode::kFailedPrecondition,
    StatusCode::kAborted,         StatusCode::kOutOfRange,        StatusCode::kUnimplemented,
    StatusCode::kInternal,        StatusCode::kUnavailable,
};

TEST(StatusMapping, OkIsOk) {
  EXPECT_TRUE(wire::ToGrpc(sdk::Status::Ok()).ok());
  EXPECT_TRUE(wire::FromGrpc(grpc::Status::OK).ok());
}

TEST(StatusMapping, EverySdkCodeIsTheGrpcCodeOfTheSameName) {
  EXPECT_EQ(wire::ToGrpcCode(StatusCode::kInvalidArgument), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(wire::ToGrpcCode(StatusCode::kDeadlineExceeded), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(wire::ToGrpcCode(StatusCode::kNotFound), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(wire::ToGrpcCode(StatusCode::kAlreadyExists), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(wire::ToGrpcCode(StatusCode::kResourceExhausted), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(wire::ToGrpcCode(StatusCode::kFailedPrecondition),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(wire::ToGrpcCode(StatusCode::kAborted), grpc::StatusCode::ABORTED);
  EXPECT_EQ(wire::ToGrpcCode(StatusCode::kOutOfRange), grpc::StatusCode::OUT_OF_RANGE);
  EXPECT_EQ(wire::ToGrpcCode(StatusCode::kUnimplemented), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(wire::ToGrpcCode(StatusCode::kInternal), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(wire::ToGrpcCode(StatusCode::kUnavailable), grpc::StatusCode::UNAVAILABLE);
}

TEST(StatusMapping, RoundTripKeepsCodeAndMessage) {
  for (StatusCode code : kFailureCodes) {
    sdk::Status original(code, "why it failed");
    sdk::Status back = wire::FromGrpc(wire::ToGrpc(original));
    EXPECT_EQ(back.code(), code) << sdk::StatusCodeName(code);
    EXPECT_EQ(back.message(), "why it failed");
  }
}

TEST(StatusMapping, GrpcOnlyCodesFoldAndKeepTheirName) {
  struct Case {
    grpc::StatusCode grpc;
    StatusCode sdk;
    const char* name;
  };
  for (const Case& c :
       {Case{grpc::StatusCode::CANCELLED, StatusCode::kAborted, "CANCELLED"},
        Case{grpc::StatusCode::UNKNOWN, StatusCode::kInternal, "UNKNOWN"},
        Case{grpc::StatusCode::PERMISSION_DENIED, StatusCode::kFailedPrecondition,
             "PERMISSION_DENIED"},
        Case{grpc::StatusCode::UNAUTHENTICATED, StatusCode::kFailedPrecondition, "UNAUTHENTICATED"},
        Case{grpc::StatusCode::DATA_LOSS, StatusCode::kInternal, "DATA_LOSS"}}) {
    sdk::Status s = wire::FromGrpc(grpc::Status(c.grpc, "detail"));
    EXPECT_EQ(s.code(), c.sdk) << c.name;
    EXPECT_EQ(s.message(), std::string(c.name) + ": detail");
  }
}

// End to end: a plugin's failure reaches the host with the same code.
class StatusOverTheWire : public ::testing::TestWithParam<StatusCode> {};

TEST_P(StatusOverTheWire, PluginCodeReachesTheHost) {
  ScratchDir dir;
  auto plugin = std::make_shared<RecordingRuntime>();
  plugin->fail_with = sdk::Status(GetParam(), "plugin said no");
  auto server = sdk::StartRuntimeServer(plugin, dir.Socket("rt"));
  SKIFF_ASSERT_OK(server);
  auto client =
      pluginhost::NewGrpcRuntimeClient({.plugin_name = "p", .endpoint = dir.Endpoint("rt")});
  sdk::Status s = client->StartContainer("c");
  EXPECT_EQ(s.code(), GetParam()) << s.ToString();
  EXPECT_NE(s.message().find("plugin said no"), std::string_view::npos) << s.ToString();
}

INSTANTIATE_TEST_SUITE_P(AllCodes, StatusOverTheWire, ::testing::ValuesIn(kFailureCodes),
                         [](const auto& info) {
                           return std::string(sdk::StatusCodeName(info.param));
                         });

}  // namespace
}  // namespace skiff::sidecar_test
