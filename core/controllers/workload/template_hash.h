#pragma once

// The hash of a pod template that names a workload's revision (the `controller-revision-hash`
// label): FNV-1a over the template's JSON with object keys sorted, so key order does not
// matter, printed in Kubernetes' "safe" alphabet (no vowels, no look-alike digits). A set's
// status.collisionCount, when above 0, is hashed in too, so a revision name that another
// revision already holds is replaced by another.

#include <boost/json/value.hpp>
#include <cstdint>
#include <string>

namespace skiff::controllers {

std::string TemplateHash(const boost::json::value& pod_template, std::int64_t collision_count = 0);

}  // namespace skiff::controllers
