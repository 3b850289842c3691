#pragma once

// Small builders of Node and Pod JSON for the scheduler tests.

#include <boost/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "core/scheduler/node_info.h"

namespace skiff::scheduler::testing {

namespace json = boost::json;

inline json::object Node(const std::string& name, const std::string& cpu = "4",
                         const std::string& memory = "8Gi", const std::string& pods = "110") {
  return json::object{
      {"apiVersion", "v1"},
      {"kind", "Node"},
      {"metadata", {{"name", name}, {"labels", {{"kubernetes.io/hostname", name}}}}},
      {"status",
       {{"allocatable", {{"cpu", cpu}, {"memory", memory}, {"pods", pods}}},
        {"capacity", {{"cpu", cpu}, {"memory", memory}, {"pods", pods}}}}}};
}

inline json::object Pod(const std::string& name, const std::string& cpu = "",
                        const std::string& memory = "", const std::string& ns = "default") {
  json::object requests;
  if (!cpu.empty()) requests["cpu"] = cpu;
  if (!memory.empty()) requests["memory"] = memory;
  return json::object{
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata", {{"name", name}, {"namespace", ns}, {"uid", "uid-" + name}}},
      {"spec",
       {{"containers",
         json::array{json::object{
             {"name", "c"}, {"image", "busybox"}, {"resources", {{"requests", requests}}}}}}}}};
}

// Sets a value at a dotted path, creating objects on the way.
inline void Set(json::object& obj, std::string_view path, json::value v) {
  json::object* cur = &obj;
  while (true) {
    auto dot = path.find('.');
    std::string key(path.substr(0, dot));
    if (dot == std::string_view::npos) {
      (*cur)[key] = std::move(v);
      return;
    }
    json::value& next = (*cur)[key];
    if (!next.is_object()) next = json::object();
    cur = &next.as_object();
    path.remove_prefix(dot + 1);
  }
}

inline json::object WithLabels(json::object obj, json::object labels) {
  json::object& meta = obj["metadata"].as_object();
  json::value& l = meta["labels"];
  if (!l.is_object()) l = json::object();
  for (auto& [k, v] : labels) l.as_object()[k] = v;
  return obj;
}

inline NodeInfo MakeNodeInfo(json::object node, std::vector<json::object> pods = {}) {
  NodeInfo info;
  info.node = NewNodeSpec(std::move(node));
  for (auto& p : pods) {
    Set(p, "spec.nodeName", json::string(info.node->name));
    info.AddPod(NewPodInfo(std::move(p)));
  }
  return info;
}

}  // namespace skiff::scheduler::testing
