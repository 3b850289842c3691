#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <memory>
#include <string>

#include "core/api/human_time.h"
#include "core/controllers/common/owner_refs.h"
#include "core/controllers/cronjob/cronjob_controller.h"
#include "core/controllers/job/job_controller.h"
#include "tests/controllers/test_cluster.h"

namespace skiff::controllers {
namespace {

using namespace std::chrono_literals;
using namespace testing;
namespace json = boost::json;
using std::chrono::system_clock;

class CronJobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    controller_ = std::make_unique<CronJobController>(cluster_.informers(), [this] {
      return system_clock::time_point(system_clock::duration(now_.load()));
    });
    controller_->Start();
    ASSERT_TRUE(controller_->WaitForSync(5s));
  }

  // The test's clock: a whole minute `minute` after the CronJob's creation minute, + 1 s.
  void SetMinute(std::int64_t minute) {
    now_ = std::chrono::duration_cast<system_clock::duration>(
               (created_minute_ + std::chrono::minutes(minute) + 1s).time_since_epoch())
               .count();
    controller_->ResyncAll();
  }

  void Create(const std::string& name, const std::string& spec) {
    json::object cj{{"metadata", {{"name", name}}},
                    {"spec",
                     {{"schedule", "*/5 * * * *"},
                      {"jobTemplate",
                       {{"metadata", {{"labels", {{"run", name}}}}},
                        {"spec",
                         {{"template",
                           {{"spec",
                             {{"restartPolicy", "Never"},
                              {"containers", json::array{json::object{
                                                 {"name", "c"}, {"image", "busybox"}}}}}}}}}}}}}}};
    json::value fields = json::parse(spec);
    for (auto& [k, v] : fields.as_object()) cj["spec"].as_object()[k] = v;
    // The clock starts at the creation time; the first run is at the next multiple of 5
    // minutes after it.
    now_ = system_clock::now().time_since_epoch().count();
    auto r = cluster_.client().Create(CronJobKind(), "default", cj);
    ASSERT_TRUE(r.ok()) << r.error().message;
    created_minute_ = std::chrono::floor<std::chrono::minutes>(
        *api::ParseRfc3339(api::GetString(*r, "metadata.creationTimestamp")));
    first_run_ = 5 - (created_minute_.time_since_epoch().count() % 5);  // minutes from then
  }

  client::Object Get(const std::string& name) {
    auto r = cluster_.client().Get(CronJobKind(), "default", name);
    return r.ok() ? r.value() : client::Object{};
  }

  std::vector<client::Object> Jobs() { return cluster_.List(JobKind()); }

  std::string JobName(const std::string& cronjob, std::int64_t minute) {
    auto at = created_minute_ + std::chrono::minutes(minute);
    return cronjob + "-" + std::to_string(at.time_since_epoch().count());
  }

  void Complete(const std::string& job) {
    auto r = cluster_.client().Patch(
        JobKind(), "default", job, client::PatchType::kMerge,
        json::value{{"status",
                     {{"completionTime", api::NowApiTime()},
                      {"conditions",
                       json::array{json::object{{"type", "Complete"}, {"status", "True"}}}}}}},
        true);
    ASSERT_TRUE(r.ok()) << r.error().message;
  }

  TestCluster cluster_;
  std::atomic<system_clock::duration::rep> now_{0};
  std::chrono::sys_time<std::chrono::minutes> created_minute_;
  std::int64_t first_run_ = 0;
  std::unique_ptr<CronJobController> controller_;
};

std::vector<std::string> Names(const std::vector<client::Object>& objs) {
  std::vector<std::string> out;
  for (const auto& o : objs) out.emplace_back(api::GetString(o, "metadata.name"));
  std::sort(out.begin(), out.end());
  return out;
}

TEST_F(CronJobTest, StartsAJobAtEachScheduledTimeAndRecordsIt) {
  Create("tick", "{}");
  SetMinute(first_run_ - 1);
  std::this_thread::sleep_for(100ms);
  EXPECT_TRUE(Jobs().empty());  // not yet

  SetMinute(first_run_);
  std::string first = JobName("tick", first_run_);
  ASSERT_TRUE(Eventually([&] { return Names(Jobs()) == std::vector<std::string>{first}; }));
  auto job = *cluster_.client().Get(JobKind(), "default", first);
  EXPECT_EQ(api::GetString(job, "metadata.labels.run"), "tick");
  EXPECT_EQ(ControllerRef(job)->kind, "CronJob");
  ASSERT_TRUE(Eventually([&] {
    auto cj = Get("tick");
    const json::array* active = api::FindArray(cj, "status.active");
    return active && active->size() == 1 && !api::GetString(cj, "status.lastScheduleTime").empty();
  }));

  // The next time: a second Job (Allow); the first one completes.
  SetMinute(first_run_ + 5);
  std::string second = JobName("tick", first_run_ + 5);
  ASSERT_TRUE(Eventually([&] { return Jobs().size() == 2; })) << Names(Jobs()).size();
  Complete(first);
  ASSERT_TRUE(Eventually([&] {
    auto cj = Get("tick");
    const json::array* active = api::FindArray(cj, "status.active");
    return active && active->size() == 1 &&
           api::GetString(active->at(0).as_object(), "name") == second &&
           !api::GetString(cj, "status.lastSuccessfulTime").empty();
  }));
}

TEST_F(CronJobTest, ForbidWaitsForTheRunningJobAndHistoryIsLimited) {
  Create("once", R"({"concurrencyPolicy": "Forbid", "successfulJobsHistoryLimit": 1})");
  SetMinute(first_run_);
  ASSERT_TRUE(Eventually([&] { return Jobs().size() == 1; }));
  std::string first = JobName("once", first_run_);
  // Still running at the next time: nothing new.
  SetMinute(first_run_ + 5);
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(Names(Jobs()), std::vector<std::string>{first});
  // Done: the missed time runs now.
  Complete(first);
  std::string second = JobName("once", first_run_ + 5);
  ASSERT_TRUE(Eventually([&] {
    return Names(Jobs()) == std::vector<std::string>{first, second};
  })) << Names(Jobs()).size();
  // Two finished, one kept: the older goes.
  Complete(second);
  ASSERT_TRUE(Eventually([&] { return Names(Jobs()) == std::vector<std::string>{second}; }))
      << Names(Jobs()).size();
  ASSERT_TRUE(
      Eventually([&] { return !cluster_.Events("CronJob", "once", "SuccessfulDelete").empty(); }));
}

TEST_F(CronJobTest, MissedTimesRunOnceAndSuspendRunsNothing) {
  Create("late", "{}");
  // Three scheduled times passed unseen: only the latest one runs.
  SetMinute(first_run_ + 12);
  ASSERT_TRUE(Eventually([&] { return Jobs().size() == 1; }));
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(Names(Jobs()), std::vector<std::string>{JobName("late", first_run_ + 10)});

  auto r = cluster_.client().Patch(CronJobKind(), "default", "late", client::PatchType::kMerge,
                                   json::parse(R"({"spec":{"suspend":true}})"));
  ASSERT_TRUE(r.ok());
  // Once the controller's (shared) informer has it.
  ASSERT_TRUE(Eventually([&] {
    auto cached = cluster_.informers().For(CronJobKind()).Get("default", "late");
    return cached && api::GetBool(*cached, "spec.suspend");
  }));
  SetMinute(first_run_ + 20);
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(Jobs().size(), 1u);
}

}  // namespace
}  // namespace skiff::controllers
