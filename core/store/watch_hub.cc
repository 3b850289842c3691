#include "core/store/watch_hub.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <utility>

namespace skiff::store {

namespace {

// Caps one callback's batch so a large replay does not starve the other watchers.
constexpr std::size_t kMaxEventsPerCallback = 1024;

Status CompactedError(Revision after, Revision compacted) {
  return Status::Compacted("revision " + std::to_string(after) +
                           " is older than the compacted revision " + std::to_string(compacted));
}

}  // namespace

struct WatchHub::Watcher {
  std::string prefix;
  Revision after = 0;  // only events above this; guards the window before publication
  WatchCallback callback;
  std::deque<SharedEvent> pending;
  bool queued = false;     // in ready_
  bool running = false;    // its callback is running on the dispatcher
  bool cancelled = false;  // its handle is gone: never call it again

  bool Wants(const Event& event) const {
    return event.revision() > after && event.kv.key.starts_with(prefix);
  }
};

class WatchHub::Handle final : public WatchHandle {
 public:
  Handle(WatchHub* hub, std::shared_ptr<Watcher> watcher)
      : hub_(hub), watcher_(std::move(watcher)) {}
  ~Handle() override { hub_->Cancel(watcher_); }

 private:
  WatchHub* const hub_;
  const std::shared_ptr<Watcher> watcher_;
};

WatchHub::WatchHub(Revision revision, Revision compacted, Journal* journal,
                   std::size_t memory_history_limit)
    : journal_(journal),
      memory_history_limit_(memory_history_limit),
      published_(revision),
      compacted_(compacted),
      // Without a journal all retained history is in memory, which starts empty.
      memory_start_(revision),
      dispatcher_([this] { DispatchLoop(); }) {}

WatchHub::~WatchHub() {
  {
    std::lock_guard lock(mu_);
    if (!watchers_.empty()) {
      spdlog::error("store: {} watch handle(s) outlive the store", watchers_.size());
    }
    stopping_ = true;
  }
  ready_cv_.notify_all();
  dispatcher_.join();
}

void WatchHub::MarkReady(const std::shared_ptr<Watcher>& watcher) {
  if (watcher->queued) return;
  watcher->queued = true;
  ready_.push_back(watcher);
}

void WatchHub::Publish(std::vector<Event> events) {
  if (events.empty()) return;
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    for (Event& committed : events) {
      auto event = std::make_shared<const Event>(std::move(committed));
      for (const std::shared_ptr<Watcher>& watcher : watchers_) {
        if (!watcher->Wants(*event)) continue;
        watcher->pending.push_back(event);
        wake = wake || !watcher->queued;
        MarkReady(watcher);
      }
      published_ = event->revision();
      history_.push_back(std::move(event));
    }
    while (memory_history_limit_ != 0 && history_.size() > memory_history_limit_) {
      memory_start_ = history_.front()->revision();
      history_.pop_front();
    }
  }
  if (wake) ready_cv_.notify_one();
}

Result<std::unique_ptr<WatchHandle>> WatchHub::Watch(std::string prefix, Revision after,
                                                     WatchCallback callback) {
  if (!callback) return Status::InvalidArgument("watch needs a callback");
  auto watcher = std::make_shared<Watcher>();
  watcher->prefix = std::move(prefix);
  watcher->after = after;
  watcher->callback = std::move(callback);

  // Replay = journal history up to where memory history starts, then memory history, then
  // registration, the last two under mu_ so that Publish cannot slip between them. The
  // journal is read without mu_ (writers must not wait on disk reads); if memory history
  // moved on meanwhile, read the journal again from where we stopped.
  std::vector<SharedEvent> replay;
  Revision replayed_through = after;
  while (true) {
    Revision journal_through = 0;
    {
      std::lock_guard lock(mu_);
      // Also catches a compaction that raced with the journal read below.
      if (after < compacted_) return CompactedError(after, compacted_);
      if (replayed_through >= memory_start_) {
        if (replayed_through < published_) {
          auto first = history_.begin() + (replayed_through - memory_start_);
          for (auto it = first; it != history_.end(); ++it) {
            if (watcher->Wants(**it)) replay.push_back(*it);
          }
        }
        watcher->pending.assign(std::make_move_iterator(replay.begin()),
                                std::make_move_iterator(replay.end()));
        watchers_.push_back(watcher);
        if (!watcher->pending.empty()) MarkReady(watcher);
        break;
      }
      journal_through = memory_start_;
    }
    if (journal_ == nullptr) return Status::Internal("history missing without a journal");
    std::vector<Event> read;
    Status status =
        journal_->ReadHistory(watcher->prefix, replayed_through, journal_through, &read);
    if (!status.ok()) return status;
    for (Event& event : read) replay.push_back(std::make_shared<const Event>(std::move(event)));
    replayed_through = journal_through;
  }
  ready_cv_.notify_one();
  return std::unique_ptr<WatchHandle>(std::make_unique<Handle>(this, std::move(watcher)));
}

void WatchHub::Cancel(const std::shared_ptr<Watcher>& watcher) {
  WatchCallback dead;  // destroyed after unlocking: its captures may do anything
  std::unique_lock lock(mu_);
  watcher->cancelled = true;
  watcher->pending.clear();
  std::erase(watchers_, watcher);
  // On the dispatcher thread a running callback is the caller itself: waiting would deadlock.
  if (std::this_thread::get_id() != dispatcher_.get_id()) {
    idle_cv_.wait(lock, [&] { return !watcher->running; });
  }
  if (!watcher->running) dead = std::exchange(watcher->callback, nullptr);
}

Status WatchHub::Compact(Revision revision) {
  std::lock_guard lock(mu_);
  if (revision > published_) {
    return Status::InvalidArgument("cannot compact at future revision " + std::to_string(revision));
  }
  if (revision <= compacted_) return Status::Ok();
  compacted_ = revision;
  while (!history_.empty() && history_.front()->revision() <= revision) history_.pop_front();
  memory_start_ = std::max(memory_start_, revision);
  return Status::Ok();
}

Revision WatchHub::compacted() const {
  std::lock_guard lock(mu_);
  return compacted_;
}

void WatchHub::DispatchLoop() {
  std::unique_lock lock(mu_);
  while (true) {
    ready_cv_.wait(lock, [&] { return stopping_ || !ready_.empty(); });
    if (stopping_) return;
    std::shared_ptr<Watcher> watcher = std::move(ready_.front());
    ready_.pop_front();
    watcher->queued = false;
    if (watcher->cancelled || watcher->pending.empty()) continue;

    std::size_t count = std::min(watcher->pending.size(), kMaxEventsPerCallback);
    std::vector<SharedEvent> batch(std::make_move_iterator(watcher->pending.begin()),
                                   std::make_move_iterator(watcher->pending.begin() + count));
    watcher->pending.erase(watcher->pending.begin(), watcher->pending.begin() + count);
    if (!watcher->pending.empty()) MarkReady(watcher);
    watcher->running = true;
    lock.unlock();

    try {
      watcher->callback(batch);
    } catch (const std::exception& e) {
      spdlog::error("store: watch callback threw: {}", e.what());
    } catch (...) {
      spdlog::error("store: watch callback threw");
    }
    batch.clear();

    lock.lock();
    watcher->running = false;
    if (watcher->cancelled) {
      idle_cv_.notify_all();
      WatchCallback dead = std::exchange(watcher->callback, nullptr);
      lock.unlock();
      dead = nullptr;
      lock.lock();
    }
  }
}

}  // namespace skiff::store
