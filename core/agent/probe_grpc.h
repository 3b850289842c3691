#pragma once

// One grpc probe attempt, as the kubelet makes it: the standard grpc.health.v1 Health/Check
// for spec.service over an insecure channel to host:spec.port; SERVING is success, any other
// answer or error a failure. gRPC stays out of prober.cc. Blocks for at most about
// spec.timeout.

#include <string>

#include "core/agent/prober.h"

namespace skiff::agent {

ProbeAttempt GrpcHealthProbe(const ProbeSpec& spec, const std::string& host);

}  // namespace skiff::agent
