#pragma once

// Server-side printing: the meta.k8s.io/v1 `Table` kubectl asks for with
// `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`. Columns as kubectl shows them for
// each built-in kind (pods: Name, Ready, Status, Restarts, Age, and IP, Node, Nominated Node,
// Readiness Gates at priority 1 for -o wide; nodes; deployments; ...). Pure function.

#include <boost/json/object.hpp>
#include <chrono>
#include <vector>

#include "core/api/kinds.h"

namespace skiff::api {

struct TableOptions {
  // includeObject: "None", "Metadata" (default: PartialObjectMetadata) or "Object".
  enum class Include { kNone, kMetadata, kObject };
  Include include = Include::kMetadata;
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
};

// objects: full objects of this kind. Returns the Table object without list metadata
// (the caller sets metadata.resourceVersion / continue).
boost::json::object ToTable(const Kind& kind,
                            const std::vector<const boost::json::object*>& objects,
                            const TableOptions& options);

}  // namespace skiff::api
