#pragma once

// The registry of built-in kinds: group/version/kind/resource, scope, short names and
// subresources, as Kubernetes serves them. Immutable after construction; thread-safe.

#include <string>
#include <string_view>
#include <vector>

namespace skiff::api {

struct Kind {
  std::string group;     // "" for core
  std::string version;   // "v1"
  std::string kind;      // "Pod"
  std::string resource;  // "pods"
  std::string singular;  // "pod"
  bool namespaced = true;
  std::vector<std::string> short_names;  // {"po"}
  std::vector<std::string> categories;   // {"all"}
  bool has_status = false;               // serves the /status subresource (spec and status split)
  bool has_scale = false;                // serves the /scale subresource
  bool has_binding = false;              // pods/binding

  std::string ApiVersion() const { return group.empty() ? version : group + "/" + version; }
  std::string ListKind() const { return kind + "List"; }
};

class KindRegistry {
 public:
  // The kinds this server serves (core/v1, apps/v1, batch/v1 Job and CronJob,
  // coordination.k8s.io/v1, storage.k8s.io/v1).
  static const KindRegistry& Builtin();

  const std::vector<Kind>& All() const { return kinds_; }
  const Kind* ByResource(std::string_view group, std::string_view version,
                         std::string_view resource) const;
  // apiVersion as in an object ("v1", "apps/v1").
  const Kind* ByKind(std::string_view api_version, std::string_view kind) const;
  // Group versions in discovery order, e.g. {"apps/v1", "coordination.k8s.io/v1", ...}
  // (core "v1" excluded: it is served under /api).
  std::vector<std::string> GroupVersions() const;

  explicit KindRegistry(std::vector<Kind> kinds) : kinds_(std::move(kinds)) {}

 private:
  std::vector<Kind> kinds_;
};

}  // namespace skiff::api
