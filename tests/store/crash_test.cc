// kill -9 in the middle of a burst of concurrent writes must lose no acknowledged write.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/store/sqlite_store.h"
#include "tests/store/test_util.h"

namespace skiff::store {
namespace {

constexpr int kWriters = 8;
constexpr std::size_t kAcksBeforeKill = 300;

// Runs in the forked child: writes until killed, reporting each acknowledged write on
// `ack_fd` as one "key revision" line (a pipe write below PIPE_BUF is atomic).
[[noreturn]] void WriteUntilKilled(const std::string& path, int ack_fd) {
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(path);
  if (!store.ok()) _exit(2);
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      std::string value(256, static_cast<char>('a' + w));
      for (int i = 0; i < 1000000; ++i) {
        std::string key = "/crash/" + std::to_string(w) + "/" + std::to_string(i);
        Result<Revision> revision = (*store)->Create(key, value);
        if (!revision.ok()) _exit(3);
        std::string line = key + " " + std::to_string(*revision) + "\n";
        if (write(ack_fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
          _exit(4);
        }
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  _exit(0);
}

TEST(SqliteCrashTest, KillDuringConcurrentWritesLosesNoAcknowledgedWrite) {
  testing::TempDir dir;
  std::string path = (dir.path() / "store.db").string();
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    WriteUntilKilled(path, fds[1]);
  }
  close(fds[1]);

  std::string acks;
  std::size_t lines = 0;
  bool killed = false;
  char buffer[4096];
  while (true) {
    ssize_t n = read(fds[0], buffer, sizeof(buffer));
    if (n <= 0) break;  // EOF: the child is gone and every ack it wrote is read
    acks.append(buffer, static_cast<std::size_t>(n));
    for (ssize_t i = 0; i < n; ++i) lines += buffer[i] == '\n';
    if (!killed && lines >= kAcksBeforeKill) {
      ASSERT_EQ(kill(child, SIGKILL), 0);
      killed = true;
    }
  }
  close(fds[0]);
  int wait_status = 0;
  ASSERT_EQ(waitpid(child, &wait_status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(wait_status)) << "child exited early with " << wait_status;
  ASSERT_EQ(WTERMSIG(wait_status), SIGKILL);

  std::map<std::string, Revision> acknowledged;
  std::istringstream stream(acks);
  std::string key;
  Revision revision = 0;
  Revision max_revision = 0;
  while (stream >> key >> revision) {
    acknowledged[key] = revision;
    max_revision = std::max(max_revision, revision);
  }
  ASSERT_GE(acknowledged.size(), kAcksBeforeKill);

  Result<std::unique_ptr<Store>> reopened = OpenSqliteStore(path);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  Store& store = **reopened;
  EXPECT_GE(store.CurrentRevision(), max_revision);
  std::size_t missing = 0;
  for (const auto& [acked_key, acked_revision] : acknowledged) {
    Result<KeyValue> kv = store.Get(acked_key);
    if (!kv.ok() || kv->mod_revision != acked_revision || kv->value.size() != 256) ++missing;
  }
  EXPECT_EQ(missing, 0u) << "of " << acknowledged.size() << " acknowledged writes";
  // Revisions stay consecutive across the crash: the next write follows the last durable one.
  Revision before = store.CurrentRevision();
  Result<Revision> next = store.Create("/after-crash", "v");
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(*next, before + 1);
  EXPECT_EQ(store.List("/crash/").items.size(), static_cast<std::size_t>(before));
}

}  // namespace
}  // namespace skiff::store
