#include "report_printer.h"

#include <string>

namespace skiff::conformance::internal {
namespace {

// GoogleTest prefixes "Failed\n" and may span lines; the report wants one line.
std::string OneLine(std::string message) {
  constexpr std::string_view kFailed = "Failed\n";
  if (message.rfind(kFailed, 0) == 0) message.erase(0, kFailed.size());
  while (!message.empty() && message.back() == '\n') message.pop_back();
  for (char& ch : message) {
    if (ch == '\n') ch = ' ';
  }
  return message;
}

std::string Messages(const testing::TestResult& result, bool skipped) {
  std::string joined;
  for (int i = 0; i < result.total_part_count(); ++i) {
    const testing::TestPartResult& part = result.GetTestPartResult(i);
    if (skipped ? !part.skipped() : !part.failed()) continue;
    std::string message = OneLine(part.message());
    if (message.empty()) continue;
    joined += (joined.empty() ? "" : "; ") + message;
  }
  return joined;
}

}  // namespace

void ReportPrinter::OnTestEnd(const testing::TestInfo& info) {
  const testing::TestResult& result = *info.result();
  std::string name = std::string(info.test_suite_name()) + "." + info.name();
  if (result.Skipped()) {
    ++skipped_;
    out_ << "SKIP  " << name << ": " << Messages(result, true) << std::endl;
  } else if (result.Failed()) {
    ++failed_;
    out_ << "FAIL  " << name << ": " << Messages(result, false) << std::endl;
  } else {
    ++passed_;
    out_ << "PASS  " << name << std::endl;
  }
}

void ReportPrinter::OnTestProgramEnd(const testing::UnitTest&) {
  out_ << passed_ << " passed, " << failed_ << " failed";
  if (skipped_ > 0) out_ << ", " << skipped_ << " skipped";
  out_ << std::endl;
}

}  // namespace skiff::conformance::internal
