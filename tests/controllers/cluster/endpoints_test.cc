// The endpoints controller: EndpointSubsets on its own, then the controller in process.

#include <boost/json/parse.hpp>
#include <cctype>
#include <set>

#include "core/controllers/endpoints/endpoint_subsets.h"
#include "core/controllers/endpoints/endpoints_controller.h"
#include "tests/controllers/cluster/cluster_fixture.h"

namespace skiff::controllers {
namespace {

json::object Service(const std::string& name, const std::string& target_port = "web") {
  json::value target = target_port.empty()            ? json::value(8080)
                       : std::isdigit(target_port[0]) ? json::value(std::stoi(target_port))
                                                      : json::value(target_port);
  return json::object{{"metadata", {{"name", name}, {"labels", {{"tier", "front"}}}}},
                      {"spec",
                       {{"selector", {{"app", "web"}}},
                        {"ports", json::array{json::object{
                                      {"name", "http"}, {"port", 80}, {"targetPort", target}}}}}}};
}

json::object Pod(const std::string& name, const std::string& app, int web_port = 8080) {
  return json::object{
      {"metadata", {{"name", name}, {"labels", {{"app", app}}}}},
      {"spec",
       {{"nodeName", "node-1"},
        {"containers", json::array{json::object{
                           {"name", "c"},
                           {"image", "busybox:1.36"},
                           {"ports", json::array{json::object{{"name", "web"},
                                                              {"containerPort", web_port}}}}}}}}}};
}

json::object RunningStatus(const std::string& ip, bool ready) {
  return json::object{
      {"phase", "Running"},
      {"podIP", ip},
      {"conditions",
       json::array{json::object{{"type", "Ready"}, {"status", ready ? "True" : "False"}}}}};
}

// A pod as the informer would hold it (defaults skipped: EndpointSubsets needs none).
json::object PodWithStatus(const std::string& name, const std::string& ip, bool ready,
                           int web_port = 8080) {
  json::object pod = Pod(name, "web", web_port);
  pod["metadata"].as_object()["namespace"] = "default";
  pod["metadata"].as_object()["uid"] = "uid-" + name;
  pod["status"] = RunningStatus(ip, ready);
  return pod;
}

std::vector<std::string> Ips(const json::object& subset, const char* key) {
  std::vector<std::string> out;
  if (const json::array* a = api::FindArray(subset, key)) {
    for (const auto& v : *a) out.emplace_back(api::GetString(v.as_object(), "ip"));
  }
  return out;
}

using Strings = std::vector<std::string>;

TEST(EndpointSubsetsTest, ReadyAndNotReadyPodsWithNamedPort) {
  json::array subsets = EndpointSubsets(
      Service("web"), {PodWithStatus("b", "10.0.0.3", false), PodWithStatus("a", "10.0.0.2", true),
                       PodWithStatus("c", "10.0.0.1", true)});
  ASSERT_EQ(subsets.size(), 1u);
  const json::object& s = subsets[0].as_object();
  EXPECT_EQ(Ips(s, "addresses"), (Strings{"10.0.0.1", "10.0.0.2"}));
  EXPECT_EQ(Ips(s, "notReadyAddresses"), Strings{"10.0.0.3"});
  EXPECT_EQ(json::value(*api::FindArray(s, "ports")),
            boost::json::parse(R"([{"port":8080,"protocol":"TCP","name":"http"}])"));
  const json::object& first = (*api::FindArray(s, "addresses"))[0].as_object();
  EXPECT_EQ(api::GetString(first, "nodeName"), "node-1");
  EXPECT_EQ(api::GetString(first, "targetRef.kind"), "Pod");
  EXPECT_EQ(api::GetString(first, "targetRef.name"), "c");
  EXPECT_EQ(api::GetString(first, "targetRef.uid"), "uid-c");
}

TEST(EndpointSubsetsTest, PodsResolvingANamedPortDifferentlyGetTheirOwnSubsets) {
  json::array subsets = EndpointSubsets(
      Service("web"),
      {PodWithStatus("a", "10.0.0.2", true), PodWithStatus("b", "10.0.0.3", true, 9090)});
  ASSERT_EQ(subsets.size(), 2u);
  std::set<int64_t> ports;
  for (const auto& s : subsets) {
    EXPECT_EQ(Ips(s.as_object(), "addresses").size(), 1u);
    ports.insert(*api::GetInt((*api::FindArray(s.as_object(), "ports"))[0].as_object(), "port"));
  }
  EXPECT_EQ(ports, (std::set<int64_t>{8080, 9090}));
}

TEST(EndpointSubsetsTest, SkipsPodsWithoutIpTerminatingFinishedOrUnselected) {
  json::object no_ip = PodWithStatus("a", "", true);
  json::object terminating = PodWithStatus("b", "10.0.0.3", true);
  terminating["metadata"].as_object()["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  json::object done = PodWithStatus("c", "10.0.0.4", false);
  done["status"].as_object()["phase"] = "Succeeded";
  json::object other = PodWithStatus("d", "10.0.0.5", true);
  other["metadata"].as_object()["labels"] = json::object{{"app", "db"}};
  json::object numeric = PodWithStatus("e", "10.0.0.6", true);
  EXPECT_TRUE(EndpointSubsets(Service("web"), {no_ip, terminating, done, other}).empty());
  json::array subsets = EndpointSubsets(Service("web", "7000"), {numeric});
  ASSERT_EQ(subsets.size(), 1u);
  EXPECT_EQ(api::GetInt((*api::FindArray(subsets[0].as_object(), "ports"))[0].as_object(), "port"),
            7000);
}

class EndpointsControllerTest : public ClusterFixture {
 protected:
  std::optional<json::object> Endpoints(const std::string& name) {
    return Get(Kind("endpoints"), "default", name);
  }
  // The (ready, not ready) IPs of the Endpoints, over all subsets.
  std::pair<Strings, Strings> Ips(const std::string& name) {
    auto ep = Endpoints(name);
    Strings ready, not_ready;
    const json::array* subsets = ep ? api::FindArray(*ep, "subsets") : nullptr;
    if (subsets) {
      for (const auto& s : *subsets) {
        for (auto& ip : controllers::Ips(s.as_object(), "addresses")) ready.push_back(ip);
        for (auto& ip : controllers::Ips(s.as_object(), "notReadyAddresses")) {
          not_ready.push_back(ip);
        }
      }
    }
    return {ready, not_ready};
  }
};

TEST_F(EndpointsControllerTest, FollowsPodsAndServices) {
  const api::Kind& pods = Kind("pods");
  Create(pods, "default", Pod("a", "web"));
  Create(pods, "default", Pod("b", "web"));
  Create(pods, "default", Pod("other", "db"));
  MergeStatus(pods, "default", "a", RunningStatus("10.1.0.2", true));
  MergeStatus(pods, "default", "b", RunningStatus("10.1.0.3", false));
  MergeStatus(pods, "default", "other", RunningStatus("10.1.0.9", true));
  EndpointsController controller(*informers_);
  controller.Start();
  Create(Kind("services"), "default", Service("web"));

  EXPECT_TRUE(Eventually([&] {
    return Ips("web") == std::pair{Strings{"10.1.0.2"}, Strings{"10.1.0.3"}};
  }));
  auto ep = Endpoints("web");
  ASSERT_TRUE(ep);
  EXPECT_EQ(api::GetString(*ep, "metadata.labels.tier"), "front");
  EXPECT_EQ(
      api::GetInt(
          (*api::FindArray(*ep, "subsets"))[0].as_object().at("ports").as_array()[0].as_object(),
          "port"),
      8080);

  MergeStatus(pods, "default", "b", RunningStatus("10.1.0.3", true));
  EXPECT_TRUE(Eventually([&] {
    return Ips("web") == std::pair{Strings{"10.1.0.2", "10.1.0.3"}, Strings{}};
  }));

  client::DeleteOptions now;
  now.grace_period_seconds = 0;
  ASSERT_TRUE(client_->Delete(pods, "default", "a", now).ok());
  EXPECT_TRUE(Eventually([&] { return Ips("web") == std::pair{Strings{"10.1.0.3"}, Strings{}}; }));

  Create(pods, "default", Pod("c", "web"));
  MergeStatus(pods, "default", "c", RunningStatus("10.1.0.4", true));
  EXPECT_TRUE(Eventually([&] {
    return Ips("web") == std::pair{Strings{"10.1.0.3", "10.1.0.4"}, Strings{}};
  }));

  ASSERT_TRUE(client_->Delete(Kind("services"), "default", "web").ok());
  EXPECT_TRUE(Eventually([&] { return !Endpoints("web"); }));
}

TEST_F(EndpointsControllerTest, LeavesEndpointsOfServicesWithoutSelectorAlone) {
  EndpointsController controller(*informers_);
  controller.Start();
  json::object svc = Service("manual");
  svc["spec"].as_object().erase("selector");
  Create(Kind("services"), "default", svc);
  Create(Kind("endpoints"), "default",
         json::object{{"metadata", {{"name", "manual"}}},
                      {"subsets", json::array{json::object{
                                      {"addresses", json::array{json::object{{"ip", "10.9.9.9"}}}},
                                      {"ports", json::array{json::object{{"port", 80}}}}}}}});
  // A selector Service created afterwards is handled, so the first one was seen before it.
  Create(Kind("services"), "default", Service("web"));
  ASSERT_TRUE(Eventually([&] { return Endpoints("web").has_value(); }));
  EXPECT_EQ(Ips("manual"), (std::pair{Strings{"10.9.9.9"}, Strings{}}));
}

}  // namespace
}  // namespace skiff::controllers
