#pragma once

// PATCH bodies: JSON merge patch (RFC 7386), JSON patch (RFC 6902), and Kubernetes strategic
// merge patch for the built-in kinds' keyed lists (containers by name, ports by
// containerPort/port, env by name, volumes by name, volumeMounts by mountPath, conditions by
// type, ...; `$patch: delete|replace`, `$retainKeys`, `$setElementOrder/...` directives).
// Pure functions; errors are InvalidArgument with a message fit for a 400/422 Status.

#include <boost/json/value.hpp>

#include "core/api/kinds.h"
#include "core/base/status.h"

namespace skiff::api {

Result<boost::json::value> ApplyMergePatch(const boost::json::value& target,
                                           const boost::json::value& patch);
Result<boost::json::value> ApplyJsonPatch(const boost::json::value& target,
                                          const boost::json::value& patch);
Result<boost::json::value> ApplyStrategicMergePatch(const Kind& kind,
                                                    const boost::json::value& target,
                                                    const boost::json::value& patch);

}  // namespace skiff::api
