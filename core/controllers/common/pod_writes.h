#pragma once

// The pod writes of a controller that keeps a number of pods (ReplicaSet, Job): creating pods
// from its template and deleting chosen ones, in parallel, each write an Event on the owner
// (SuccessfulCreate / FailedCreate, SuccessfulDelete / FailedDelete) and accounted in its
// Expectations, so the controller waits until its informer has seen them.

#include <span>
#include <string>

#include "core/client/client.h"
#include "core/client/event_recorder.h"
#include "core/controllers/common/expectations.h"

namespace skiff::controllers {

struct PodWriter {
  client::Client& client;
  client::EventRecorder& events;
  Expectations& expectations;
  const std::string& key;  // the owner's, in `expectations`
  const client::Object& owner;
  const api::Kind& owner_kind;
};

struct PodWrites {
  int done = 0;    // pods created or deleted
  bool ok = true;  // false when a write failed (retry later)
};

// Creates n pods from tmpl in slow-start batches of 1, 2, 4, ...: a template the server
// refuses costs one call, not n. Stops at the first batch with a failure.
PodWrites CreatePods(const PodWriter& writer, const boost::json::object& tmpl, int n);
// Deletes every pod given (a pod already gone counts as deleted).
PodWrites DeletePods(const PodWriter& writer, std::span<const client::ObjectPtr> pods);

}  // namespace skiff::controllers
