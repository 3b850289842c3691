#pragma once

// WatchStreams: every open watch response — the registry watch feeding it, its timeout and its
// bookmarks. One ticker thread closes expired watches and sends bookmarks. Thread-safe; the
// destructor cancels every watch (before the store goes away).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <thread>

#include "core/api/kinds.h"
#include "core/apiserver/http_server.h"
#include "core/apiserver/registry.h"
#include "core/apiserver/revision_memo.h"
#include "core/apiserver/stream_lanes.h"

namespace skiff::apiserver {

struct WatchRequest {
  const api::Kind* kind = nullptr;
  std::string ns;
  WatchQuery query;
  bool bookmarks = false;
  std::chrono::seconds timeout{0};  // 0 = none
  // Renders an event's object for the client (JSON as stored, or a Table row).
  std::function<std::string(const std::string& object)> render;
};

class WatchStreams {
 public:
  explicit WatchStreams(ObjectRegistry& registry);
  ~WatchStreams();

  // Starts the watch and answers the exchange: a stream of events, or a Status error.
  void Serve(std::shared_ptr<HttpExchange> exchange, WatchRequest request);

 private:
  struct Active;
  void Tick();

  ObjectRegistry& registry_;
  // Encoded watch lines (JSON format), one per event and type for all watches.
  const std::shared_ptr<RevisionMemo<std::string>> lines_ =
      std::make_shared<RevisionMemo<std::string>>();
  // Writes each event to the watches from all cores. The sinks hold a pointer: every watch is
  // cancelled in the destructor's body, before the members go.
  StreamLanes lanes_{StreamLanes::ForThisMachine()};
  std::mutex mu_;
  std::list<std::shared_ptr<Active>> active_;
  bool stopping_ = false;
  std::condition_variable cv_;
  std::thread ticker_;
};

}  // namespace skiff::apiserver
