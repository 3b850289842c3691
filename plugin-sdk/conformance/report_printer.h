#pragma once

// The runner's report: one line per case and a summary, on stdout.
//   PASS  RuntimeConformance.SandboxLifecycle
//   FAIL  RuntimeConformance.ListPodSandboxFilters: <message>; <message>
//   SKIP  StorageConformance.PublishUnpublish: <reason>
//   15 passed, 1 failed

#include <gtest/gtest.h>

#include <ostream>

namespace skiff::conformance::internal {

class ReportPrinter : public testing::EmptyTestEventListener {
 public:
  explicit ReportPrinter(std::ostream& out) : out_(out) {}

  void OnTestEnd(const testing::TestInfo& info) override;
  void OnTestProgramEnd(const testing::UnitTest& unit) override;

 private:
  std::ostream& out_;
  int passed_ = 0;
  int failed_ = 0;
  int skipped_ = 0;
};

}  // namespace skiff::conformance::internal
