#include "core/agent/event_recorder.h"

namespace skiff::agent {

EventRecorder::EventRecorder(client::EventRecorder& shared, std::string node_name)
    : shared_(shared), node_name_(std::move(node_name)) {}

void EventRecorder::Record(const client::Object& pod, const std::string& type,
                           const std::string& reason, const std::string& message) {
  static const api::Kind& kind = *api::KindRegistry::Builtin().ByResource("", "v1", "pods");
  client::ObjectReference ref = client::ReferenceTo(pod, kind);
  ref.resource_version.clear();  // the pod's story, not one version of it
  shared_.Record(ref, type, reason, message, "", node_name_);
}

}  // namespace skiff::agent
