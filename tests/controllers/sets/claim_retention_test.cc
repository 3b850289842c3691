// persistentVolumeClaimRetentionPolicy as claim ownerReferences (pure functions).

#include "core/controllers/statefulset/claim_retention.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/api/json_fields.h"

namespace skiff::controllers {
namespace {

namespace json = boost::json;

const api::Kind& SetKind() {
  return *api::KindRegistry::Builtin().ByResource("apps", "v1", "statefulsets");
}

json::object Set(const char* when_deleted, const char* when_scaled, int replicas = 2) {
  json::object set = json::parse(R"({
    "metadata": {"name": "web", "namespace": "default", "uid": "set-uid"},
    "spec": {"volumeClaimTemplates": [{"metadata": {"name": "data"}},
                                      {"metadata": {"name": "logs"}}]}})")
                         .as_object();
  json::object& spec = set["spec"].as_object();
  spec["replicas"] = replicas;
  spec["persistentVolumeClaimRetentionPolicy"] =
      json::object{{"whenDeleted", when_deleted}, {"whenScaled", when_scaled}};
  return set;
}

json::object Claim(const std::string& name, json::array refs = {}) {
  return json::object{{"metadata", {{"name", name}, {"ownerReferences", std::move(refs)}}}};
}

json::object Pod(const std::string& name, const std::string& uid) {
  return json::object{{"metadata", {{"name", name}, {"uid", uid}}}};
}

// "Kind/name/uid" of each reference.
std::vector<std::string> Owners(const json::array& refs) {
  std::vector<std::string> out;
  for (const auto& r : refs) {
    out.push_back(std::string(api::GetString(r.as_object(), "kind")) + "/" +
                  std::string(api::GetString(r.as_object(), "name")) + "/" +
                  std::string(api::GetString(r.as_object(), "uid")));
  }
  return out;
}

const json::object kOther{
    {"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"name", "x"}, {"uid", "cm-uid"}};

TEST(ClaimRetention, ClaimOrdinalsOfTheSetsTemplatesOnly) {
  json::object set = Set("Retain", "Retain");
  EXPECT_EQ(StatefulClaimOrdinal(set, "data-web-0"), 0);
  EXPECT_EQ(StatefulClaimOrdinal(set, "logs-web-12"), 12);
  EXPECT_EQ(StatefulClaimOrdinal(set, "data-webx-1"), std::nullopt);
  EXPECT_EQ(StatefulClaimOrdinal(set, "cache-web-1"), std::nullopt);
  EXPECT_EQ(StatefulClaimOrdinal(set, "data-web-"), std::nullopt);
}

TEST(ClaimRetention, RetainRemovesTheSetAndPodReferencesAndKeepsOthers) {
  json::object set = Set("Retain", "Retain");
  json::object pod = Pod("web-1", "pod-uid");
  EXPECT_EQ(RetainedClaimOwners(SetKind(), set, Claim("data-web-1", {kOther}), 1, &pod),
            std::nullopt);
  json::array refs{
      kOther,
      {{"apiVersion", "apps/v1"}, {"kind", "StatefulSet"}, {"name", "web"}, {"uid", "set-uid"}},
      {{"apiVersion", "v1"}, {"kind", "Pod"}, {"name", "web-1"}, {"uid", "pod-uid"}}};
  auto owners = RetainedClaimOwners(SetKind(), set, Claim("data-web-1", refs), 1, &pod);
  ASSERT_TRUE(owners);
  EXPECT_EQ(Owners(*owners), std::vector<std::string>{"ConfigMap/x/cm-uid"});
}

TEST(ClaimRetention, WhenDeletedDeleteMakesTheSetAnOwner) {
  json::object set = Set("Delete", "Retain");
  auto owners = RetainedClaimOwners(SetKind(), set, Claim("data-web-0", {kOther}), 0, nullptr);
  ASSERT_TRUE(owners);
  EXPECT_EQ(Owners(*owners),
            (std::vector<std::string>{"ConfigMap/x/cm-uid", "StatefulSet/web/set-uid"}));
  EXPECT_EQ(api::GetString(owners->at(1).as_object(), "apiVersion"), "apps/v1");
  // Already so: nothing to write. Scaled down (whenScaled=Retain), the set still owns it.
  EXPECT_EQ(RetainedClaimOwners(SetKind(), set, Claim("data-web-0", *owners), 0, nullptr),
            std::nullopt);
  json::object pod = Pod("web-5", "p5");
  EXPECT_EQ(Owners(*RetainedClaimOwners(SetKind(), set, Claim("data-web-5"), 5, &pod)),
            std::vector<std::string>{"StatefulSet/web/set-uid"});
}

TEST(ClaimRetention, WhenScaledDeleteHandsAClaimBeyondReplicasToItsPod) {
  json::object set = Set("Delete", "Delete", 1);
  json::object pod = Pod("web-1", "pod-uid");
  json::array set_ref{
      {{"apiVersion", "apps/v1"}, {"kind", "StatefulSet"}, {"name", "web"}, {"uid", "set-uid"}}};
  auto owners = RetainedClaimOwners(SetKind(), set, Claim("data-web-1", set_ref), 1, &pod);
  ASSERT_TRUE(owners);
  EXPECT_EQ(Owners(*owners), std::vector<std::string>{"Pod/web-1/pod-uid"});
  // In range, the set owns it; a reference to an earlier pod web-0 is dropped.
  json::array stale{{{"apiVersion", "v1"}, {"kind", "Pod"}, {"name", "web-0"}, {"uid", "old"}}};
  json::object web0 = Pod("web-0", "new");
  owners = RetainedClaimOwners(SetKind(), set, Claim("data-web-0", stale), 0, &web0);
  ASSERT_TRUE(owners);
  EXPECT_EQ(Owners(*owners), std::vector<std::string>{"StatefulSet/web/set-uid"});
  // whenDeleted=Retain: in range, no owner; beyond replicas, the pod.
  json::object retain = Set("Retain", "Delete", 1);
  EXPECT_EQ(RetainedClaimOwners(SetKind(), retain, Claim("data-web-0"), 0, &web0), std::nullopt);
  EXPECT_EQ(Owners(*RetainedClaimOwners(SetKind(), retain, Claim("data-web-1"), 1, &pod)),
            std::vector<std::string>{"Pod/web-1/pod-uid"});
}

// The pod is gone (deleted on scale-down): its claim keeps the pod's reference, so the collector
// deletes it, unless the policy now retains scaled-down claims.
TEST(ClaimRetention, AScaledDownClaimKeepsItsGonePodsReference) {
  json::array gone{{{"apiVersion", "v1"}, {"kind", "Pod"}, {"name", "web-1"}, {"uid", "pod-uid"}}};
  EXPECT_EQ(RetainedClaimOwners(SetKind(), Set("Delete", "Delete", 1), Claim("data-web-1", gone), 1,
                                nullptr),
            std::nullopt);
  auto retained = RetainedClaimOwners(SetKind(), Set("Delete", "Retain", 1),
                                      Claim("data-web-1", gone), 1, nullptr);
  ASSERT_TRUE(retained);
  EXPECT_EQ(Owners(*retained), std::vector<std::string>{"StatefulSet/web/set-uid"});
}

}  // namespace
}  // namespace skiff::controllers
