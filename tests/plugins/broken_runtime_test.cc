// The conformance runner against a plugin that is broken on purpose: the report must name the
// broken cases with readable reasons and the run must fail.
#include <gtest/gtest.h>
#include <stdio.h>
#include <sys/wait.h>

#include <regex>
#include <string>

namespace {

struct RunnerOutput {
  std::string output;
  int exit_code = -1;
};

RunnerOutput RunConformance(const std::string& args) {
  RunnerOutput run;
  FILE* pipe = popen((std::string(SKIFF_CONFORMANCE) + " " + args + " 2>&1").c_str(), "r");
  if (!pipe) return run;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof(buffer), pipe)) > 0;) run.output.append(buffer, n);
  int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

bool HasLine(const std::string& output, const std::string& line_start) {
  return output.find("\n" + line_start) != std::string::npos || output.rfind(line_start, 0) == 0;
}

TEST(BrokenRuntime, ConformanceReportsEachBrokenRule) {
  RunnerOutput run = RunConformance(std::string("--runtime ") + SKIFF_BROKEN_RUNTIME_PLUGIN);
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_TRUE(HasLine(run.output,
                      "FAIL  RuntimeConformance.StopRemoveUnknownIdsSucceed: RemoveContainer of "
                      "an unknown id must succeed (CRI idempotency): NotFound: container "))
      << run.output;
  EXPECT_TRUE(HasLine(run.output,
                      "FAIL  RuntimeConformance.ListPodSandboxFilters: ListPodSandbox by label "
                      "group=b returned 2 sandboxes, want 1"))
      << run.output;
  EXPECT_TRUE(HasLine(run.output, "PASS  RuntimeConformance.SandboxLifecycle")) << run.output;
  std::smatch summary;
  ASSERT_TRUE(std::regex_search(run.output, summary, std::regex(R"((\d+) passed, (\d+) failed)")))
      << run.output;
  EXPECT_GE(std::stoi(summary[2]), 2);
}

TEST(BrokenRuntime, ReferencePluginPassesTheSameRun) {
  RunnerOutput run = RunConformance(std::string("--runtime ") + SKIFF_MOCK_RUNTIME_PLUGIN);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(std::regex_search(run.output, std::regex(R"(\n\d+ passed, 0 failed\n)")))
      << run.output;
}

TEST(ConformanceRunner, ExplainsAPluginThatDoesNotLoad) {
  RunnerOutput run = RunConformance("--storage /nonexistent/libx.so");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("plugin library /nonexistent/libx.so: no such file"), std::string::npos)
      << run.output;
  run = RunConformance("--bogus");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("usage:"), std::string::npos) << run.output;
}

}  // namespace
