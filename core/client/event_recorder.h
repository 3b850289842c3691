#pragma once

// EventRecorder: writes core/v1 Events about any object (the scheduler's "Scheduled", the
// ReplicaSet controller's "SuccessfulCreate", the Deployment controller's "ScalingReplicaSet")
// from its own threads, so recording never slows the component. Like client-go's broadcaster
// it keeps a bounded backlog and drops (with a log line) what does not fit, and it rate-limits
// each involved object (a burst of kSpamBurst, then one per kSpamRefill), so a ReplicaSet that
// creates 10,000 pods writes a few dozen events, not 10,000: events are advisory.
// Thread-safe; the Client must outlive it.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/client/client.h"

namespace skiff::client {

// The involvedObject of an Event.
struct ObjectReference {
  std::string api_version;
  std::string kind;
  std::string ns;
  std::string name;
  std::string uid;
  std::string resource_version;
};

// A reference to obj, of kind (apiVersion and kind come from kind, as informer copies may
// lack them).
ObjectReference ReferenceTo(const Object& obj, const api::Kind& kind);
// As a core/v1 ObjectReference object (namespace and resourceVersion only when set), e.g. an
// Event's involvedObject, a PV's claimRef, a CronJob's active Jobs.
boost::json::object ToJson(const ObjectReference& ref);

class EventRecorder {
 public:
  static constexpr int kSpamBurst = 25;
  static constexpr std::chrono::seconds kSpamRefill{300};

  // `writers` threads write concurrently, so events share the store's group commits.
  EventRecorder(Client& client, std::string component, std::size_t max_backlog = 1000,
                int writers = 4);
  ~EventRecorder();
  EventRecorder(const EventRecorder&) = delete;
  EventRecorder& operator=(const EventRecorder&) = delete;

  // type: "Normal" or "Warning"; action (optional): what was done ("Binding"); host
  // (optional): the node reporting it (source.host, reportingInstance), for node agents.
  void Record(const ObjectReference& obj, std::string type, std::string reason, std::string message,
              std::string action = "", const std::string& host = "");
  // Blocks until the backlog is written (tests, shutdown).
  void Flush();

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point last;
  };
  bool TakeToken(const std::string& object_key);  // mu_ held
  void Run();

  Client& client_;
  const std::string component_;
  const std::size_t max_backlog_;
  const api::Kind& events_kind_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::deque<Object> backlog_;
  std::unordered_map<std::string, Bucket> buckets_;  // by involved object
  int writing_ = 0;
  bool stop_ = false;
  std::size_t dropped_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace skiff::client
