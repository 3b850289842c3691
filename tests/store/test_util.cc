#include "tests/store/test_util.h"

#include <stdlib.h>

#include <system_error>

#include "core/store/memory_store.h"
#include "core/store/sqlite_store.h"

namespace skiff::store::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "skiff-store-XXXXXX").string();
  char* made = mkdtemp(pattern.data());
  if (made == nullptr) throw std::system_error(errno, std::generic_category(), "mkdtemp");
  path_ = made;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::unique_ptr<Store> MemoryBackend::Open() { return NewMemoryStore(); }

std::unique_ptr<Store> SqliteBackend::Open() {
  Result<std::unique_ptr<Store>> store = OpenSqliteStore((dir.path() / "store.db").string());
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

WatchCallback EventRecorder::Callback() {
  return [this](const std::vector<SharedEvent>& events) {
    std::lock_guard lock(mu_);
    for (const SharedEvent& event : events) events_.push_back(*event);
    ++calls_;
    cv_.notify_all();
  };
}

bool EventRecorder::WaitForCount(std::size_t count, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return events_.size() >= count; });
}

std::vector<Event> EventRecorder::Events() const {
  std::lock_guard lock(mu_);
  return events_;
}

std::size_t EventRecorder::Count() const {
  std::lock_guard lock(mu_);
  return events_.size();
}

std::size_t EventRecorder::Calls() const {
  std::lock_guard lock(mu_);
  return calls_;
}

std::vector<Revision> RevisionsOf(const std::vector<Event>& events) {
  std::vector<Revision> revisions;
  for (const Event& event : events) revisions.push_back(event.revision());
  return revisions;
}

}  // namespace skiff::store::testing
