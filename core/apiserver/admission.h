#pragma once

// The mutating admission plugins skiff runs after defaulting, on create and update of the main
// resource (not subresources): DefaultTolerationSeconds (pods tolerate not-ready/unreachable
// NoExecute taints for a while) and, on create only, DefaultStorageClass (a claim without
// storageClassName gets the class annotated storageclass.kubernetes.io/is-default-class).

#include <boost/json/object.hpp>
#include <cstdint>

#include "core/api/kinds.h"

namespace skiff::apiserver {

class ObjectRegistry;

struct AdmissionConfig {
  int64_t default_toleration_seconds = 300;
};

void AdmitCreate(const ObjectRegistry& registry, const AdmissionConfig& config,
                 const api::Kind& kind, boost::json::object& obj);
void AdmitUpdate(const AdmissionConfig& config, const api::Kind& kind, boost::json::object& obj);

}  // namespace skiff::apiserver
