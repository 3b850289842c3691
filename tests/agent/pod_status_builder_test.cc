#include "core/agent/pod_status_builder.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/api/json_fields.h"

namespace skiff::agent {
namespace {

namespace json = boost::json;

json::object Pod(const char* policy) { return json::object{{"spec", {{"restartPolicy", policy}}}}; }

ObservedContainer Running(const char* name) {
  ObservedContainer c;
  c.name = name;
  c.current.emplace();
  c.current->id = std::string(name) + "-id";
  c.current->state = sdk::ContainerState::kRunning;
  c.current->started_at = 1'700'000'000'000'000'000;
  return c;
}

ObservedContainer Exited(const char* name, int code, bool will_restart = false) {
  ObservedContainer c = Running(name);
  c.current->state = sdk::ContainerState::kExited;
  c.current->exit_code = code;
  c.current->finished_at = c.current->started_at + 1'000'000'000;
  c.will_restart = will_restart;
  return c;
}

ObservedContainer Waiting(const char* name, const char* reason) {
  ObservedContainer c;
  c.name = name;
  c.waiting_reason = reason;
  return c;
}

TEST(PodStatusBuilderTest, Phases) {
  PodObservation obs;
  obs.containers = {Waiting("a", "ContainerCreating")};
  EXPECT_EQ(ComputePhase(Pod("Always"), obs), "Pending");
  obs.containers = {Running("a"), Waiting("b", "ContainerCreating")};
  EXPECT_EQ(ComputePhase(Pod("Always"), obs), "Pending");
  obs.containers = {Running("a"), Exited("b", 0)};
  EXPECT_EQ(ComputePhase(Pod("OnFailure"), obs), "Running");
  obs.containers = {Exited("a", 1, true)};
  EXPECT_EQ(ComputePhase(Pod("Always"), obs), "Running");
  obs.containers = {Exited("a", 0), Exited("b", 0)};
  EXPECT_EQ(ComputePhase(Pod("OnFailure"), obs), "Succeeded");
  obs.containers = {Exited("a", 0), Exited("b", 2)};
  EXPECT_EQ(ComputePhase(Pod("Never"), obs), "Failed");
  obs.containers = {Waiting("a", "PodInitializing")};
  obs.init_containers = {Exited("i", 1)};
  EXPECT_EQ(ComputePhase(Pod("Never"), obs), "Failed");
  obs.init_containers = {Running("i")};
  EXPECT_EQ(ComputePhase(Pod("Always"), obs), "Pending");
}

TEST(PodStatusBuilderTest, ContainerStatesAndReasons) {
  PodObservation obs;
  obs.runtime_name = "mock";
  obs.pod_ip = "10.88.0.5";
  obs.host_ip = "127.0.0.1";
  ObservedContainer crash = Exited("crash", 1, true);
  crash.restart_count = 3;
  crash.waiting_reason = "CrashLoopBackOff";
  obs.containers = {Running("web"), crash, Exited("done", 0), Waiting("img", "ErrImagePull")};
  json::object s = BuildPodStatus(Pod("OnFailure"), obs, {}, "2024-01-01T00:00:00Z");
  EXPECT_EQ(api::GetString(s, "podIP"), "10.88.0.5");
  EXPECT_EQ(api::FindArray(s, "podIPs")->size(), 1u);
  const json::array& cs = *api::FindArray(s, "containerStatuses");
  ASSERT_EQ(cs.size(), 4u);
  EXPECT_TRUE(api::GetBool(cs[0].as_object(), "ready"));
  EXPECT_EQ(api::GetString(cs[0].as_object(), "containerID"), "mock://web-id");
  EXPECT_EQ(api::GetString(cs[1].as_object(), "state.waiting.reason"), "CrashLoopBackOff");
  EXPECT_EQ(api::GetInt(cs[1].as_object(), "lastState.terminated.exitCode"), 1);
  EXPECT_EQ(api::GetInt(cs[1].as_object(), "restartCount"), 3);
  EXPECT_EQ(api::GetString(cs[2].as_object(), "state.terminated.reason"), "Completed");
  EXPECT_EQ(api::GetString(cs[3].as_object(), "state.waiting.reason"), "ErrImagePull");
}

TEST(PodStatusBuilderTest, ConditionsKeepTransitionTimes) {
  PodObservation obs;
  obs.start_time = "2024-01-01T00:00:00Z";
  obs.containers = {Running("a")};
  json::object first = BuildPodStatus(Pod("Always"), obs, {}, "2024-01-01T00:00:00Z");
  for (const auto& c : *api::FindArray(first, "conditions")) {
    EXPECT_EQ(api::GetString(c.as_object(), "status"), "True");
  }
  json::object second = BuildPodStatus(Pod("Always"), obs, first, "2024-01-01T00:05:00Z");
  EXPECT_EQ(json::serialize(first), json::serialize(second));  // unchanged: nothing to write
  obs.containers = {Exited("a", 1, true)};
  json::object third = BuildPodStatus(Pod("Always"), obs, second, "2024-01-01T00:06:00Z");
  for (const auto& c : *api::FindArray(third, "conditions")) {
    std::string_view type = api::GetString(c.as_object(), "type");
    if (type == "Ready") {
      EXPECT_EQ(api::GetString(c.as_object(), "status"), "False");
      EXPECT_EQ(api::GetString(c.as_object(), "lastTransitionTime"), "2024-01-01T00:06:00Z");
    }
    if (type == "PodScheduled") {
      EXPECT_EQ(api::GetString(c.as_object(), "lastTransitionTime"), "2024-01-01T00:00:00Z");
    }
  }
}

}  // namespace
}  // namespace skiff::agent
