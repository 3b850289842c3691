#include "core/pluginhost/cni_process.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "tests/network/test_netns.h"

namespace skiff::pluginhost {
namespace {

using skiff::testing::TempDir;
using Kind = CniProcessOutcome::Kind;

std::string WriteScript(const TempDir& dir, const std::string& name, const std::string& body) {
  std::string path = dir.path() + "/" + name;
  std::ofstream(path) << "#!/bin/sh\n" << body;
  chmod(path.c_str(), 0755);
  return path;
}

TEST(CniProcessTest, PassesEnvironmentAndStdin) {
  TempDir tmp;
  CniProcessRequest req;
  req.binary = WriteScript(tmp, "echo", "printf '%s|' \"$CNI_COMMAND\"; cat\n");
  req.env = {"CNI_COMMAND=ADD"};
  req.stdin_data = "{\"x\":1}";
  CniProcessOutcome out = RunCniProcess(req);
  ASSERT_EQ(out.kind, Kind::kExited);
  EXPECT_EQ(out.exit_code, 0);
  EXPECT_EQ(out.stdout_data, "ADD|{\"x\":1}");
}

TEST(CniProcessTest, CapturesExitCodeAndStderr) {
  TempDir tmp;
  CniProcessRequest req;
  req.binary = WriteScript(tmp, "fail", "echo oops >&2; exit 3\n");
  CniProcessOutcome out = RunCniProcess(req);
  ASSERT_EQ(out.kind, Kind::kExited);
  EXPECT_EQ(out.exit_code, 3);
  EXPECT_EQ(out.stderr_data, "oops\n");
}

TEST(CniProcessTest, MissingBinaryIsSpawnFailure) {
  CniProcessRequest req;
  req.binary = "/nonexistent/skiff-cni-plugin";
  CniProcessOutcome out = RunCniProcess(req);
  EXPECT_EQ(out.kind, Kind::kSpawnFailed);
  EXPECT_EQ(out.spawn_errno, ENOENT);
}

TEST(CniProcessTest, HungPluginAndItsChildrenAreKilledAtTheDeadline) {
  TempDir tmp;
  CniProcessRequest req;
  // The grandchild keeps stdout open: the deadline must still hold.
  req.binary = WriteScript(tmp, "hang", "sleep 30 &\nsleep 30\n");
  req.timeout = std::chrono::milliseconds(300);
  auto start = std::chrono::steady_clock::now();
  CniProcessOutcome out = RunCniProcess(req);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(out.kind, Kind::kTimedOut);
  EXPECT_LT(took, std::chrono::seconds(3));
}

TEST(CniProcessTest, PluginClosingStdoutButRunningOnStillTimesOut) {
  TempDir tmp;
  CniProcessRequest req;
  req.binary = WriteScript(tmp, "linger", "exec >&- 2>&-; sleep 30\n");
  req.timeout = std::chrono::milliseconds(300);
  CniProcessOutcome out = RunCniProcess(req);
  EXPECT_EQ(out.kind, Kind::kTimedOut);
}

TEST(CniProcessTest, LargeStdinThatIsNeverReadDoesNotBlock) {
  TempDir tmp;
  CniProcessRequest req;
  req.binary = WriteScript(tmp, "ignore", "echo done\n");
  req.stdin_data.assign(4 << 20, 'x');
  CniProcessOutcome out = RunCniProcess(req);
  ASSERT_EQ(out.kind, Kind::kExited);
  EXPECT_EQ(out.stdout_data, "done\n");
}

TEST(CniProcessTest, KilledBySignal) {
  TempDir tmp;
  CniProcessRequest req;
  req.binary = WriteScript(tmp, "die", "kill -9 $$\n");
  CniProcessOutcome out = RunCniProcess(req);
  ASSERT_EQ(out.kind, Kind::kSignaled);
  EXPECT_EQ(out.signal, 9);
}

}  // namespace
}  // namespace skiff::pluginhost
