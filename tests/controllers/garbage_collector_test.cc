// GarbageCollector and the API server's propagation policies: background, orphan and
// foreground deletion, dangling owner references, with ConfigMaps as owners and dependents.

#include "core/controllers/garbagecollector/garbage_collector.h"

#include <gtest/gtest.h>

#include "core/controllers/replicaset/replicaset_controller.h"
#include "tests/controllers/test_cluster.h"

namespace skiff::controllers {
namespace {

using namespace std::chrono_literals;
using testing::Eventually;
using testing::KindOf;
using testing::TestCluster;
namespace json = boost::json;

class GarbageCollectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    gc_ = std::make_unique<GarbageCollector>(cluster_.informers());
    gc_->Start();
    ASSERT_TRUE(gc_->WaitForSync(5s));
  }

  client::Object Make(const std::string& name, const std::vector<client::Object>& owners = {},
                      bool block = false, const std::vector<std::string>& finalizers = {}) {
    json::array refs;
    for (const auto& o : owners) {
      refs.push_back(json::object{{"apiVersion", "v1"},
                                  {"kind", "ConfigMap"},
                                  {"name", api::GetString(o, "metadata.name")},
                                  {"uid", api::GetString(o, "metadata.uid")},
                                  {"blockOwnerDeletion", block}});
    }
    json::object meta{{"name", name}};
    if (!refs.empty()) meta["ownerReferences"] = refs;
    if (!finalizers.empty()) {
      json::array f;
      for (const auto& s : finalizers) f.emplace_back(s);
      meta["finalizers"] = f;
    }
    auto r = cluster_.client().Create(cm_, "default", client::Object{{"metadata", meta}});
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? r.value() : client::Object{};
  }

  std::optional<client::Object> Get(const std::string& name) {
    auto r = cluster_.client().Get(cm_, "default", name);
    if (!r.ok()) return std::nullopt;
    return r.value();
  }

  bool Gone(const std::string& name) { return !Get(name).has_value(); }

  // The object as the delete left it.
  client::Object Delete(const std::string& name, const std::string& policy) {
    client::DeleteOptions opts;
    opts.propagation_policy = policy;
    auto r = cluster_.client().Delete(cm_, "default", name, opts);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? r.value() : client::Object{};
  }

  static bool HasFinalizer(const client::Object& o, std::string_view f) {
    const json::array* a = api::FindArray(o, "metadata.finalizers");
    if (!a) return false;
    for (const auto& v : *a) {
      if (v.is_string() && v.as_string() == f) return true;
    }
    return false;
  }

  TestCluster cluster_;
  const api::Kind& cm_ = KindOf("", "configmaps");
  std::unique_ptr<GarbageCollector> gc_;
};

TEST_F(GarbageCollectorTest, BackgroundDeletesDependentsAfterTheOwner) {
  auto owner = Make("owner");
  auto child = Make("child", {owner});
  Make("grandchild", {child});
  Make("unrelated");
  EXPECT_FALSE(HasFinalizer(Delete("owner", "Background"), "orphan"));
  EXPECT_TRUE(Gone("owner"));  // at once
  ASSERT_TRUE(Eventually([&] { return Gone("child") && Gone("grandchild"); }));
  EXPECT_FALSE(Gone("unrelated"));
}

TEST_F(GarbageCollectorTest, OrphanKeepsDependentsWithoutTheReference) {
  auto owner = Make("owner");
  auto other = Make("other");
  Make("child", {owner, other});
  // The orphan finalizer holds it until the dependents are released.
  EXPECT_TRUE(HasFinalizer(Delete("owner", "Orphan"), "orphan"));
  ASSERT_TRUE(Eventually([&] { return Gone("owner"); }));
  auto child = Get("child");
  ASSERT_TRUE(child);
  const json::array* refs = api::FindArray(*child, "metadata.ownerReferences");
  ASSERT_TRUE(refs);
  ASSERT_EQ(refs->size(), 1u);
  EXPECT_EQ(api::GetString(refs->at(0).as_object(), "name"), "other");
  // It stays: the remaining owner is alive.
  EXPECT_FALSE(Eventually([&] { return Gone("child"); }, 300ms));
}

TEST_F(GarbageCollectorTest, ForegroundWaitsForBlockingDependents) {
  auto owner = Make("owner");
  Make("child", {owner}, true, {"example.com/hold"});
  EXPECT_TRUE(HasFinalizer(Delete("owner", "Foreground"), "foregroundDeletion"));
  // The child is being deleted but held by its own finalizer; the owner waits for it.
  ASSERT_TRUE(Eventually([&] {
    auto c = Get("child");
    return c && !api::GetString(*c, "metadata.deletionTimestamp").empty();
  }));
  auto o = Get("owner");
  ASSERT_TRUE(o);
  EXPECT_FALSE(api::GetString(*o, "metadata.deletionTimestamp").empty());
  EXPECT_FALSE(Eventually([&] { return Gone("owner"); }, 300ms));
  // Release the child: it goes, then the owner.
  auto c = Get("child");
  api::ChildObject(*c, "metadata")["finalizers"] = json::array();
  ASSERT_TRUE(cluster_.client().Update(cm_, *c).ok());
  ASSERT_TRUE(Eventually([&] { return Gone("child") && Gone("owner"); }));
}

TEST_F(GarbageCollectorTest, DanglingReferences) {
  auto alive = Make("alive");
  client::Object ghost{{"metadata", {{"name", "ghost"}, {"uid", "no-such-uid"}}}};
  Make("orphaned", {ghost});
  Make("half", {alive, ghost});
  ASSERT_TRUE(Eventually([&] { return Gone("orphaned"); }));
  ASSERT_TRUE(Eventually([&] {
    auto h = Get("half");
    const json::array* refs = h ? api::FindArray(*h, "metadata.ownerReferences") : nullptr;
    return refs && refs->size() == 1;
  }));
  EXPECT_FALSE(Gone("half"));
  // An owner created just before its dependent is never mistaken for a missing one.
  for (int i = 0; i < 20; ++i) {
    auto o = Make("o" + std::to_string(i));
    Make("d" + std::to_string(i), {o});
  }
  EXPECT_FALSE(Eventually(
      [&] {
        for (int i = 0; i < 20; ++i) {
          if (Gone("d" + std::to_string(i))) return true;
        }
        return false;
      },
      500ms));
}

TEST_F(GarbageCollectorTest, ForegroundReplicaSetGoesAfterItsPods) {
  ReplicaSetController rsc(cluster_.informers(), KindOf("apps", "replicasets"));
  rsc.Start();
  ASSERT_TRUE(rsc.WaitForSync(5s));
  const api::Kind& rs_kind = KindOf("apps", "replicasets");
  json::object tmpl{
      {"metadata", {{"labels", {{"app", "fg"}}}}},
      {"spec", {{"containers", json::array{json::object{{"name", "c"}, {"image", "nginx"}}}}}}};
  auto rs =
      cluster_.client().Create(rs_kind, "default",
                               client::Object{{"metadata", {{"name", "fg"}}},
                                              {"spec",
                                               {{"replicas", 3},
                                                {"selector", {{"matchLabels", {{"app", "fg"}}}}},
                                                {"template", tmpl}}}});
  ASSERT_TRUE(rs.ok()) << rs.error().message;
  ASSERT_TRUE(Eventually([&] { return cluster_.Pods("app=fg").size() == 3; }));
  client::DeleteOptions opts;
  opts.propagation_policy = "Foreground";
  ASSERT_TRUE(cluster_.client().Delete(rs_kind, "default", "fg", opts).ok());
  // The ReplicaSet is there as long as any pod is, and no pod is recreated meanwhile.
  bool early = false;
  ASSERT_TRUE(Eventually([&] {
    bool rs_gone = !cluster_.client().Get(rs_kind, "default", "fg").ok();
    std::size_t pods = cluster_.Pods("app=fg").size();
    if (rs_gone && pods > 0) early = true;
    return rs_gone && pods == 0;
  }));
  EXPECT_FALSE(early);
}

}  // namespace
}  // namespace skiff::controllers
