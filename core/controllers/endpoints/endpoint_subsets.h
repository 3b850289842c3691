#pragma once

// The subsets of a Service's Endpoints, computed from the Service and the pods of its namespace:
// pods the selector matches that have an IP, are not terminating and not finished; ready ones
// (condition Ready=True) under `addresses`, the others under `notReadyAddresses`. Ports come
// from the Service (targetPort by number, or by the name of a container port in each pod), so
// pods that resolve a named port differently land in different subsets. Pure functions.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <vector>

namespace skiff::controllers {

// True when the Service's spec.selector (a map) is non-empty and the pod's labels contain it.
bool ServiceSelects(const boost::json::object& service, const boost::json::object& pod);

// Deterministic: addresses sorted by IP, subsets by their ports.
boost::json::array EndpointSubsets(const boost::json::object& service,
                                   const std::vector<boost::json::object>& pods);

}  // namespace skiff::controllers
