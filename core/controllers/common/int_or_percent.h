#pragma once

// Kubernetes' intOrString limits (maxSurge, maxUnavailable): 2, or "25%" of a total.

#include <boost/json/fwd.hpp>
#include <cstdint>

namespace skiff::controllers {

// `v` against `total`: an integer as is, "N%" as N% of total rounded up (round_up, as for
// maxSurge) or down; 0 when absent or malformed.
std::int64_t ScaledValue(const boost::json::value* v, std::int64_t total, bool round_up);

}  // namespace skiff::controllers
