#include "core/store/group_committer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>
#include <unordered_map>
#include <utility>

namespace skiff::store {

namespace {

// Bounds one transaction; anything beyond waits for the next batch.
constexpr std::size_t kMaxBatch = 4096;

}  // namespace

// Lives on the submitting thread's stack until `done`. The writer fills it without mu_ (its
// owner is blocked until `done`) and notifies it under mu_, so it cannot vanish mid-notify.
struct GroupCommitter::Request {
  explicit Request(Mutation m) : mutation(std::move(m)) {}
  Mutation mutation;
  std::optional<Result<Event>> result;
  bool done = false;
  std::condition_variable cv;
};

GroupCommitter::GroupCommitter(Keyspace& keyspace, WatchHub& hub, Journal* journal)
    : keyspace_(keyspace), hub_(hub), journal_(journal) {}

GroupCommitter::~GroupCommitter() {
  if (commits_ > 0) {
    spdlog::info("store: {} writes in {} commits ({:.1f} per commit)", writes_, commits_,
                 static_cast<double>(writes_) / static_cast<double>(commits_));
  }
}

Result<Event> GroupCommitter::Submit(Mutation mutation) {
  Request request(std::move(mutation));
  std::unique_lock lock(mu_);
  queue_.push_back(&request);
  request.cv.wait(lock, [&] { return request.done || queue_.front() == &request; });
  if (request.done) return std::move(*request.result);

  // This thread is the writer now: everything queued so far is its batch.
  std::vector<Request*> batch(queue_.begin(), queue_.begin() + std::min(queue_.size(), kMaxBatch));
  lock.unlock();
  CommitBatch(batch);
  lock.lock();
  for (Request* done : batch) {
    queue_.pop_front();
    done->done = true;
    if (done != &request) done->cv.notify_one();
  }
  if (!queue_.empty()) queue_.front()->cv.notify_one();  // the next writer
  return std::move(*request.result);
}

void GroupCommitter::CommitBatch(const std::vector<Request*>& batch) {
  if (!failure_.ok()) {
    for (Request* request : batch) request->result = failure_;
    return;
  }
  // Check each request against the keyspace as changed by the earlier ones of this batch.
  std::unordered_map<std::string, std::optional<KeyValue>> staged;
  std::vector<Event> events;
  std::vector<Request*> committed;
  Revision next = keyspace_.revision() + 1;
  for (Request* request : batch) {
    std::string key = request->mutation.key;
    auto it = staged.find(key);
    std::optional<KeyValue> current =
        it != staged.end() ? it->second : keyspace_.Get(request->mutation.key);
    Result<Event> event =
        Evaluate(std::move(request->mutation), current ? &*current : nullptr, next);
    if (!event.ok()) {
      request->result = std::move(event);
      continue;
    }
    staged[std::move(key)] =
        event->type == Event::Type::kPut ? std::optional<KeyValue>(event->kv) : std::nullopt;
    events.push_back(std::move(*event));
    committed.push_back(request);
    ++next;
  }
  if (events.empty()) return;

  if (journal_ != nullptr) {
    if (Status status = journal_->Commit(events); !status.ok()) {
      spdlog::error("store: commit of {} write(s) failed, refusing further writes: {}",
                    events.size(), status.ToString());
      failure_ = Status::Unavailable("store commit failed: " + status.ToString());
      for (Request* request : committed) request->result = failure_;
      return;
    }
  }
  ++commits_;
  writes_ += events.size();
  keyspace_.Apply(events);
  for (std::size_t i = 0; i < committed.size(); ++i) committed[i]->result = events[i];
  hub_.Publish(std::move(events));
}

}  // namespace skiff::store
