#include "core/agent/event_recorder.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>

#include "core/agent/time_format.h"
#include "core/api/json_fields.h"

namespace skiff::agent {

namespace json = boost::json;

EventRecorder::EventRecorder(client::Client& client, std::string node_name, Post post)
    : client_(client), node_name_(std::move(node_name)), post_(std::move(post)) {}

void EventRecorder::Record(const client::Object& pod, const std::string& type,
                           const std::string& reason, const std::string& message) {
  std::string ns(api::GetString(pod, "metadata.namespace"));
  std::string name(api::GetString(pod, "metadata.name"));
  // Unique without a round trip: pod name, a time stamp and a per-agent counter in hex, the
  // shape Kubernetes uses ("<pod>.<hex>").
  char suffix[48];
  auto now = std::chrono::system_clock::now();
  std::snprintf(
      suffix, sizeof(suffix), ".%llx%llx",
      static_cast<unsigned long long>(
          std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count()),
      static_cast<unsigned long long>(seq_.fetch_add(1)));
  std::string ts = ApiTime(now);
  json::object event{{"apiVersion", "v1"},
                     {"kind", "Event"},
                     {"metadata", {{"name", name + suffix}, {"namespace", ns}}},
                     {"involvedObject",
                      {{"apiVersion", "v1"},
                       {"kind", "Pod"},
                       {"namespace", ns},
                       {"name", name},
                       {"uid", api::GetString(pod, "metadata.uid")}}},
                     {"reason", reason},
                     {"message", message},
                     {"type", type},
                     {"source", {{"component", "kubelet"}, {"host", node_name_}}},
                     {"reportingComponent", "kubelet"},
                     {"reportingInstance", node_name_},
                     {"firstTimestamp", ts},
                     {"lastTimestamp", ts},
                     {"count", 1}};
  static const api::Kind& kind = *api::KindRegistry::Builtin().ByResource("", "v1", "events");
  post_([this, ns, event = std::move(event)] {
    auto r = client_.Create(kind, ns, event);
    if (!r.ok()) spdlog::debug("event not recorded: {}", r.error().message);
  });
}

}  // namespace skiff::agent
