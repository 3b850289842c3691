#pragma once

// One httpGet probe attempt over HTTPS, as the kubelet makes it: TLS without verifying the
// server's certificate, GET spec.path with the probe's headers, success on a status code from
// 200 to 399. Boost.Beast over OpenSSL, kept out of prober.cc. Blocks for at most about
// spec.timeout.

#include <string>

#include "core/agent/prober.h"

namespace skiff::agent {

ProbeAttempt HttpsGetProbe(const ProbeSpec& spec, const std::string& host);

}  // namespace skiff::agent
