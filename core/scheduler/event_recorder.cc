#include "core/scheduler/event_recorder.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <ctime>

namespace skiff::scheduler {
namespace {

std::string NowRfc3339() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string NowMicroRfc3339() {
  auto now = std::chrono::system_clock::now();
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  std::time_t t = static_cast<std::time_t>(us / 1000000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[48];
  std::size_t n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof(buf) - n, ".%06lldZ", static_cast<long long>(us % 1000000));
  return buf;
}

}  // namespace

EventRecorder::EventRecorder(client::Client& client, std::string component, std::size_t max_backlog,
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

void EventRecorder::Record(const PodInfo& pod, std::string type, std::string reason,
                           std::string message) {
  auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  char suffix[32];
  std::snprintf(suffix, sizeof(suffix), ".%llx", static_cast<unsigned long long>(nanos));
  std::string now = NowRfc3339();
  const char* action = reason == "Scheduled" ? "Binding" : "Scheduling";
  client::Object ev{
      {"apiVersion", "v1"},
      {"kind", "Event"},
      {"metadata", {{"name", pod.name + suffix}, {"namespace", pod.ns}}},
      {"involvedObject",
       {{"apiVersion", "v1"},
        {"kind", "Pod"},
        {"namespace", pod.ns},
        {"name", pod.name},
        {"uid", pod.uid},
        {"resourceVersion", pod.resource_version}}},
      {"reason", std::move(reason)},
      {"message", std::move(message)},
      {"type", std::move(type)},
      {"source", {{"component", component_}}},
      {"firstTimestamp", now},
      {"lastTimestamp", now},
      {"eventTime", NowMicroRfc3339()},
      {"count", 1},
      {"action", action},
      {"reportingComponent", component_},
      {"reportingInstance", component_},
  };
  {
    std::lock_guard lock(mu_);
    if (backlog_.size() >= max_backlog_) {
      if (dropped_++ % 1000 == 0) spdlog::warn("scheduler: event backlog full, dropping events");
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
    client::Object ev = std::move(backlog_.front());
    backlog_.pop_front();
    ++writing_;
    lock.unlock();
    std::string ns(ev.at("metadata").at("namespace").as_string());
    auto r = client_.Create(events_kind_, ns, ev);
    if (!r.ok()) spdlog::debug("scheduler: cannot record event: {}", r.error().message);
    lock.lock();
    --writing_;
    if (backlog_.empty() && writing_ == 0) idle_cv_.notify_all();
  }
}

}  // namespace skiff::scheduler
