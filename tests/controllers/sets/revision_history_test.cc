// The ControllerRevision history plan shared by the DaemonSet and StatefulSet controllers.

#include "core/controllers/workload/revision_history.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/api/json_fields.h"

namespace skiff::controllers {
namespace {

namespace json = boost::json;

const api::Kind& DsKind() {
  return *api::KindRegistry::Builtin().ByResource("apps", "v1", "daemonsets");
}

json::object Ds(const std::string& image, int64_t limit = 10) {
  json::object ds = json::parse(R"({
    "apiVersion": "apps/v1", "kind": "DaemonSet",
    "metadata": {"name": "logs", "namespace": "default", "uid": "ds-uid",
                 "annotations": {"kubernetes.io/change-cause": "why"}},
    "spec": {"selector": {"matchLabels": {"app": "logs"}},
             "template": {"metadata": {"labels": {"app": "logs", "tier": "node"}},
                          "spec": {"containers": [{"name": "c", "image": ""}]}}}})")
                        .as_object();
  ds["spec"].as_object()["revisionHistoryLimit"] = limit;
  ds["spec"]
      .as_object()["template"]
      .as_object()["spec"]
      .as_object()["containers"]
      .as_array()[0]
      .as_object()["image"] = image;
  return ds;
}

// A revision as the server would hold it (with a uid).
json::object Stored(const std::string& name, int64_t number) {
  json::object r = NewControllerRevision(DsKind(), Ds("x"), name, name.substr(5), number);
  r["metadata"].as_object()["uid"] = "uid-" + name;
  return r;
}

std::vector<std::string> Names(const std::vector<json::object>& objects) {
  std::vector<std::string> out;
  for (const auto& o : objects) out.emplace_back(api::GetString(o, "metadata.name"));
  return out;
}

TEST(RevisionHistory, NewRevisionHoldsTheReplacePatchLabelsOwnerAndNumber) {
  json::object r = NewControllerRevision(DsKind(), Ds("agent:1"), "logs-abc", "abc", 3);
  EXPECT_EQ(api::GetString(r, "kind"), "ControllerRevision");
  EXPECT_EQ(api::GetString(r, "metadata.name"), "logs-abc");
  EXPECT_EQ(api::GetString(r, "metadata.namespace"), "default");
  EXPECT_EQ(api::GetInt(r, "revision"), 3);
  EXPECT_EQ(api::GetString(r, "metadata.labels.app"), "logs");
  EXPECT_EQ(api::GetString(r, "metadata.labels.tier"), "node");
  EXPECT_EQ(api::GetString(r, "metadata.labels.controller-revision-hash"), "abc");
  EXPECT_EQ(api::FindObject(r, "metadata.annotations")->at("kubernetes.io/change-cause"), "why");
  const json::array* refs = api::FindArray(r, "metadata.ownerReferences");
  ASSERT_TRUE(refs && refs->size() == 1);
  EXPECT_EQ(refs->at(0).at("uid"), "ds-uid");
  EXPECT_EQ(refs->at(0).at("kind"), "DaemonSet");
  EXPECT_EQ(refs->at(0).at("controller"), true);
  // data: the template, replacing the set's whole template when applied as a strategic patch.
  const json::object* tmpl = api::FindObject(r, "data.spec.template");
  ASSERT_NE(tmpl, nullptr);
  EXPECT_EQ(tmpl->at("$patch"), "replace");
  EXPECT_EQ(api::FindArray(*tmpl, "spec.containers")->at(0).at("image"), "agent:1");
  EXPECT_EQ(api::FindObject(r, "data")->size(), 1u);
}

TEST(RevisionHistory, FirstTemplateIsRevisionOneAndANewTemplateTheNext) {
  HistoryPlan first = PlanHistory(DsKind(), Ds("agent:1"), "logs-aaa", "aaa", {}, {});
  ASSERT_TRUE(first.to_create);
  EXPECT_EQ(api::GetInt(*first.to_create, "revision"), 1);
  EXPECT_EQ(first.update_number, 1);
  EXPECT_FALSE(first.to_renumber);
  EXPECT_TRUE(first.to_delete.empty());

  HistoryPlan second =
      PlanHistory(DsKind(), Ds("agent:2"), "logs-bbb", "bbb", {Stored("logs-aaa", 1)}, {});
  ASSERT_TRUE(second.to_create);
  EXPECT_EQ(api::GetString(*second.to_create, "metadata.name"), "logs-bbb");
  EXPECT_EQ(api::GetInt(*second.to_create, "revision"), 2);

  // Unchanged: nothing to write.
  HistoryPlan same = PlanHistory(DsKind(), Ds("agent:2"), "logs-bbb", "bbb",
                                 {Stored("logs-aaa", 1), Stored("logs-bbb", 2)}, {});
  EXPECT_FALSE(same.to_create);
  EXPECT_FALSE(same.to_renumber);
  EXPECT_EQ(same.update_number, 2);
}

TEST(RevisionHistory, AnOlderTemplateComingBackIsRenumberedNotDuplicated) {
  HistoryPlan plan = PlanHistory(DsKind(), Ds("agent:1"), "logs-aaa", "aaa",
                                 {Stored("logs-aaa", 1), Stored("logs-bbb", 2)}, {});
  EXPECT_FALSE(plan.to_create);
  ASSERT_TRUE(plan.to_renumber);
  EXPECT_EQ(api::GetString(*plan.to_renumber, "metadata.name"), "logs-aaa");
  EXPECT_EQ(plan.renumber_to, 3);
  EXPECT_EQ(plan.update_number, 3);
}

TEST(RevisionHistory, UnusedRevisionsBeyondTheLimitGoOldestFirst) {
  std::vector<json::object> revisions{Stored("logs-aaa", 1), Stored("logs-bbb", 2),
                                      Stored("logs-ccc", 3), Stored("logs-ddd", 4),
                                      Stored("logs-eee", 5)};
  // Limit 1 of 4 old ones: the three oldest go, except bbb which a pod still runs.
  HistoryPlan plan =
      PlanHistory(DsKind(), Ds("agent:5", 1), "logs-eee", "eee", revisions, {"logs-bbb"});
  EXPECT_EQ(Names(plan.to_delete), (std::vector<std::string>{"logs-aaa", "logs-ccc"}));
  EXPECT_EQ(api::GetString(plan.to_delete[0], "metadata.uid"), "uid-logs-aaa");

  // Limit 0 keeps only what is in use.
  plan = PlanHistory(DsKind(), Ds("agent:5", 0), "logs-eee", "eee", revisions, {});
  EXPECT_EQ(Names(plan.to_delete),
            (std::vector<std::string>{"logs-aaa", "logs-bbb", "logs-ccc", "logs-ddd"}));

  // Under the limit (default 10) nothing goes.
  plan = PlanHistory(DsKind(), Ds("agent:5"), "logs-eee", "eee", revisions, {});
  EXPECT_TRUE(plan.to_delete.empty());

  // A new template: the previous update revision becomes history too.
  plan = PlanHistory(DsKind(), Ds("agent:6", 2), "logs-fff", "fff", revisions, {});
  ASSERT_TRUE(plan.to_create);
  EXPECT_EQ(api::GetInt(*plan.to_create, "revision"), 6);
  EXPECT_EQ(Names(plan.to_delete), (std::vector<std::string>{"logs-aaa", "logs-bbb", "logs-ccc"}));
}

}  // namespace
}  // namespace skiff::controllers
