// Reads and writes: the same cases against every backend.

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "core/store/store.h"
#include "tests/store/test_util.h"

namespace skiff::store {
namespace {

using testing::BackendNames;
using testing::Backends;

template <typename Backend>
class StoreSemanticsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = backend_.Open();
    ASSERT_NE(store_, nullptr);
  }
  Backend backend_;
  std::unique_ptr<Store> store_;
};

TYPED_TEST_SUITE(StoreSemanticsTest, Backends, BackendNames);

TYPED_TEST(StoreSemanticsTest, EveryWriteAddsOneRevision) {
  Store& store = *this->store_;
  EXPECT_EQ(store.CurrentRevision(), 0);
  Result<Revision> a = store.Create("/a", "1");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(*a, 1);
  Result<Revision> b = store.Create("/b", "2");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, 2);
  Result<Revision> updated = store.Update("/a", "3", 1);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(*updated, 3);
  Result<KeyValue> deleted = store.Delete("/b", 0);
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(deleted->mod_revision, 4);
  EXPECT_EQ(store.CurrentRevision(), 4);

  Result<KeyValue> got = store.Get("/a");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->key, "/a");
  EXPECT_EQ(got->value, "3");
  EXPECT_EQ(got->create_revision, 1);
  EXPECT_EQ(got->mod_revision, 3);
}

TYPED_TEST(StoreSemanticsTest, CreateOnlyIfAbsent) {
  Store& store = *this->store_;
  ASSERT_TRUE(store.Create("/k", "first").ok());
  Result<Revision> again = store.Create("/k", "second");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), Status::Code::kAlreadyExists);
  EXPECT_EQ(store.CurrentRevision(), 1) << "a refused write must not take a revision";
  EXPECT_EQ(store.Get("/k")->value, "first");

  // Deleted keys can be created again, with a new create_revision.
  ASSERT_TRUE(store.Delete("/k", 1).ok());
  Result<Revision> recreated = store.Create("/k", "third");
  ASSERT_TRUE(recreated.ok());
  EXPECT_EQ(*recreated, 3);
  EXPECT_EQ(store.Get("/k")->create_revision, 3);
}

TYPED_TEST(StoreSemanticsTest, UpdateIsCompareAndSwap) {
  Store& store = *this->store_;
  Revision created = *store.Create("/k", "v1");
  Result<Revision> missing = store.Update("/missing", "x", created);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);

  Result<Revision> v2 = store.Update("/k", "v2", created);
  ASSERT_TRUE(v2.ok());
  Result<Revision> stale = store.Update("/k", "v3", created);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.status().code(), Status::Code::kConflict);
  Result<Revision> zero = store.Update("/k", "v3", 0);
  EXPECT_EQ(zero.status().code(), Status::Code::kConflict);
  EXPECT_EQ(store.CurrentRevision(), *v2);

  Result<KeyValue> got = store.Get("/k");
  EXPECT_EQ(got->value, "v2");
  EXPECT_EQ(got->create_revision, created);
  EXPECT_EQ(got->mod_revision, *v2);
}

TYPED_TEST(StoreSemanticsTest, DeleteIsCompareAndSwapOrUnconditional) {
  Store& store = *this->store_;
  Revision created = *store.Create("/k", "v1");
  Revision updated = *store.Update("/k", "v2", created);

  Result<KeyValue> stale = store.Delete("/k", created);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.status().code(), Status::Code::kConflict);

  Result<KeyValue> deleted = store.Delete("/k", updated);
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_EQ(deleted->key, "/k");
  EXPECT_EQ(deleted->value, "v2");
  EXPECT_EQ(deleted->create_revision, created);
  EXPECT_EQ(deleted->mod_revision, updated + 1);
  EXPECT_EQ(store.Get("/k").status().code(), Status::Code::kNotFound);

  Result<KeyValue> again = store.Delete("/k", 0);
  EXPECT_EQ(again.status().code(), Status::Code::kNotFound);

  ASSERT_TRUE(store.Create("/u", "x").ok());
  EXPECT_TRUE(store.Delete("/u", 0).ok()) << "expected == 0 deletes whatever the revision";
  EXPECT_EQ(store.CurrentRevision(), updated + 3);
}

TYPED_TEST(StoreSemanticsTest, RejectsEmptyKey) {
  EXPECT_EQ(this->store_->Create("", "v").status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(this->store_->CurrentRevision(), 0);
}

TYPED_TEST(StoreSemanticsTest, ValuesAreBinarySafe) {
  std::string key("/bin/\0\xff", 7);
  std::string value("a\0b\xfe", 4);
  ASSERT_TRUE(this->store_->Create(key, value).ok());
  ASSERT_TRUE(this->store_->Create("/empty", "").ok());
  EXPECT_EQ(this->store_->Get(key)->value, value);
  EXPECT_EQ(this->store_->Get("/empty")->value, "");
}

TYPED_TEST(StoreSemanticsTest, ListsPrefixInKeyOrder) {
  Store& store = *this->store_;
  for (const char* key : {"/pods/b", "/pods/a", "/pods", "/podsx", "/nodes/a", "/pods/c/d"}) {
    ASSERT_TRUE(store.Create(key, std::string("v") + key).ok());
  }
  ListResult pods = store.List("/pods/");
  std::vector<std::string> keys;
  for (const KeyValue& kv : pods.items) keys.push_back(kv.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"/pods/a", "/pods/b", "/pods/c/d"}));
  EXPECT_EQ(pods.items[0].value, "v/pods/a");
  EXPECT_EQ(pods.revision, 6);
  EXPECT_FALSE(pods.more);

  EXPECT_EQ(store.List("").items.size(), 6u);
  EXPECT_TRUE(store.List("/none/").items.empty());
}

TYPED_TEST(StoreSemanticsTest, ListPagesWithStartAfterAndLimit) {
  Store& store = *this->store_;
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(store.Create("/p/" + std::to_string(i), "v").ok());
  ASSERT_TRUE(store.Create("/q/0", "v").ok());

  std::vector<std::string> seen;
  ListOptions options;
  options.limit = 3;
  int pages = 0;
  while (true) {
    ListResult page = store.List("/p/", options);
    ++pages;
    EXPECT_LE(page.items.size(), 3u);
    for (const KeyValue& kv : page.items) seen.push_back(kv.key);
    if (!page.more) break;
    ASSERT_FALSE(page.items.empty());
    options.start_after = page.items.back().key;
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen,
            (std::vector<std::string>{"/p/0", "/p/1", "/p/2", "/p/3", "/p/4", "/p/5", "/p/6"}));

  ListOptions exact;
  exact.limit = 7;
  EXPECT_FALSE(store.List("/p/", exact).more) << "no more when the limit is exactly reached";
  ListOptions before_prefix;
  before_prefix.start_after = "/a";
  EXPECT_EQ(store.List("/p/", before_prefix).items.size(), 7u);
}

TYPED_TEST(StoreSemanticsTest, ConcurrentCreatesOfOneKeyHaveOneWinner) {
  Store& store = *this->store_;
  std::atomic<int> winners = 0;
  std::atomic<int> losers = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      Result<Revision> created = store.Create("/contended", std::to_string(t));
      if (created.ok()) {
        ++winners;
      } else if (created.status().code() == Status::Code::kAlreadyExists) {
        ++losers;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(winners, 1);
  EXPECT_EQ(losers, 7);
  EXPECT_EQ(store.CurrentRevision(), 1);
}

TYPED_TEST(StoreSemanticsTest, ConcurrentCasUpdatesNeverLoseAnIncrement) {
  Store& store = *this->store_;
  ASSERT_TRUE(store.Create("/counter", "0").ok());
  constexpr int kThreads = 4;
  constexpr int kIncrements = 15;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int done = 0; done < kIncrements;) {
        Result<KeyValue> current = store.Get("/counter");
        ASSERT_TRUE(current.ok());
        std::string next = std::to_string(std::stoi(current->value) + 1);
        Result<Revision> written = store.Update("/counter", next, current->mod_revision);
        if (written.ok()) {
          ++done;
        } else {
          ASSERT_EQ(written.status().code(), Status::Code::kConflict);
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(store.Get("/counter")->value, std::to_string(kThreads * kIncrements));
  EXPECT_EQ(store.CurrentRevision(), 1 + kThreads * kIncrements);
}

}  // namespace
}  // namespace skiff::store
