#pragma once

// The hash of a pod template that names a workload's revision (the `controller-revision-hash`
// label): FNV-1a over the template's JSON with object keys sorted, so key order does not
// matter, printed in Kubernetes' "safe" alphabet (no vowels, no look-alike digits).

#include <boost/json/value.hpp>
#include <string>

namespace skiff::controllers {

std::string TemplateHash(const boost::json::value& pod_template);

}  // namespace skiff::controllers
