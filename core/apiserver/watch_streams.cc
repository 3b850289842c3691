#include "core/apiserver/watch_streams.h"

#include <spdlog/spdlog.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace skiff::apiserver {
namespace json = boost::json;

namespace {
constexpr auto kBookmarkInterval = std::chrono::seconds(10);
constexpr auto kTickInterval = std::chrono::milliseconds(250);

std::string Line(std::string_view type, std::string_view object) {
  std::string line;
  line.reserve(object.size() + type.size() + 24);
  line.append("{\"type\":\"").append(type).append("\",\"object\":").append(object).append("}\n");
  return line;
}

int TypeTag(std::string_view type) {
  if (type == "ADDED") return 0;
  if (type == "MODIFIED") return 1;
  return 2;  // DELETED
}
}  // namespace

struct WatchStreams::Active {
  std::shared_ptr<ResponseStream> stream;
  const api::Kind* kind = nullptr;
  bool bookmarks = false;
  std::size_t lane = 0;  // the StreamLanes lane that writes its events
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  std::chrono::steady_clock::time_point next_bookmark;
  std::atomic<store::Revision> last_revision{0};
  std::mutex mu;  // guards handle and closed
  std::unique_ptr<store::WatchHandle> handle;
  bool closed = false;

  void Cancel() {
    std::unique_ptr<store::WatchHandle> h;
    {
      std::lock_guard lock(mu);
      closed = true;
      h = std::move(handle);
    }
    h.reset();
  }
};

WatchStreams::WatchStreams(ObjectRegistry& registry)
    : registry_(registry), ticker_([this] { Tick(); }) {}

WatchStreams::~WatchStreams() {
  std::list<std::shared_ptr<Active>> active;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    active.swap(active_);
  }
  cv_.notify_all();
  ticker_.join();
  for (auto& a : active) {
    a->Cancel();
    a->stream->Close();
  }
}

void WatchStreams::Serve(std::shared_ptr<HttpExchange> exchange, WatchRequest request) {
  auto active = std::make_shared<Active>();
  active->kind = request.kind;
  active->bookmarks = request.bookmarks;
  active->lane = lanes_.Assign();
  auto now = std::chrono::steady_clock::now();
  if (request.timeout.count() > 0) active->deadline = now + request.timeout;
  active->next_bookmark = now + kBookmarkInterval;

  // Events that arrive before the stream exists (the initial ADDED set) are held here.
  std::shared_ptr<ResponseStream> stream;
  auto pending = std::make_shared<std::vector<std::shared_ptr<const std::string>>>();
  auto pending_mu = std::make_shared<std::mutex>();
  auto render = request.render;
  auto weak = std::weak_ptr<Active>(active);
  auto sink = [weak, render, pending, pending_mu, lines = lines_,
               lanes = &lanes_](std::vector<WatchEvent> events) {
    auto a = weak.lock();
    std::vector<std::shared_ptr<const std::string>> out;
    out.reserve(events.size());
    for (auto& ev : events) {
      // JSON as stored: one line per event and type, shared by every watcher that gets it.
      if (!render) {
        out.push_back(
            lines->Get(ev.revision, TypeTag(ev.type), [&] { return Line(ev.type, *ev.object); }));
      } else {
        out.push_back(std::make_shared<const std::string>(Line(ev.type, render(*ev.object))));
      }
    }
    std::lock_guard lock(*pending_mu);
    if (a && a->stream) {
      // A bookmark may only follow the events it covers: the revision moves once they are sent.
      lanes->Write(a->lane, a->stream, std::move(out),
                   [a, last = events.back().revision] { a->last_revision = last; });
    } else {
      for (auto& line : out) pending->push_back(std::move(line));
      if (a) a->last_revision = events.back().revision;
    }
  };
  auto handle = registry_.Watch(*request.kind, request.ns, request.query, sink);
  if (!handle.ok()) {
    const api::ApiError& e = handle.error();
    exchange->Respond(HttpResponse{e.code, "application/json", json::serialize(e.ToStatus()), {}});
    return;
  }
  stream = exchange->StartStream(200, "application/json");
  {
    std::lock_guard lock(*pending_mu);
    active->stream = stream;
    for (auto& chunk : *pending) stream->Write(std::move(chunk));
    pending->clear();
  }
  {
    std::lock_guard lock(active->mu);
    active->handle = std::move(handle.value());
  }
  {
    std::lock_guard lock(mu_);
    if (stopping_) {
      active->Cancel();
      stream->Close();
      return;
    }
    active_.push_back(active);
  }
  stream->OnClose([this, weak] {
    auto a = weak.lock();
    if (!a) return;
    a->Cancel();
    std::lock_guard lock(mu_);
    active_.remove(a);
  });
}

void WatchStreams::Tick() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, kTickInterval);
    if (stopping_) break;
    auto now = std::chrono::steady_clock::now();
    for (auto it = active_.begin(); it != active_.end();) {
      auto& a = *it;
      if (now >= a->deadline) {
        a->stream->Close();
        it = active_.erase(it);
        continue;
      }
      if (a->bookmarks && now >= a->next_bookmark && a->last_revision > 0) {
        a->next_bookmark = now + kBookmarkInterval;
        json::object bookmark{
            {"type", "BOOKMARK"},
            {"object",
             {{"kind", a->kind->kind},
              {"apiVersion", a->kind->ApiVersion()},
              {"metadata", {{"resourceVersion", std::to_string(a->last_revision.load())}}}}}};
        a->stream->Write(json::serialize(bookmark) + "\n");
      }
      ++it;
    }
  }
}

}  // namespace skiff::apiserver
