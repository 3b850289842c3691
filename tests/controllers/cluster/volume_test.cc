// The volume controller in process: static binding, dynamic provisioning through the built-in
// hostpath driver (in a temporary root: CreateVolume only makes directories), reclaiming, and
// WaitForFirstConsumer.

#include <unistd.h>

#include <filesystem>

#include "core/controllers/volume/volume_controller.h"
#include "core/controllers/volume/volume_matching.h"
#include "plugins/hostpath-csi/hostpath_plugin.h"
#include "tests/controllers/cluster/cluster_fixture.h"

namespace skiff::controllers {
namespace {

namespace fs = std::filesystem;

json::object Volume(const std::string& name, const std::string& size, const char* mode,
                    const std::string& cls = "") {
  json::object spec{{"capacity", {{"storage", size}}},
                    {"accessModes", json::array{mode}},
                    {"hostPath", {{"path", "/tmp/" + name}}}};
  if (!cls.empty()) spec["storageClassName"] = cls;
  return json::object{{"metadata", {{"name", name}}}, {"spec", spec}};
}

json::object Claim(const std::string& name, const std::string& size, std::optional<std::string> cls,
                   const char* mode = "ReadWriteOnce") {
  json::object spec{{"accessModes", json::array{mode}},
                    {"resources", {{"requests", {{"storage", size}}}}}};
  if (cls) spec["storageClassName"] = *cls;
  return json::object{{"metadata", {{"name", name}}}, {"spec", spec}};
}

TEST(FindMatchingVolumeTest, SmallestFittingVolumeOfTheClassWithTheModes) {
  json::object claim = Claim("c", "1500Mi", "");
  claim["metadata"].as_object()["namespace"] = "default";
  claim["metadata"].as_object()["uid"] = "u1";
  std::vector<json::object> volumes{
      Volume("small", "1Gi", "ReadWriteOnce"), Volume("big", "5Gi", "ReadWriteOnce"),
      Volume("mid", "2Gi", "ReadWriteOnce"), Volume("rox", "2Gi", "ReadOnlyMany"),
      Volume("fast", "2Gi", "ReadWriteOnce", "fast")};
  EXPECT_EQ(FindMatchingVolume(claim, volumes), "mid");
  // Taken volumes are skipped; one pre-bound to this claim wins.
  volumes[2]["spec"].as_object()["claimRef"] =
      json::object{{"namespace", "default"}, {"name", "x"}};
  EXPECT_EQ(FindMatchingVolume(claim, volumes), "big");
  volumes[1]["spec"].as_object()["claimRef"] =
      json::object{{"namespace", "default"}, {"name", "c"}};
  volumes.push_back(Volume("huge", "9Gi", "ReadWriteOnce"));
  volumes.back()["spec"].as_object()["claimRef"] =
      json::object{{"namespace", "default"}, {"name", "c"}, {"uid", "u1"}};
  EXPECT_EQ(FindMatchingVolume(claim, {volumes.back()}), "huge");
  // A Block claim matches no Filesystem volume.
  claim["spec"].as_object()["volumeMode"] = "Block";
  EXPECT_EQ(FindMatchingVolume(claim, volumes), std::nullopt);
}

class VolumeControllerTest : public ClusterFixture {
 protected:
  void SetUp() override {
    ClusterFixture::SetUp();
    root_ = fs::temp_directory_path() /
            ("skiff-volume-test-" + std::to_string(getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(root_);
    auto driver = hostpath::NewHostpathPlugin(
        json::serialize(json::object{{"root", root_.string()}, {"capacityBytes", 1 << 30}}));
    ASSERT_TRUE(driver.ok()) << driver.status().ToString();
    driver_ = std::move(driver).value();
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  std::unique_ptr<VolumeController> StartController() {
    VolumeControllerConfig config;
    config.provisioners[hostpath::kDriverName] = driver_;
    config.resync_period = std::chrono::seconds(1);
    auto c = std::make_unique<VolumeController>(*informers_, config);
    c->Start();
    return c;
  }

  void CreateClass(const std::string& name, bool is_default, const char* mode = "Immediate") {
    json::object meta{{"name", name}};
    if (is_default) {
      meta["annotations"] = json::object{{"storageclass.kubernetes.io/is-default-class", "true"}};
    }
    Create(Kind("storageclasses", "storage.k8s.io"), "",
           json::object{{"metadata", meta},
                        {"provisioner", hostpath::kDriverName},
                        {"volumeBindingMode", mode}});
  }

  std::optional<json::object> GetClaim(const std::string& name) {
    return Get(Kind("persistentvolumeclaims"), "default", name);
  }
  std::optional<json::object> GetVolume(const std::string& name) {
    return Get(Kind("persistentvolumes"), "", name);
  }
  std::string ClaimPhase(const std::string& name) {
    auto c = GetClaim(name);
    return c ? std::string(api::GetString(*c, "status.phase")) : "";
  }
  std::string VolumePhase(const std::string& name) {
    auto v = GetVolume(name);
    return v ? std::string(api::GetString(*v, "status.phase")) : "";
  }

  fs::path root_;
  std::shared_ptr<sdk::StoragePlugin> driver_;
};

TEST_F(VolumeControllerTest, BindsStaticVolumesAndReleasesThem) {
  const api::Kind& pvs = Kind("persistentvolumes");
  Create(pvs, "", Volume("small", "1Gi", "ReadWriteOnce"));
  Create(pvs, "", Volume("mid", "2Gi", "ReadWriteOnce"));
  Create(pvs, "", Volume("big", "5Gi", "ReadWriteOnce"));
  auto controller = StartController();
  EXPECT_TRUE(Eventually([&] { return VolumePhase("small") == "Available"; }));
  Create(Kind("persistentvolumeclaims"), "default", Claim("data", "1500Mi", ""));

  ASSERT_TRUE(Eventually([&] { return ClaimPhase("data") == "Bound"; }));
  auto claim = GetClaim("data");
  EXPECT_EQ(api::GetString(*claim, "spec.volumeName"), "mid");
  EXPECT_EQ(api::GetString(*claim, "status.capacity.storage"), "2Gi");
  ASSERT_TRUE(api::FindArray(*claim, "status.accessModes"));
  EXPECT_EQ(api::FindArray(*claim, "status.accessModes")->at(0), "ReadWriteOnce");
  EXPECT_EQ(api::FindObject(*claim, "metadata.annotations")->at("pv.kubernetes.io/bind-completed"),
            "yes");
  EXPECT_TRUE(Eventually([&] { return VolumePhase("mid") == "Bound"; }));
  auto pv = GetVolume("mid");
  EXPECT_EQ(api::GetString(*pv, "spec.claimRef.name"), "data");
  EXPECT_EQ(api::GetString(*pv, "spec.claimRef.namespace"), "default");
  EXPECT_EQ(api::GetString(*pv, "spec.claimRef.uid"), api::GetString(*claim, "metadata.uid"));
  EXPECT_EQ(VolumePhase("small"), "Available");

  // A claim no volume fits stays Pending; a volume that fits, created later, binds it.
  Create(Kind("persistentvolumeclaims"), "default", Claim("large", "4Gi", ""));
  ASSERT_TRUE(Eventually([&] { return ClaimPhase("large") == "Bound"; }));
  EXPECT_EQ(api::GetString(*GetClaim("large"), "spec.volumeName"), "big");
  Create(Kind("persistentvolumeclaims"), "default", Claim("huge", "8Gi", ""));
  Create(pvs, "", Volume("later", "10Gi", "ReadWriteOnce"));
  ASSERT_TRUE(Eventually([&] { return ClaimPhase("huge") == "Bound"; }));
  EXPECT_EQ(api::GetString(*GetClaim("huge"), "spec.volumeName"), "later");

  // The claim goes: its (Retain) volume is Released and kept.
  ASSERT_TRUE(client_->Delete(Kind("persistentvolumeclaims"), "default", "data").ok());
  EXPECT_TRUE(Eventually([&] { return VolumePhase("mid") == "Released"; }));
  EXPECT_TRUE(GetVolume("mid").has_value());
}

TEST_F(VolumeControllerTest, ProvisionsForTheDefaultClassAndDeletesWithTheClaim) {
  CreateClass("standard", true);
  auto controller = StartController();
  Create(Kind("persistentvolumeclaims"), "default", Claim("data", "64Mi", std::nullopt));
  auto claim = GetClaim("data");
  ASSERT_TRUE(claim);
  EXPECT_EQ(api::GetString(*claim, "spec.storageClassName"), "standard");  // admission

  ASSERT_TRUE(Eventually([&] { return ClaimPhase("data") == "Bound"; }));
  claim = GetClaim("data");
  std::string pv_name(api::GetString(*claim, "spec.volumeName"));
  EXPECT_EQ(pv_name, "pvc-" + std::string(api::GetString(*claim, "metadata.uid")));
  auto pv = GetVolume(pv_name);
  ASSERT_TRUE(pv);
  EXPECT_EQ(api::GetString(*pv, "spec.csi.driver"), hostpath::kDriverName);
  std::string handle(api::GetString(*pv, "spec.csi.volumeHandle"));
  ASSERT_FALSE(handle.empty());
  EXPECT_TRUE(fs::is_directory(root_ / "volumes" / handle));
  EXPECT_EQ(api::GetString(*pv, "spec.persistentVolumeReclaimPolicy"), "Delete");
  EXPECT_EQ(api::GetString(*pv, "spec.storageClassName"), "standard");
  EXPECT_EQ(api::GetString(*pv, "spec.capacity.storage"), "64Mi");
  EXPECT_EQ(api::GetString(*claim, "status.capacity.storage"), "64Mi");
  EXPECT_TRUE(Eventually([&] { return VolumePhase(pv_name) == "Bound"; }));

  // A claim asking for no class ("") gets none and waits for a static volume.
  Create(Kind("persistentvolumeclaims"), "default", Claim("static", "1Mi", ""));
  EXPECT_EQ(api::GetString(*GetClaim("static"), "spec.storageClassName"), "");

  ASSERT_TRUE(client_->Delete(Kind("persistentvolumeclaims"), "default", "data").ok());
  EXPECT_TRUE(Eventually([&] { return !GetVolume(pv_name); }));
  EXPECT_FALSE(fs::exists(root_ / "volumes" / handle));
  EXPECT_EQ(ClaimPhase("static"), "Pending");
}

TEST_F(VolumeControllerTest, WaitForFirstConsumerProvisionsOncePodIsOnANode) {
  CreateClass("local", false, "WaitForFirstConsumer");
  CreateClass("now", false);
  auto controller = StartController();
  Create(Kind("persistentvolumeclaims"), "default", Claim("later", "1Mi", "local"));
  Create(Kind("persistentvolumeclaims"), "default", Claim("soon", "1Mi", "now"));
  ASSERT_TRUE(Eventually([&] { return ClaimPhase("soon") == "Bound"; }));
  EXPECT_EQ(ClaimPhase("later"), "Pending");
  json::object pod{
      {"metadata", {{"name", "user"}}},
      {"spec",
       {{"containers", json::array{json::object{{"name", "c"}, {"image", "x:1"}}}},
        {"volumes", json::array{json::object{
                        {"name", "d"}, {"persistentVolumeClaim", {{"claimName", "later"}}}}}}}}};
  Create(Kind("pods"), "default", pod);  // not on a node yet
  ASSERT_TRUE(client_->Bind("default", "user", "node-1").ok());
  EXPECT_TRUE(Eventually([&] { return ClaimPhase("later") == "Bound"; }));
  // What the scheduler does instead: name the node on the claim before binding the pod.
  Create(Kind("persistentvolumeclaims"), "default", Claim("picked", "1Mi", "local"));
  ASSERT_TRUE(
      client_
          ->Patch(
              Kind("persistentvolumeclaims"), "default", "picked", client::PatchType::kMerge,
              json::object{{"metadata",
                            {{"annotations", {{"volume.kubernetes.io/selected-node", "node-1"}}}}}})
          .ok());
  EXPECT_TRUE(Eventually([&] { return ClaimPhase("picked") == "Bound"; }));
}

}  // namespace
}  // namespace skiff::controllers
