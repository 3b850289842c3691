// Watches: replay, live events, ordering under concurrency, cancellation, compaction; the
// same cases against every backend.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "core/store/store.h"
#include "tests/store/test_util.h"

namespace skiff::store {
namespace {

using namespace std::chrono_literals;
using testing::BackendNames;
using testing::Backends;
using testing::EventRecorder;
using testing::RevisionsOf;

template <typename Backend>
class WatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = backend_.Open();
    ASSERT_NE(store_, nullptr);
  }
  std::unique_ptr<WatchHandle> MustWatch(std::string_view prefix, Revision after,
                                         WatchCallback callback) {
    Result<std::unique_ptr<WatchHandle>> handle = store_->Watch(prefix, after, std::move(callback));
    EXPECT_TRUE(handle.ok()) << handle.status().ToString();
    return handle.ok() ? std::move(handle).value() : nullptr;
  }
  Backend backend_;
  std::unique_ptr<Store> store_;
};

TYPED_TEST_SUITE(WatchTest, Backends, BackendNames);

std::vector<Revision> Range(Revision first, Revision last) {
  std::vector<Revision> revisions(static_cast<std::size_t>(last - first + 1));
  std::iota(revisions.begin(), revisions.end(), first);
  return revisions;
}

TYPED_TEST(WatchTest, ReplaysFromRevisionExactlyOnceInOrderThenGoesLive) {
  Store& store = *this->store_;
  Revision a = *store.Create("/w/a", "a1");         // 1
  ASSERT_TRUE(store.Create("/other/x", "x").ok());  // 2
  Revision a2 = *store.Update("/w/a", "a2", a);     // 3
  ASSERT_TRUE(store.Create("/w/b", "b1").ok());     // 4
  ASSERT_TRUE(store.Delete("/w/a", a2).ok());       // 5

  EventRecorder recorder;
  auto handle = this->MustWatch("/w/", 2, recorder.Callback());
  ASSERT_TRUE(recorder.WaitForCount(3));
  ASSERT_TRUE(store.Create("/w/c", "c1").ok());  // 6
  ASSERT_TRUE(store.Create("/other/y", "y").ok());
  ASSERT_TRUE(recorder.WaitForCount(4));
  std::this_thread::sleep_for(50ms);  // give a duplicate the chance to show up

  std::vector<Event> events = recorder.Events();
  ASSERT_EQ(RevisionsOf(events), (std::vector<Revision>{3, 4, 5, 6}));
  EXPECT_EQ(events[0].type, Event::Type::kPut);
  EXPECT_EQ(events[0].kv.value, "a2");
  EXPECT_EQ(events[0].kv.create_revision, 1);
  ASSERT_TRUE(events[0].prev.has_value());
  EXPECT_EQ(events[0].prev->value, "a1");
  EXPECT_EQ(events[0].prev->mod_revision, 1);
  EXPECT_FALSE(events[1].prev.has_value()) << "a create has no prev";
  EXPECT_EQ(events[2].type, Event::Type::kDelete);
  EXPECT_EQ(events[2].kv.key, "/w/a");
  EXPECT_EQ(events[2].kv.value, "a2");
  ASSERT_TRUE(events[2].prev.has_value());
  EXPECT_EQ(events[2].prev->mod_revision, 3);
  EXPECT_EQ(events[3].kv.key, "/w/c");
}

TYPED_TEST(WatchTest, FromNowSkipsHistory) {
  Store& store = *this->store_;
  ASSERT_TRUE(store.Create("/k/1", "v").ok());
  EventRecorder recorder;
  auto handle = this->MustWatch("/k/", 0, recorder.Callback());
  Revision second = *store.Create("/k/2", "v");
  ASSERT_TRUE(recorder.WaitForCount(1));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(RevisionsOf(recorder.Events()), std::vector<Revision>{second});
}

TYPED_TEST(WatchTest, WatchersShareOneCopyOfEachEvent) {
  Store& store = *this->store_;
  std::mutex mu;
  std::vector<SharedEvent> got;
  auto record = [&](const std::vector<SharedEvent>& events) {
    std::lock_guard lock(mu);
    got.insert(got.end(), events.begin(), events.end());
  };
  auto first = this->MustWatch("/k/", 0, record);
  auto second = this->MustWatch("/", 0, record);
  ASSERT_TRUE(store.Create("/k/1", "v").ok());
  for (int i = 0; i < 200; ++i) {
    {
      std::lock_guard lock(mu);
      if (got.size() == 2) break;
    }
    std::this_thread::sleep_for(10ms);
  }
  std::lock_guard lock(mu);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].get(), got[1].get());
  EXPECT_EQ(got[0]->kv.key, "/k/1");
}

TYPED_TEST(WatchTest, LiveUpdatesAndDeletesCarryPrev) {
  Store& store = *this->store_;
  EventRecorder recorder;
  auto handle = this->MustWatch("/", 0, recorder.Callback());
  Revision created = *store.Create("/k", "v1");
  Revision updated = *store.Update("/k", "v2", created);
  ASSERT_TRUE(store.Delete("/k", updated).ok());
  ASSERT_TRUE(recorder.WaitForCount(3));
  std::vector<Event> events = recorder.Events();
  EXPECT_FALSE(events[0].prev);
  ASSERT_TRUE(events[1].prev);
  EXPECT_EQ(events[1].prev->value, "v1");
  EXPECT_EQ(events[2].type, Event::Type::kDelete);
  ASSERT_TRUE(events[2].prev);
  EXPECT_EQ(events[2].prev->value, "v2");
  EXPECT_EQ(events[2].prev->mod_revision, updated);
}

// Many writers; one watcher from the start and others joining mid-burst from an older
// revision must each see every revision once, consecutively.
TYPED_TEST(WatchTest, NoGapOrDuplicateUnderConcurrentWriters) {
  Store& store = *this->store_;
  constexpr int kWriters = 8;
  constexpr int kWritesEach = 40;
  constexpr Revision kTotal = kWriters * kWritesEach * 2;  // a create and an update each

  EventRecorder from_start;
  auto start_handle = this->MustWatch("", 0, from_start.Callback());
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&store, w] {
      for (int i = 0; i < kWritesEach; ++i) {
        std::string key = "/burst/" + std::to_string(w) + "/" + std::to_string(i);
        Result<Revision> created = store.Create(key, "v");
        ASSERT_TRUE(created.ok()) << created.status().ToString();
        ASSERT_TRUE(store.Update(key, "v2", *created).ok());
      }
    });
  }
  // Join mid-burst, from a revision already written, while writes keep landing.
  std::vector<std::unique_ptr<EventRecorder>> late(3);
  std::vector<Revision> late_after;
  std::vector<std::unique_ptr<WatchHandle>> late_handles;
  for (auto& recorder : late) {
    while (store.CurrentRevision() < kTotal / 4 * static_cast<Revision>(late_handles.size() + 1)) {
      std::this_thread::sleep_for(1ms);
    }
    recorder = std::make_unique<EventRecorder>();
    late_after.push_back(store.CurrentRevision() / 2);
    late_handles.push_back(this->MustWatch("/burst/", late_after.back(), recorder->Callback()));
  }
  for (std::thread& writer : writers) writer.join();
  ASSERT_EQ(store.CurrentRevision(), kTotal);

  ASSERT_TRUE(from_start.WaitForCount(kTotal));
  EXPECT_EQ(RevisionsOf(from_start.Events()), Range(1, kTotal));
  for (std::size_t i = 0; i < late.size(); ++i) {
    ASSERT_TRUE(late[i]->WaitForCount(kTotal - late_after[i]));
    EXPECT_EQ(RevisionsOf(late[i]->Events()), Range(late_after[i] + 1, kTotal)) << i;
  }
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(from_start.Count(), static_cast<std::size_t>(kTotal)) << "duplicates arrived";
}

TYPED_TEST(WatchTest, ManyWatchersEachGetOneCallbackAtATimeInOrder) {
  Store& store = *this->store_;
  constexpr int kWatchers = 32;
  constexpr int kWriters = 4;
  constexpr int kWritesEach = 50;
  struct Seen {
    std::atomic<bool> inside = false;
    std::atomic<int> overlaps = 0;
    EventRecorder recorder;
  };
  std::vector<std::unique_ptr<Seen>> seen;
  std::vector<std::unique_ptr<WatchHandle>> handles;
  for (int w = 0; w < kWatchers; ++w) {
    seen.push_back(std::make_unique<Seen>());
    handles.push_back(this->MustWatch(
        "/", 0,
        [s = seen.back().get(),
         record = seen.back()->recorder.Callback()](const std::vector<SharedEvent>& events) {
          if (s->inside.exchange(true)) ++s->overlaps;
          record(events);
          s->inside = false;
        }));
  }
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&store, w] {
      for (int i = 0; i < kWritesEach; ++i) {
        ASSERT_TRUE(store.Create("/m/" + std::to_string(w) + "/" + std::to_string(i), "v").ok());
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  for (const auto& s : seen) {
    ASSERT_TRUE(s->recorder.WaitForCount(kWriters * kWritesEach));
    EXPECT_EQ(RevisionsOf(s->recorder.Events()), Range(1, kWriters * kWritesEach));
    EXPECT_EQ(s->overlaps, 0) << "one watcher's callback ran on two threads at once";
  }
}

TYPED_TEST(WatchTest, DestroyingHandleStopsCallbacks) {
  Store& store = *this->store_;
  EventRecorder recorder;
  auto handle = this->MustWatch("/", 0, recorder.Callback());
  ASSERT_TRUE(store.Create("/a", "v").ok());
  ASSERT_TRUE(recorder.WaitForCount(1));
  handle.reset();
  std::size_t calls = recorder.Calls();
  ASSERT_TRUE(store.Create("/b", "v").ok());
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(recorder.Calls(), calls);
}

TYPED_TEST(WatchTest, DestructorWaitsForRunningCallback) {
  Store& store = *this->store_;
  std::atomic<bool> in_callback = false;
  std::atomic<bool> entered = false;
  std::atomic<int> calls_after_destroy = 0;
  std::atomic<bool> destroyed = false;
  auto handle = this->MustWatch("/", 0, [&](const std::vector<SharedEvent>&) {
    if (destroyed) ++calls_after_destroy;
    in_callback = true;
    entered = true;
    std::this_thread::sleep_for(100ms);
    in_callback = false;
  });
  ASSERT_TRUE(store.Create("/a", "v").ok());
  while (!entered) std::this_thread::sleep_for(1ms);
  ASSERT_TRUE(store.Create("/b", "v").ok());  // queued behind the running callback
  handle.reset();
  destroyed = true;
  EXPECT_FALSE(in_callback) << "the destructor returned while the callback still ran";
  std::this_thread::sleep_for(150ms);
  EXPECT_EQ(calls_after_destroy, 0);
}

TYPED_TEST(WatchTest, CallbackMayDestroyItsOwnHandle) {
  Store& store = *this->store_;
  std::mutex mu;
  std::unique_ptr<WatchHandle> handle;
  std::atomic<int> calls = 0;
  EventRecorder other;  // proves the dispatcher keeps running afterwards
  auto other_handle = this->MustWatch("/", 0, other.Callback());
  {
    std::lock_guard lock(mu);
    handle = this->MustWatch("/", 0, [&](const std::vector<SharedEvent>&) {
      ++calls;
      std::lock_guard inner(mu);
      handle.reset();
    });
  }
  ASSERT_TRUE(store.Create("/a", "v").ok());
  ASSERT_TRUE(store.Create("/b", "v").ok());
  ASSERT_TRUE(other.WaitForCount(2));
  ASSERT_TRUE(store.Create("/c", "v").ok());
  ASSERT_TRUE(other.WaitForCount(3));
  EXPECT_EQ(calls, 1);
  std::lock_guard lock(mu);
  EXPECT_EQ(handle, nullptr);
}

TYPED_TEST(WatchTest, CompactionDropsHistory) {
  Store& store = *this->store_;
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(store.Create("/c/" + std::to_string(i), "v").ok());
  ASSERT_TRUE(store.Compact(5).ok());
  EXPECT_EQ(store.CompactedRevision(), 5);

  Result<std::unique_ptr<WatchHandle>> too_old = store.Watch("/c/", 4, [](const auto&) {});
  ASSERT_FALSE(too_old.ok());
  EXPECT_EQ(too_old.status().code(), Status::Code::kCompacted);

  EventRecorder recorder;
  auto handle = this->MustWatch("/c/", 5, recorder.Callback());
  ASSERT_TRUE(recorder.WaitForCount(5));
  EXPECT_EQ(RevisionsOf(recorder.Events()), Range(6, 10));

  EXPECT_TRUE(store.Compact(3).ok()) << "compacting below the compacted revision is a no-op";
  EXPECT_EQ(store.CompactedRevision(), 5);
  EXPECT_EQ(store.Compact(11).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(store.Get("/c/0")->value, "v") << "compaction keeps live keys";
  EXPECT_EQ(store.List("/c/").items.size(), 10u);

  ASSERT_TRUE(store.Compact(10).ok());
  EXPECT_EQ(store.Watch("/c/", 9, [](const auto&) {}).status().code(), Status::Code::kCompacted);
  EXPECT_TRUE(store.Watch("/c/", 0, [](const auto&) {}).ok()) << "from now always works";
}

TYPED_TEST(WatchTest, RejectsEmptyCallback) {
  EXPECT_EQ(this->store_->Watch("/", 0, nullptr).status().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace skiff::store
