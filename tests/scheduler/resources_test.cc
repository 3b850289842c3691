#include "core/scheduler/resources.h"

#include <gtest/gtest.h>

#include "tests/scheduler/test_objects.h"

namespace skiff::scheduler {
namespace {

using testing::Pod;
using testing::Set;
namespace json = boost::json;

json::object Container(const std::string& cpu, const std::string& mem) {
  return json::object{{"name", "x"},
                      {"resources", {{"requests", {{"cpu", cpu}, {"memory", mem}}}}}};
}

TEST(ResourcesTest, SumsContainersAndTakesMaxOfInitContainers) {
  json::object pod = Pod("p");
  Set(pod, "spec.containers", json::array{Container("100m", "100Mi"), Container("200m", "50Mi")});
  Set(pod, "spec.initContainers", json::array{Container("500m", "10Mi"), Container("50m", "1Gi")});
  Set(pod, "spec.overhead", json::object{{"cpu", "10m"}, {"memory", "1Mi"}});
  Resources r = PodRequests(pod);
  EXPECT_EQ(r.milli_cpu, 500 + 10);               // max(300, 500) + overhead
  EXPECT_EQ(r.memory, (1024 + 1) * 1024 * 1024);  // max(150Mi, 1Gi) + overhead
}

TEST(ResourcesTest, SidecarInitContainersAddUp) {
  json::object pod = Pod("p");
  Set(pod, "spec.containers", json::array{Container("100m", "0")});
  json::object sidecar = Container("200m", "0");
  sidecar["restartPolicy"] = "Always";
  Set(pod, "spec.initContainers", json::array{sidecar, Container("250m", "0")});
  // The sidecar runs beside the app (300m) and beside the later init container (450m).
  EXPECT_EQ(PodRequests(pod).milli_cpu, 450);
}

TEST(ResourcesTest, ExtendedResourcesAndNonZeroDefaults) {
  json::object pod = Pod("p");
  Set(pod, "spec.containers",
      json::array{json::object{
          {"name", "x"},
          {"resources", {{"requests", {{"nvidia.com/gpu", 2}, {"ephemeral-storage", "1Gi"}}}}}}});
  Resources r = PodRequests(pod);
  EXPECT_EQ(r.Scalar("nvidia.com/gpu"), 2);
  EXPECT_EQ(r.ephemeral_storage, 1LL << 30);
  EXPECT_EQ(r.milli_cpu, 0);
  Resources nz = PodNonZeroRequests(pod);
  EXPECT_EQ(nz.milli_cpu, kDefaultMilliCpuRequest);
  EXPECT_EQ(nz.memory, kDefaultMemoryRequest);
}

}  // namespace
}  // namespace skiff::scheduler
