// The API server behaviours the controllers rely on: a patch without a resourceVersion is
// retried over concurrent writes (controllers patch status while users patch spec), and the
// propagation policy of a delete becomes the garbage collector's finalizer.

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <thread>

#include "tests/controllers/test_cluster.h"

namespace skiff::controllers {
namespace {

using testing::KindOf;
using testing::TestCluster;
namespace json = boost::json;

TEST(RegistryPatchTest, PatchPinsVersionOnlyWhenThePatchNamesOne) {
  using apiserver::PatchPinsVersion;
  using apiserver::PatchType;
  EXPECT_FALSE(PatchPinsVersion(PatchType::kMerge, json::parse(R"({"spec":{"replicas":2}})")));
  EXPECT_TRUE(
      PatchPinsVersion(PatchType::kMerge, json::parse(R"({"metadata":{"resourceVersion":"5"}})")));
  EXPECT_FALSE(PatchPinsVersion(PatchType::kStrategic,
                                json::parse(R"({"metadata":{"resourceVersion":null}})")));
  EXPECT_TRUE(PatchPinsVersion(
      PatchType::kJson,
      json::parse(R"([{"op":"test","path":"/metadata/resourceVersion","value":"5"}])")));
  EXPECT_FALSE(PatchPinsVersion(
      PatchType::kJson, json::parse(R"([{"op":"replace","path":"/spec/replicas","value":2}])")));
}

TEST(RegistryPatchTest, UnpinnedPatchesSurviveConcurrentStatusWrites) {
  TestCluster cluster;
  auto& c = cluster.client();
  const api::Kind& rs = KindOf("apps", "replicasets");
  auto created = c.Create(rs, "default",
                          json::parse(R"({"metadata":{"name":"r"},"spec":{"replicas":0,
        "selector":{"matchLabels":{"a":"b"}},
        "template":{"metadata":{"labels":{"a":"b"}},
                    "spec":{"containers":[{"name":"c","image":"i"}]}}}})")
                              .as_object());
  ASSERT_TRUE(created.ok()) << created.error().message;
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      c.Patch(rs, "default", "r", client::PatchType::kMerge,
              json::value{{"status", {{"observedGeneration", i}}}}, true);
    }
  });
  int failures = 0;
  for (int i = 1; i <= 200; ++i) {
    auto r = c.Patch(rs, "default", "r", client::PatchType::kMerge,
                     json::value{{"spec", {{"replicas", i % 5}}}});
    if (!r.ok()) ++failures;
  }
  stop = true;
  writer.join();
  EXPECT_EQ(failures, 0);
  // A stale pinned version still conflicts.
  auto pinned = c.Patch(rs, "default", "r", client::PatchType::kMerge,
                        json::value{{"metadata", {{"resourceVersion", "1"}}}});
  ASSERT_FALSE(pinned.ok());
  EXPECT_EQ(pinned.error().code, 409);
}

}  // namespace
}  // namespace skiff::controllers
