// Runtime cases, modelled on the CRI validation suite (critest): lifecycles, idempotency,
// filters, images, exec, logs and concurrency.

#include <algorithm>
#include <filesystem>
#include <set>
#include <thread>

#include "case_support.h"
#include "runtime_context.h"

namespace skiff::conformance {
namespace {

using internal::RuntimeContext;
using sdk::ContainerState;
using sdk::PodSandboxState;
using sdk::StatusCode;

constexpr char kUnknownId[] = "0000000000000000000000000000000000000000000000000000000000000000";

template <typename T>
bool ContainsId(const std::vector<T>& items, const std::string& id) {
  return std::any_of(items.begin(), items.end(), [&](const T& item) { return item.id == id; });
}

void Version(RuntimeContext& c) {
  auto version = c.runtime().Version("v1");
  SKIFF_REQUIRE_OK(version, "Version(\"v1\")");
  SKIFF_EXPECT(!version->runtime_name.empty(), "Version: runtime_name is empty");
  SKIFF_EXPECT(!version->runtime_api_version.empty(), "Version: runtime_api_version is empty");
}

void StatusReportsRuntimeReady(RuntimeContext& c) {
  auto status = c.runtime().GetStatus();
  SKIFF_REQUIRE_OK(status, "Status");
  auto& conditions = status->conditions;
  auto ready = std::find_if(conditions.begin(), conditions.end(),
                            [](const auto& cond) { return cond.type == sdk::kRuntimeReady; });
  SKIFF_REQUIRE(ready != conditions.end(), "Status has no RuntimeReady condition");
  SKIFF_EXPECT(ready->status, "RuntimeReady is false: " << ready->reason << " " << ready->message);
}

void SandboxLifecycle(RuntimeContext& c) {
  auto config = c.SandboxConfig("lifecycle");
  config.annotations["skiff.dev/note"] = "kept";
  auto id = c.RunSandbox(config);
  SKIFF_REQUIRE_OK(id, "RunPodSandbox");
  SKIFF_REQUIRE(!id->empty(), "RunPodSandbox returned an empty id");

  auto status = c.runtime().GetPodSandboxStatus(*id);
  SKIFF_REQUIRE_OK(status, "PodSandboxStatus of a running sandbox");
  SKIFF_EXPECT(status->id == *id, "PodSandboxStatus: id " << status->id << ", want " << *id);
  SKIFF_EXPECT(status->state == PodSandboxState::kReady, "a new sandbox must be SANDBOX_READY");
  SKIFF_EXPECT(status->created_at > 0, "PodSandboxStatus: created_at is not set");
  SKIFF_EXPECT(status->metadata.name == config.metadata.name &&
                   status->metadata.uid == config.metadata.uid &&
                   status->metadata.namespace_ == config.metadata.namespace_,
               "PodSandboxStatus: metadata differs from the config");
  SKIFF_EXPECT(status->labels == config.labels, "PodSandboxStatus: labels differ from the config");
  SKIFF_EXPECT(status->annotations == config.annotations,
               "PodSandboxStatus: annotations differ from the config");

  auto listed = c.runtime().ListPodSandbox(c.SandboxFilter());
  SKIFF_REQUIRE_OK(listed, "ListPodSandbox");
  SKIFF_EXPECT(ContainsId(*listed, *id), "ListPodSandbox does not show the new sandbox");

  SKIFF_REQUIRE_OK(c.runtime().StopPodSandbox(*id), "StopPodSandbox");
  status = c.runtime().GetPodSandboxStatus(*id);
  SKIFF_REQUIRE_OK(status, "PodSandboxStatus of a stopped sandbox");
  SKIFF_EXPECT(status->state == PodSandboxState::kNotReady,
               "a stopped sandbox must be SANDBOX_NOTREADY");

  SKIFF_REQUIRE_OK(c.runtime().RemovePodSandbox(*id), "RemovePodSandbox");
  SKIFF_EXPECT_CODE(c.runtime().GetPodSandboxStatus(*id), StatusCode::kNotFound,
                    "PodSandboxStatus of a removed sandbox");
  listed = c.runtime().ListPodSandbox(c.SandboxFilter());
  SKIFF_REQUIRE_OK(listed, "ListPodSandbox");
  SKIFF_EXPECT(!ContainsId(*listed, *id), "ListPodSandbox still shows a removed sandbox");
}

void SandboxStopRemoveAreIdempotent(RuntimeContext& c) {
  auto id = c.RunSandbox(c.SandboxConfig("idempotent"));
  SKIFF_REQUIRE_OK(id, "RunPodSandbox");
  SKIFF_EXPECT_OK(c.runtime().StopPodSandbox(*id), "StopPodSandbox");
  SKIFF_EXPECT_OK(c.runtime().StopPodSandbox(*id), "StopPodSandbox of a stopped sandbox");
  SKIFF_EXPECT_OK(c.runtime().RemovePodSandbox(*id), "RemovePodSandbox");
  SKIFF_EXPECT_OK(c.runtime().RemovePodSandbox(*id), "RemovePodSandbox of a removed sandbox");
}

void StopRemoveUnknownIdsSucceed(RuntimeContext& c) {
  SKIFF_EXPECT_OK(c.runtime().StopPodSandbox(kUnknownId),
                  "StopPodSandbox of an unknown id must succeed (CRI idempotency)");
  SKIFF_EXPECT_OK(c.runtime().RemovePodSandbox(kUnknownId),
                  "RemovePodSandbox of an unknown id must succeed (CRI idempotency)");
  SKIFF_EXPECT_OK(c.runtime().StopContainer(kUnknownId, std::chrono::seconds(1)),
                  "StopContainer of an unknown id must succeed (CRI idempotency)");
  SKIFF_EXPECT_OK(c.runtime().RemoveContainer(kUnknownId),
                  "RemoveContainer of an unknown id must succeed (CRI idempotency)");
  SKIFF_EXPECT_OK(c.runtime().RemoveImage({"docker.io/library/skiff-never-pulled:0", {}}),
                  "RemoveImage of an unknown image must succeed");
}

void StatusOfUnknownIdsIsNotFound(RuntimeContext& c) {
  SKIFF_EXPECT_CODE(c.runtime().GetPodSandboxStatus(kUnknownId), StatusCode::kNotFound,
                    "PodSandboxStatus of an unknown id");
  SKIFF_EXPECT_CODE(c.runtime().GetContainerStatus(kUnknownId), StatusCode::kNotFound,
                    "ContainerStatus of an unknown id");
  auto image = c.runtime().ImageStatus({"docker.io/library/skiff-never-pulled:0", {}});
  SKIFF_REQUIRE_OK(image, "ImageStatus of an unknown image must succeed");
  SKIFF_EXPECT(!image->has_value(), "ImageStatus of an unknown image must return no image");
}

void ContainerLifecycle(RuntimeContext& c) {
  std::string sandbox, id;
  SKIFF_REQUIRE_OK(c.RunContainer("lifecycle", false, sandbox, id), "create a container");
  auto status = c.runtime().GetContainerStatus(id);
  SKIFF_REQUIRE_OK(status, "ContainerStatus of a created container");
  SKIFF_EXPECT(status->state == ContainerState::kCreated, "a new container must be CREATED");
  SKIFF_EXPECT(status->created_at > 0, "ContainerStatus: created_at is not set");
  SKIFF_EXPECT(status->started_at == 0, "a created container must have no started_at");
  SKIFF_EXPECT(status->metadata.name == "lifecycle", "ContainerStatus: metadata.name differs");

  SKIFF_REQUIRE_OK(c.runtime().StartContainer(id), "StartContainer");
  status = c.runtime().GetContainerStatus(id);
  SKIFF_REQUIRE_OK(status, "ContainerStatus of a started container");
  SKIFF_EXPECT(status->state == ContainerState::kRunning, "a started container must be RUNNING");
  SKIFF_EXPECT(status->started_at >= status->created_at, "started_at " << status->started_at
                                                                       << " is before created_at "
                                                                       << status->created_at);

  SKIFF_REQUIRE_OK(c.runtime().StopContainer(id, std::chrono::seconds(5)), "StopContainer");
  status = c.runtime().GetContainerStatus(id);
  SKIFF_REQUIRE_OK(status, "ContainerStatus of a stopped container");
  SKIFF_EXPECT(status->state == ContainerState::kExited, "a stopped container must be EXITED");
  SKIFF_EXPECT(status->finished_at >= status->started_at, "finished_at " << status->finished_at
                                                                         << " is before started_at "
                                                                         << status->started_at);

  SKIFF_REQUIRE_OK(c.runtime().RemoveContainer(id), "RemoveContainer");
  SKIFF_EXPECT_CODE(c.runtime().GetContainerStatus(id), StatusCode::kNotFound,
                    "ContainerStatus of a removed container");
}

void ContainerStopRemoveAreIdempotent(RuntimeContext& c) {
  std::string sandbox, id;
  SKIFF_REQUIRE_OK(c.RunContainer("idempotent", true, sandbox, id), "run a container");
  SKIFF_EXPECT_OK(c.runtime().StopContainer(id, std::chrono::seconds(5)), "StopContainer");
  SKIFF_EXPECT_OK(c.runtime().StopContainer(id, std::chrono::seconds(5)),
                  "StopContainer of a stopped container");
  SKIFF_EXPECT_OK(c.runtime().RemoveContainer(id), "RemoveContainer");
  SKIFF_EXPECT_OK(c.runtime().RemoveContainer(id), "RemoveContainer of a removed container");
}

void CreateInUnknownSandboxFails(RuntimeContext& c) {
  auto sandbox_config = c.SandboxConfig("orphan-pod");
  auto id = c.runtime().CreateContainer(kUnknownId, c.ContainerConfig("orphan"), sandbox_config);
  SKIFF_EXPECT(!id.ok(), "CreateContainer in an unknown sandbox must fail");
  if (id.ok()) (void)c.runtime().RemoveContainer(*id);
}

void ListPodSandboxFilters(RuntimeContext& c) {
  auto a_config = c.SandboxConfig("filter-a");
  a_config.labels["group"] = "a";
  auto b_config = c.SandboxConfig("filter-b");
  b_config.labels["group"] = "b";
  auto a = c.RunSandbox(a_config);
  SKIFF_REQUIRE_OK(a, "RunPodSandbox a");
  auto b = c.RunSandbox(b_config);
  SKIFF_REQUIRE_OK(b, "RunPodSandbox b");
  SKIFF_REQUIRE_OK(c.runtime().StopPodSandbox(*b), "StopPodSandbox b");

  auto filter = c.SandboxFilter();
  filter.id = *a;
  auto listed = c.runtime().ListPodSandbox(filter);
  SKIFF_REQUIRE_OK(listed, "ListPodSandbox by id");
  SKIFF_EXPECT(listed->size() == 1 && ContainsId(*listed, *a),
               "ListPodSandbox by id returned " << listed->size() << " sandboxes, want only it");

  filter = c.SandboxFilter();
  filter.state = PodSandboxState::kReady;
  listed = c.runtime().ListPodSandbox(filter);
  SKIFF_REQUIRE_OK(listed, "ListPodSandbox by state");
  SKIFF_EXPECT(listed->size() == 1 && ContainsId(*listed, *a),
               "ListPodSandbox by state READY returned " << listed->size()
                                                         << " sandboxes, want the ready one");

  filter = c.SandboxFilter();
  filter.label_selector["group"] = "b";
  listed = c.runtime().ListPodSandbox(filter);
  SKIFF_REQUIRE_OK(listed, "ListPodSandbox by label");
  SKIFF_EXPECT(
      listed->size() == 1 && ContainsId(*listed, *b),
      "ListPodSandbox by label group=b returned " << listed->size() << " sandboxes, want 1");
  filter.label_selector["group"] = "none";
  listed = c.runtime().ListPodSandbox(filter);
  SKIFF_REQUIRE_OK(listed, "ListPodSandbox by label");
  SKIFF_EXPECT(listed->empty(), "ListPodSandbox by an unmatched label returned "
                                    << listed->size() << " sandboxes, want 0");
}

void ListContainersFilters(RuntimeContext& c) {
  std::string sandbox_a, a, sandbox_b, b;
  SKIFF_REQUIRE_OK(c.RunContainer("filter-a", true, sandbox_a, a), "run container a");
  SKIFF_REQUIRE_OK(c.RunContainer("filter-b", false, sandbox_b, b), "create container b");

  auto filter = c.ContainerFilter();
  filter.id = a;
  auto listed = c.runtime().ListContainers(filter);
  SKIFF_REQUIRE_OK(listed, "ListContainers by id");
  SKIFF_EXPECT(listed->size() == 1 && ContainsId(*listed, a),
               "ListContainers by id returned " << listed->size() << " containers, want only it");

  filter = c.ContainerFilter();
  filter.state = ContainerState::kRunning;
  listed = c.runtime().ListContainers(filter);
  SKIFF_REQUIRE_OK(listed, "ListContainers by state");
  SKIFF_EXPECT(listed->size() == 1 && ContainsId(*listed, a),
               "ListContainers by state RUNNING returned " << listed->size()
                                                           << " containers, want the running one");

  filter = c.ContainerFilter();
  filter.pod_sandbox_id = sandbox_b;
  listed = c.runtime().ListContainers(filter);
  SKIFF_REQUIRE_OK(listed, "ListContainers by sandbox");
  SKIFF_EXPECT(
      listed->size() == 1 && ContainsId(*listed, b),
      "ListContainers by pod_sandbox_id returned " << listed->size() << " containers, want 1");

  filter = c.ContainerFilter();
  filter.label_selector["group"] = "none";
  listed = c.runtime().ListContainers(filter);
  SKIFF_REQUIRE_OK(listed, "ListContainers by label");
  SKIFF_EXPECT(listed->empty(), "ListContainers by an unmatched label returned "
                                    << listed->size() << " containers, want 0");
}

void ImageLifecycle(RuntimeContext& c) {
  sdk::ImageSpec spec{c.options().image, {}};
  auto ref = c.runtime().PullImage(spec, {}, c.SandboxConfig("image-pod"));
  SKIFF_REQUIRE_OK(ref, "PullImage " << spec.image);
  SKIFF_EXPECT(!ref->empty(), "PullImage returned an empty image_ref");

  auto image = c.runtime().ImageStatus(spec);
  SKIFF_REQUIRE_OK(image, "ImageStatus of a pulled image");
  SKIFF_REQUIRE(image->has_value(), "ImageStatus of a pulled image returned no image");
  SKIFF_EXPECT(!(*image)->id.empty(), "ImageStatus: id is empty");
  SKIFF_EXPECT(!(*image)->repo_tags.empty(), "ImageStatus: repo_tags is empty");

  auto listed = c.runtime().ListImages({});
  SKIFF_REQUIRE_OK(listed, "ListImages");
  SKIFF_EXPECT(ContainsId(*listed, (*image)->id), "ListImages does not show the pulled image");

  SKIFF_REQUIRE_OK(c.runtime().RemoveImage(spec), "RemoveImage");
  image = c.runtime().ImageStatus(spec);
  SKIFF_REQUIRE_OK(image, "ImageStatus of a removed image");
  SKIFF_EXPECT(!image->has_value(), "ImageStatus still finds a removed image");
}

void ExecSync(RuntimeContext& c) {
  std::string sandbox, id;
  SKIFF_REQUIRE_OK(c.RunContainer("exec", true, sandbox, id), "run a container");
  auto result = c.runtime().ExecSync(id, {"echo", "hello"}, std::chrono::seconds(10));
  SKIFF_REQUIRE_OK(result, "ExecSync echo hello");
  SKIFF_EXPECT(result->exit_code == 0, "echo exited " << result->exit_code);
  SKIFF_EXPECT(result->stdout == "hello\n", "echo hello printed \"" << result->stdout << "\"");

  result = c.runtime().ExecSync(id, {"false"}, std::chrono::seconds(10));
  SKIFF_REQUIRE_OK(result, "ExecSync false");
  SKIFF_EXPECT(result->exit_code != 0, "false exited 0; the exit code must be passed through");
}

void ExecInStoppedContainerFails(RuntimeContext& c) {
  std::string sandbox, id;
  SKIFF_REQUIRE_OK(c.RunContainer("exec-stopped", true, sandbox, id), "run a container");
  SKIFF_REQUIRE_OK(c.runtime().StopContainer(id, std::chrono::seconds(5)), "StopContainer");
  auto result = c.runtime().ExecSync(id, {"echo", "hello"}, std::chrono::seconds(10));
  SKIFF_EXPECT(!result.ok(), "ExecSync in an exited container must fail");
}

void ContainerLogPath(RuntimeContext& c) {
  std::string sandbox, id;
  SKIFF_REQUIRE_OK(c.RunContainer("logs", true, sandbox, id), "run a container");
  auto status = c.runtime().GetContainerStatus(id);
  SKIFF_REQUIRE_OK(status, "ContainerStatus");
  auto sandbox_status = c.runtime().GetPodSandboxStatus(sandbox);
  SKIFF_REQUIRE_OK(sandbox_status, "PodSandboxStatus");
  SKIFF_EXPECT(std::filesystem::path(status->log_path).filename() == "0.log",
               "ContainerStatus: log_path \"" << status->log_path
                                              << "\" does not end in the configured logs/0.log");
  SKIFF_EXPECT(std::filesystem::exists(status->log_path),
               "the log file " << status->log_path << " does not exist after start");
}

void ConcurrentSandboxes(RuntimeContext& c) {
  constexpr int kCount = 50;
  std::vector<sdk::Result<std::string>> ids(kCount, sdk::Status::Unavailable("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kCount; ++i) {
    threads.emplace_back([&c, &ids, i] {
      ids[i] = c.RunSandbox(c.SandboxConfig("concurrent-" + std::to_string(i)));
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> unique;
  for (int i = 0; i < kCount; ++i) {
    SKIFF_REQUIRE_OK(ids[i], "concurrent RunPodSandbox #" << i);
    unique.insert(*ids[i]);
  }
  SKIFF_EXPECT(unique.size() == kCount,
               kCount << " concurrent sandboxes got only " << unique.size() << " distinct ids");
  auto listed = c.runtime().ListPodSandbox(c.SandboxFilter());
  SKIFF_REQUIRE_OK(listed, "ListPodSandbox");
  SKIFF_EXPECT(listed->size() == kCount,
               "ListPodSandbox shows " << listed->size() << " of " << kCount << " sandboxes");

  threads.clear();
  std::vector<sdk::Status> removed(kCount);
  for (int i = 0; i < kCount; ++i) {
    threads.emplace_back([&c, &ids, &removed, i] {
      removed[i] = c.runtime().StopPodSandbox(*ids[i]);
      if (removed[i].ok()) removed[i] = c.runtime().RemovePodSandbox(*ids[i]);
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kCount; ++i) {
    SKIFF_EXPECT_OK(removed[i], "concurrent stop+remove of sandbox #" << i);
  }
  listed = c.runtime().ListPodSandbox(c.SandboxFilter());
  SKIFF_REQUIRE_OK(listed, "ListPodSandbox");
  SKIFF_EXPECT(listed->empty(),
               "ListPodSandbox shows " << listed->size() << " sandboxes after removing all");
}

const std::vector<internal::Case<RuntimeContext>>& RuntimeCases() {
  static const std::vector<internal::Case<RuntimeContext>> cases = {
      {"Version", &Version},
      {"StatusReportsRuntimeReady", &StatusReportsRuntimeReady},
      {"SandboxLifecycle", &SandboxLifecycle},
      {"SandboxStopRemoveAreIdempotent", &SandboxStopRemoveAreIdempotent},
      {"StopRemoveUnknownIdsSucceed", &StopRemoveUnknownIdsSucceed},
      {"StatusOfUnknownIdsIsNotFound", &StatusOfUnknownIdsIsNotFound},
      {"ContainerLifecycle", &ContainerLifecycle},
      {"ContainerStopRemoveAreIdempotent", &ContainerStopRemoveAreIdempotent},
      {"CreateInUnknownSandboxFails", &CreateInUnknownSandboxFails},
      {"ListPodSandboxFilters", &ListPodSandboxFilters},
      {"ListContainersFilters", &ListContainersFilters},
      {"ImageLifecycle", &ImageLifecycle},
      {"ExecSync", &ExecSync},
      {"ExecInStoppedContainerFails", &ExecInStoppedContainerFails},
      {"ContainerLogPath", &ContainerLogPath},
      {"ConcurrentSandboxes", &ConcurrentSandboxes},
  };
  return cases;
}

}  // namespace

void RegisterRuntimeSuite(RuntimeFactory factory, RuntimeSuiteOptions options,
                          const std::string& label) {
  internal::RegisterCases(internal::SuiteName("RuntimeConformance", label), RuntimeCases(),
                          std::move(factory), std::move(options));
}

}  // namespace skiff::conformance
