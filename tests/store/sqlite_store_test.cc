// What only the durable backend promises: state, revision and history survive a reopen,
// history older than the memory window replays from the file, one process per file.

#include "core/store/sqlite_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "tests/store/test_util.h"

namespace skiff::store {
namespace {

using testing::EventRecorder;
using testing::RevisionsOf;
using testing::TempDir;

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> Open(SqliteStoreOptions options = {}) {
    Result<std::unique_ptr<Store>> store = OpenSqliteStore(path_, options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }
  TempDir dir_;
  std::string path_ = (dir_.path() / "store.db").string();
};

TEST_F(SqliteStoreTest, ReopenKeepsKeysRevisionAndHistory) {
  {
    auto store = Open();
    ASSERT_NE(store, nullptr);
    Revision a = *store->Create("/a", "a1");         // 1
    ASSERT_TRUE(store->Update("/a", "a2", a).ok());  // 2
    ASSERT_TRUE(store->Create("/b", "").ok());       // 3
    ASSERT_TRUE(store->Create("/c", "c1").ok());     // 4
    ASSERT_TRUE(store->Delete("/c", 0).ok());        // 5: the last write is a delete
  }
  auto store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->CurrentRevision(), 5);
  Result<KeyValue> a = store->Get("/a");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->value, "a2");
  EXPECT_EQ(a->create_revision, 1);
  EXPECT_EQ(a->mod_revision, 2);
  EXPECT_EQ(store->Get("/b")->value, "");
  EXPECT_EQ(store->Get("/c").status().code(), Status::Code::kNotFound);
  Result<Revision> d = store->Create("/d", "d1");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(*d, 6) << "revisions continue after a reopen";

  EventRecorder recorder;
  auto handle = store->Watch("/", 1, recorder.Callback());
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  ASSERT_TRUE(recorder.WaitForCount(5));
  std::vector<Event> events = recorder.Events();
  ASSERT_EQ(RevisionsOf(events), (std::vector<Revision>{2, 3, 4, 5, 6}));
  ASSERT_TRUE(events[0].prev);
  EXPECT_EQ(events[0].prev->value, "a1");
  EXPECT_EQ(events[0].prev->mod_revision, 1);
  EXPECT_EQ(events[0].kv.create_revision, 1);
  EXPECT_FALSE(events[1].prev);
  EXPECT_EQ(events[1].kv.value, "");
  EXPECT_EQ(events[3].type, Event::Type::kDelete);
  EXPECT_EQ(events[3].kv.value, "c1");
  EXPECT_EQ(events[3].kv.create_revision, 4);
  ASSERT_TRUE(events[3].prev);
  EXPECT_EQ(events[3].prev->mod_revision, 4);
}

TEST_F(SqliteStoreTest, ReopenKeepsCompaction) {
  {
    auto store = Open();
    for (int i = 0; i < 6; ++i) ASSERT_TRUE(store->Create("/k" + std::to_string(i), "v").ok());
    ASSERT_TRUE(store->Compact(4).ok());
  }
  auto store = Open();
  EXPECT_EQ(store->CompactedRevision(), 4);
  EXPECT_EQ(store->Watch("/", 3, [](const auto&) {}).status().code(), Status::Code::kCompacted);
  EventRecorder recorder;
  auto handle = store->Watch("/", 4, recorder.Callback());
  ASSERT_TRUE(handle.ok());
  ASSERT_TRUE(recorder.WaitForCount(2));
  EXPECT_EQ(RevisionsOf(recorder.Events()), (std::vector<Revision>{5, 6}));
  EXPECT_EQ(store->List("/").items.size(), 6u);
}

// Compaction folds history into the stored snapshot; state, revision and the prev of later
// events (whose previous state was folded) must survive reopening.
TEST_F(SqliteStoreTest, ReopenAfterCompactionRebuildsStateAndPrev) {
  {
    auto store = Open();
    ASSERT_TRUE(store->Create("/a", "a1").ok());     // 1
    ASSERT_TRUE(store->Create("/b", "b1").ok());     // 2
    ASSERT_TRUE(store->Update("/a", "a3", 1).ok());  // 3
    ASSERT_TRUE(store->Delete("/b", 2).ok());        // 4
    ASSERT_TRUE(store->Create("/c", "c5").ok());     // 5
    ASSERT_TRUE(store->Compact(4).ok());
    ASSERT_TRUE(store->Update("/a", "a6", 3).ok());  // 6: prev folded into the snapshot
    ASSERT_TRUE(store->Delete("/c", 5).ok());        // 7: prev still in history
  }
  SqliteStoreOptions tiny;
  tiny.memory_history_events = 1;
  {
    auto store = Open(tiny);
    EXPECT_EQ(store->CurrentRevision(), 7);
    EXPECT_EQ(store->CompactedRevision(), 4);
    Result<KeyValue> a = store->Get("/a");
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->value, "a6");
    EXPECT_EQ(a->create_revision, 1);
    EXPECT_EQ(a->mod_revision, 6);
    EXPECT_EQ(store->Get("/b").status().code(), Status::Code::kNotFound);
    EXPECT_EQ(store->Get("/c").status().code(), Status::Code::kNotFound);

    EventRecorder recorder;
    auto handle = store->Watch("/", 4, recorder.Callback());
    ASSERT_TRUE(handle.ok()) << handle.status().ToString();
    ASSERT_TRUE(recorder.WaitForCount(3));
    std::vector<Event> events = recorder.Events();
    ASSERT_EQ(RevisionsOf(events), (std::vector<Revision>{5, 6, 7}));
    ASSERT_TRUE(events[1].prev);
    EXPECT_EQ(events[1].prev->value, "a3");
    EXPECT_EQ(events[1].prev->mod_revision, 3);
    EXPECT_EQ(events[1].prev->create_revision, 1);
    EXPECT_EQ(events[2].type, Event::Type::kDelete);
    EXPECT_EQ(events[2].kv.value, "c5");
    ASSERT_TRUE(events[2].prev);
    EXPECT_EQ(events[2].prev->value, "c5");
    handle->reset();
    ASSERT_TRUE(store->Compact(7).ok()) << "compacting everything leaves an empty history";
  }
  auto store = Open(tiny);
  EXPECT_EQ(store->CurrentRevision(), 7) << "the revision survives an empty history";
  EXPECT_EQ(store->List("/").items.size(), 1u);
  EXPECT_EQ(*store->Create("/d", "d8"), 8);
}

TEST_F(SqliteStoreTest, ReplaysHistoryOlderThanTheMemoryWindowFromTheFile) {
  SqliteStoreOptions options;
  options.memory_history_events = 4;
  auto store = Open(options);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(store->Create("/k" + std::to_string(i), "v").ok());
  EventRecorder recorder;
  auto handle = store->Watch("/", 2, recorder.Callback());
  ASSERT_TRUE(handle.ok());
  ASSERT_TRUE(recorder.WaitForCount(18));
  std::vector<Revision> expected;
  for (Revision r = 3; r <= 20; ++r) expected.push_back(r);
  EXPECT_EQ(RevisionsOf(recorder.Events()), expected);
}

// Watches join while writers run and the memory window is tiny, so registration keeps
// racing the window; each must still see a consecutive run of revisions.
TEST_F(SqliteStoreTest, WatchesJoiningDuringWritesWithTinyWindowMissNothing) {
  SqliteStoreOptions options;
  options.memory_history_events = 2;
  auto store = Open(options);
  constexpr int kWriters = 6;
  constexpr int kWritesEach = 40;
  constexpr Revision kTotal = kWriters * kWritesEach;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&store, w] {
      for (int i = 0; i < kWritesEach; ++i) {
        ASSERT_TRUE(store->Create("/w" + std::to_string(w) + "/" + std::to_string(i), "v").ok());
      }
    });
  }
  std::vector<std::unique_ptr<EventRecorder>> recorders;
  std::vector<Revision> afters;
  std::vector<std::unique_ptr<WatchHandle>> handles;
  while (store->CurrentRevision() < kTotal && recorders.size() < 20) {
    recorders.push_back(std::make_unique<EventRecorder>());
    // Not 0, which would mean "from now".
    afters.push_back(std::max<Revision>(1, store->CurrentRevision() / 3));
    auto handle = store->Watch("", afters.back(), recorders.back()->Callback());
    ASSERT_TRUE(handle.ok());
    handles.push_back(std::move(handle).value());
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (std::thread& writer : writers) writer.join();
  ASSERT_FALSE(recorders.empty());
  for (std::size_t i = 0; i < recorders.size(); ++i) {
    EXPECT_TRUE(recorders[i]->WaitForCount(kTotal - afters[i]));
    std::vector<Revision> expected;
    for (Revision r = afters[i] + 1; r <= kTotal; ++r) expected.push_back(r);
    EXPECT_EQ(RevisionsOf(recorders[i]->Events()), expected) << "watch " << i;
  }
}

TEST_F(SqliteStoreTest, SecondOpenOfTheSameFileFails) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  Result<std::unique_ptr<Store>> second = OpenSqliteStore(path_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kUnavailable);
  store.reset();
  EXPECT_TRUE(OpenSqliteStore(path_).ok()) << "the lock goes with the store";
}

TEST_F(SqliteStoreTest, OpenFailsCleanlyOnAnUnusablePath) {
  Result<std::unique_ptr<Store>> store = OpenSqliteStore((dir_.path() / "no/such/dir").string());
  EXPECT_FALSE(store.ok());
}

}  // namespace
}  // namespace skiff::store
