#include "core/scheduler/resources.h"

#include <algorithm>

#include "core/api/json_fields.h"
#include "core/api/quantity.h"

namespace skiff::scheduler {
namespace json = boost::json;

void Resources::Add(const Resources& o) {
  milli_cpu += o.milli_cpu;
  memory += o.memory;
  ephemeral_storage += o.ephemeral_storage;
  pods += o.pods;
  for (const auto& [k, v] : o.scalar) scalar[k] += v;
}

void Resources::Subtract(const Resources& o) {
  milli_cpu -= o.milli_cpu;
  memory -= o.memory;
  ephemeral_storage -= o.ephemeral_storage;
  pods -= o.pods;
  for (const auto& [k, v] : o.scalar) {
    auto it = scalar.find(k);
    if (it == scalar.end()) continue;
    it->second -= v;
    if (it->second == 0) scalar.erase(it);
  }
}

void Resources::SetMax(const Resources& o) {
  milli_cpu = std::max(milli_cpu, o.milli_cpu);
  memory = std::max(memory, o.memory);
  ephemeral_storage = std::max(ephemeral_storage, o.ephemeral_storage);
  pods = std::max(pods, o.pods);
  for (const auto& [k, v] : o.scalar) {
    int64_t& mine = scalar[k];
    mine = std::max(mine, v);
  }
}

int64_t Resources::Scalar(std::string_view name) const {
  auto it = scalar.find(name);
  return it == scalar.end() ? 0 : it->second;
}

Resources ParseResourceList(const json::object* list) {
  Resources r;
  if (!list) return r;
  for (const auto& [key, value] : *list) {
    auto q = api::Quantity::FromJson(value);
    if (!q.ok()) continue;
    if (key == "cpu") {
      r.milli_cpu = q->MilliValue();
    } else if (key == "memory") {
      r.memory = q->Value();
    } else if (key == "ephemeral-storage") {
      r.ephemeral_storage = q->Value();
    } else if (key == "pods") {
      r.pods = q->Value();
    } else {
      r.scalar[std::string(key)] = q->Value();
    }
  }
  return r;
}

namespace {

Resources ContainerRequests(const json::object& c, bool non_zero) {
  Resources r = ParseResourceList(api::FindObject(c, "resources.requests"));
  if (non_zero) {
    const json::object* req = api::FindObject(c, "resources.requests");
    if (!req || !req->contains("cpu")) r.milli_cpu = kDefaultMilliCpuRequest;
    if (!req || !req->contains("memory")) r.memory = kDefaultMemoryRequest;
  }
  return r;
}

Resources Compute(const json::object& pod, bool non_zero) {
  Resources sum;
  if (const json::array* cs = api::FindArray(pod, "spec.containers")) {
    for (const auto& c : *cs) {
      if (c.is_object()) sum.Add(ContainerRequests(c.as_object(), non_zero));
    }
  }
  // Init containers run one at a time before the app containers, so the pod needs the
  // largest of them; sidecars (restartPolicy Always) keep running and add up instead.
  Resources init_max;
  Resources sidecars;
  if (const json::array* ics = api::FindArray(pod, "spec.initContainers")) {
    for (const auto& c : *ics) {
      if (!c.is_object()) continue;
      Resources r = ContainerRequests(c.as_object(), non_zero);
      if (api::GetString(c.as_object(), "restartPolicy") == "Always") {
        sidecars.Add(r);
        init_max.SetMax(sidecars);
      } else {
        Resources with_sidecars = r;
        with_sidecars.Add(sidecars);
        init_max.SetMax(with_sidecars);
      }
    }
  }
  sum.Add(sidecars);
  sum.SetMax(init_max);
  sum.Add(ParseResourceList(api::FindObject(pod, "spec.overhead")));
  return sum;
}

}  // namespace

Resources PodRequests(const json::object& pod) { return Compute(pod, false); }
Resources PodNonZeroRequests(const json::object& pod) { return Compute(pod, true); }

}  // namespace skiff::scheduler
