#include "core/client/event_recorder.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>

#include "core/api/api_time.h"
#include "core/api/json_fields.h"

namespace skiff::client {
namespace {

// Past this many tracked objects the buckets start over (client-go keeps an LRU of 4096).
constexpr std::size_t kMaxBuckets = 4096;

}  // namespace

ObjectReference ReferenceTo(const Object& obj, const api::Kind& kind) {
  return ObjectReference{kind.ApiVersion(),
                         kind.kind,
                         std::string(api::GetString(obj, "metadata.namespace")),
                         std::string(api::GetString(obj, "metadata.name")),
                         std::string(api::GetString(obj, "metadata.uid")),
                         std::string(api::GetString(obj, "metadata.resourceVersion"))};
}

boost::json::object ToJson(const ObjectReference& ref) {
  boost::json::object out{
      {"apiVersion", ref.api_version}, {"kind", ref.kind}, {"name", ref.name}, {"uid", ref.uid}};
  if (!ref.ns.empty()) out["namespace"] = ref.ns;
  if (!ref.resource_version.empty()) out["resourceVersion"] = ref.resource_version;
  return out;
}

EventRecorder::EventRecorder(Client& client, std::string component, std::size_t max_backlog,
                             int writers)
    : client_(client),
      component_(std::move(component)),
      max_backlog_(max_backlog),
      events_kind_(*api::KindRegistry::Builtin().ByResource("", "v1", "events")) {
  for (int i = 0; i < writers; ++i) threads_.emplace_back([this] { Run(); });
}

EventRecorder::~EventRecorder() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

bool EventRecorder::TakeToken(const std::string& object_key) {
  auto now = std::chrono::steady_clock::now();
  if (buckets_.size() >= kMaxBuckets && !buckets_.contains(object_key)) buckets_.clear();
  auto [it, added] = buckets_.try_emplace(object_key, Bucket{double(kSpamBurst), now});
  Bucket& b = it->second;
  if (!added) {
    std::chrono::duration<double> elapsed = now - b.last;
    b.tokens = std::min<double>(kSpamBurst, b.tokens + elapsed.count() / kSpamRefill.count());
    b.last = now;
  }
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

void EventRecorder::Record(const ObjectReference& obj, std::string type, std::string reason,
                           std::string message, std::string action, const std::string& host) {
  auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  char suffix[32];
  std::snprintf(suffix, sizeof(suffix), ".%llx", static_cast<unsigned long long>(nanos));
  std::string now = api::NowApiTime();
  // Events of cluster-scoped objects live in "default", as in Kubernetes.
  std::string ns = obj.ns.empty() ? "default" : obj.ns;
  Object ev{
      {"apiVersion", "v1"},
      {"kind", "Event"},
      {"metadata", {{"name", obj.name + suffix}, {"namespace", ns}}},
      {"involvedObject", ToJson(obj)},
      {"reason", std::move(reason)},
      {"message", std::move(message)},
      {"type", std::move(type)},
      {"source", host.empty() ? boost::json::object{{"component", component_}}
                              : boost::json::object{{"component", component_}, {"host", host}}},
      {"firstTimestamp", now},
      {"lastTimestamp", now},
      {"eventTime", api::ApiMicroTime(std::chrono::system_clock::now())},
      {"count", 1},
      {"reportingComponent", component_},
      {"reportingInstance", host.empty() ? component_ : host},
  };
  if (!action.empty()) ev["action"] = std::move(action);
  {
    std::lock_guard lock(mu_);
    if (!TakeToken(host + "/" + obj.kind + "/" + obj.ns + "/" + obj.name + "/" + obj.uid)) return;
    if (backlog_.size() >= max_backlog_) {
      if (dropped_++ % 1000 == 0)
        spdlog::warn("{}: event backlog full, dropping events", component_);
      return;
    }
    backlog_.push_back(std::move(ev));
  }
  cv_.notify_one();
}

void EventRecorder::Flush() {
  std::unique_lock lock(mu_);
  idle_cv_.wait(lock, [this] { return backlog_.empty() && writing_ == 0; });
}

void EventRecorder::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stop_ || !backlog_.empty(); });
    if (stop_) return;
    Object ev = std::move(backlog_.front());
    backlog_.pop_front();
    ++writing_;
    lock.unlock();
    std::string ns(ev.at("metadata").at("namespace").as_string());
    auto r = client_.Create(events_kind_, ns, ev);
    if (!r.ok()) spdlog::debug("{}: cannot record event: {}", component_, r.error().message);
    lock.lock();
    --writing_;
    if (backlog_.empty() && writing_ == 0) idle_cv_.notify_all();
  }
}

}  // namespace skiff::client
