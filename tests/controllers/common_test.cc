// The shared controller machinery: expectations, owner references, pods from templates, the
// object index and the worker runner.

#include <gtest/gtest.h>

#include <atomic>
#include <set>

#include "core/api/api_time.h"
#include "core/controllers/common/claim.h"
#include "core/controllers/common/controller_workers.h"
#include "core/controllers/common/expectations.h"
#include "core/controllers/common/object_index.h"
#include "core/controllers/common/owner_refs.h"
#include "core/controllers/common/parallel.h"
#include "core/controllers/common/pod_status.h"
#include "core/controllers/common/pod_template.h"
#include "core/controllers/common/workload_selector.h"
#include "tests/controllers/test_cluster.h"

namespace skiff::controllers {
namespace {

using namespace std::chrono_literals;
using testing::Eventually;
using testing::KindOf;
using testing::TestCluster;
namespace json = boost::json;

TEST(ExpectationsTest, PendingUntilObserved) {
  Expectations e;
  EXPECT_TRUE(e.Satisfied("ns/a"));  // never expected
  e.Expect("ns/a", 2, {"u1"});
  EXPECT_FALSE(e.Satisfied("ns/a"));
  e.CreationObserved("ns/a");
  e.CreationObserved("ns/a");
  EXPECT_FALSE(e.Satisfied("ns/a"));
  e.DeletionObserved("ns/a", "u2");  // not one we wait for
  EXPECT_FALSE(e.Satisfied("ns/a"));
  e.DeletionObserved("ns/a", "u1");
  EXPECT_TRUE(e.Satisfied("ns/a"));
  e.DeletionObserved("ns/a", "u1");  // a second sighting changes nothing
  EXPECT_TRUE(e.Satisfied("ns/a"));
}

TEST(ExpectationsTest, ExpireAfterTimeout) {
  Expectations e(50ms);
  e.Expect("k", 1, {});
  EXPECT_FALSE(e.Satisfied("k"));
  EXPECT_TRUE(Eventually([&] { return e.Satisfied("k"); }, 2s));
  e.Expect("k", 1, {});
  e.Forget("k");
  EXPECT_TRUE(e.Satisfied("k"));
}

client::Object Owner() {
  return client::Object{
      {"metadata", {{"name", "web"}, {"namespace", "default"}, {"uid", "owner-uid"}}}};
}

TEST(OwnerRefsTest, MakeAndFindControllerRef) {
  const api::Kind& rs = KindOf("apps", "replicasets");
  json::object ref = MakeControllerRef(Owner(), rs);
  EXPECT_EQ(api::GetString(ref, "apiVersion"), "apps/v1");
  EXPECT_EQ(api::GetString(ref, "kind"), "ReplicaSet");
  EXPECT_EQ(api::GetString(ref, "name"), "web");
  EXPECT_EQ(api::GetString(ref, "uid"), "owner-uid");
  EXPECT_TRUE(api::GetBool(ref, "controller"));
  EXPECT_TRUE(api::GetBool(ref, "blockOwnerDeletion"));

  client::Object pod{
      {"metadata",
       {{"ownerReferences", json::array{json::object{{"kind", "Other"}, {"uid", "x"}}, ref}}}}};
  auto c = ControllerRef(pod);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->uid, "owner-uid");
  EXPECT_EQ(OwnerRefs(pod).size(), 2u);
  EXPECT_FALSE(ControllerRef(client::Object{{"metadata", json::object()}}));
}

TEST(OwnerRefsTest, PodFromTemplateCarriesTemplateAndOwner) {
  json::object tmpl{
      {"metadata", {{"labels", {{"app", "web"}}}, {"annotations", {{"a", "b"}}}}},
      {"spec", {{"containers", json::array{json::object{{"name", "c"}, {"image", "nginx"}}}}}}};
  client::Object pod = PodFromTemplate(tmpl, Owner(), KindOf("apps", "replicasets"), "web-");
  EXPECT_EQ(api::GetString(pod, "metadata.generateName"), "web-");
  EXPECT_EQ(api::GetString(pod, "metadata.namespace"), "default");
  EXPECT_EQ(api::GetString(pod, "metadata.labels.app"), "web");
  EXPECT_EQ(api::GetString(pod, "metadata.annotations.a"), "b");
  EXPECT_EQ(ControllerRef(pod)->uid, "owner-uid");
  EXPECT_EQ(api::FindArray(pod, "spec.containers")->size(), 1u);
}

TEST(OwnerRefsTest, AdoptAndReleaseThroughTheApi) {
  TestCluster cluster;
  auto& c = cluster.client();
  const api::Kind& rs_kind = KindOf("apps", "replicasets");
  json::object tmpl{
      {"metadata", {{"labels", {{"app", "web"}}}}},
      {"spec", {{"containers", json::array{json::object{{"name", "c"}, {"image", "nginx"}}}}}}};
  auto rs = c.Create(rs_kind, "default",
                     client::Object{{"metadata", {{"name", "web"}}},
                                    {"spec",
                                     {{"replicas", 1},
                                      {"selector", {{"matchLabels", {{"app", "web"}}}}},
                                      {"template", tmpl}}}});
  ASSERT_TRUE(rs.ok()) << rs.error().message;
  auto orphan = c.Create(PodKind(), "default",
                         client::Object{{"metadata", {{"name", "p"}, {"labels", {{"app", "web"}}}}},
                                        {"spec", tmpl["spec"]}});
  ASSERT_TRUE(orphan.ok()) << orphan.error().message;
  auto adopted = Adopt(c, PodKind(), *orphan, *rs, rs_kind);
  ASSERT_TRUE(adopted.ok()) << adopted.error().message;
  EXPECT_EQ(ControllerRef(*adopted)->uid, api::GetString(*rs, "metadata.uid"));
  // The stale copy no longer applies.
  EXPECT_EQ(Adopt(c, PodKind(), *orphan, *rs, rs_kind).error().code, 409);
  auto released = Release(c, PodKind(), *adopted, api::GetString(*rs, "metadata.uid"));
  ASSERT_TRUE(released.ok()) << released.error().message;
  EXPECT_FALSE(ControllerRef(*released));

  auto made = CreatePodFromTemplate(c, tmpl, *rs, rs_kind);
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_EQ(api::GetString(*made, "metadata.name").rfind("web-", 0), 0u);
  EXPECT_EQ(ControllerRef(*made)->name, "web");
}

TEST(PodStatusTest, ReadyAndAvailable) {
  auto now = std::chrono::system_clock::now();
  client::Object pod{{"status",
                      {{"phase", "Running"},
                       {"conditions", json::array{json::object{
                                          {"type", "Ready"},
                                          {"status", "True"},
                                          {"lastTransitionTime", api::ApiTime(now - 10s)}}}}}}};
  EXPECT_TRUE(IsPodActive(pod));
  EXPECT_TRUE(IsPodReady(pod));
  EXPECT_TRUE(IsPodAvailable(pod, 0, now));
  EXPECT_TRUE(IsPodAvailable(pod, 5, now));
  EXPECT_FALSE(IsPodAvailable(pod, 30, now));
  client::Object pending{{"status", {{"phase", "Pending"}}}};
  EXPECT_FALSE(IsPodReady(pending));
  EXPECT_FALSE(IsPodAvailable(pending, 0, now));
  client::Object done{{"status", {{"phase", "Succeeded"}}}};
  EXPECT_FALSE(IsPodActive(done));
}

TEST(ObjectIndexTest, KeysFollowUpdates) {
  ObjectIndex index([](const client::Object& o) {
    std::vector<std::string> v;
    if (auto r = ControllerRef(o)) v.push_back(r->uid);
    return v;
  });
  auto pod = [](const std::string& name, const std::string& owner) {
    client::Object o{{"metadata", {{"name", name}, {"namespace", "ns"}}}};
    if (!owner.empty()) {
      o["metadata"].as_object()["ownerReferences"] =
          json::array{json::object{{"uid", owner}, {"controller", true}}};
    }
    return o;
  };
  index.Upsert(pod("a", "u1"));
  index.Upsert(pod("b", "u1"));
  index.Upsert(pod("c", ""));
  EXPECT_EQ(index.Keys("u1"), (std::vector<std::string>{"ns/a", "ns/b"}));
  index.Upsert(pod("b", "u2"));
  EXPECT_EQ(index.Keys("u1"), (std::vector<std::string>{"ns/a"}));
  EXPECT_EQ(index.Keys("u2"), (std::vector<std::string>{"ns/b"}));
  index.Remove(pod("a", "u1"));
  EXPECT_TRUE(index.Keys("u1").empty());
  EXPECT_EQ(SplitKey("ns/b"), (std::pair<std::string, std::string>{"ns", "b"}));
  EXPECT_EQ(SplitKey("node1"), (std::pair<std::string, std::string>{"", "node1"}));
}

TEST(ControllerWorkersTest, RetriesUntilDone) {
  client::WorkQueue queue(1ms, 10ms);
  std::atomic<int> calls{0};
  ControllerWorkers workers(queue, [&](const std::string&) { return ++calls >= 3; });
  workers.Start(2);
  queue.Add("k");
  EXPECT_TRUE(Eventually([&] { return calls.load() >= 3; }, 5s));
  workers.Stop();
  EXPECT_EQ(queue.NumRequeues("k"), 0);
}

TEST(ClaimTest, KeepsReleasesAndAdopts) {
  TestCluster cluster;
  auto& c = cluster.client();
  const api::Kind& rs_kind = KindOf("apps", "replicasets");
  json::object spec{{"containers", json::array{json::object{{"name", "c"}, {"image", "i"}}}}};
  auto rs = c.Create(
      rs_kind, "default",
      client::Object{
          {"metadata", {{"name", "web"}}},
          {"spec",
           {{"replicas", 0},
            {"selector", {{"matchLabels", {{"app", "web"}}}}},
            {"template", {{"metadata", {{"labels", {{"app", "web"}}}}}, {"spec", spec}}}}}});
  ASSERT_TRUE(rs.ok()) << rs.error().message;
  auto pod = [&](const std::string& name, const std::string& app, bool owned) {
    json::object meta{{"name", name}, {"labels", {{"app", app}}}};
    if (owned) meta["ownerReferences"] = json::array{MakeControllerRef(*rs, rs_kind)};
    auto r = c.Create(PodKind(), "default", client::Object{{"metadata", meta}, {"spec", spec}});
    EXPECT_TRUE(r.ok()) << r.error().message;
    return std::make_shared<const client::Object>(r.value());
  };
  auto kept = pod("kept", "web", true);
  auto moved = pod("moved", "other", true);
  auto orphan = pod("orphan", "web", false);
  auto stranger = pod("stranger", "other", false);
  auto selector = WorkloadSelector(*rs, rs_kind);
  ASSERT_TRUE(selector);
  Claimed got =
      ClaimDependents(c, PodKind(), *rs, rs_kind, selector, {kept, moved}, {orphan, stranger});
  EXPECT_TRUE(got.ok);
  std::set<std::string> names;
  for (const auto& p : got.objects) names.insert(std::string(api::GetString(*p, "metadata.name")));
  EXPECT_EQ(names, (std::set<std::string>{"kept", "orphan"}));
  EXPECT_FALSE(ControllerRef(c.Get(PodKind(), "default", "moved").value()));
  EXPECT_EQ(ControllerRef(c.Get(PodKind(), "default", "orphan").value())->name, "web");
  EXPECT_FALSE(ControllerRef(c.Get(PodKind(), "default", "stranger").value()));

  // An owner that is gone adopts nothing.
  auto late = pod("late", "web", false);
  ASSERT_TRUE(c.Delete(rs_kind, "default", "web").ok());
  got = ClaimDependents(c, PodKind(), *rs, rs_kind, selector, {}, {late});
  EXPECT_TRUE(got.objects.empty());
  EXPECT_FALSE(ControllerRef(c.Get(PodKind(), "default", "late").value()));
}

TEST(ParallelForTest, RunsEachIndexOnce) {
  for (int threads : {1, 4, 64}) {
    std::vector<std::atomic<int>> seen(37);
    ParallelFor(37, threads, [&](int i) { ++seen[i]; });
    for (const auto& s : seen) EXPECT_EQ(s.load(), 1);
  }
  int calls = 0;
  ParallelFor(0, 8, [&](int) { ++calls; });
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace skiff::controllers
