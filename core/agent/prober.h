#pragma once

// Container probes as the kubelet runs them: a probe spec parsed from a container's
// livenessProbe / readinessProbe / startupProbe, one attempt of it (exec through the runtime's
// ExecSync; httpGet over HTTP or HTTPS, tcpSocket and grpc health to the pod IP), and the per-probe
// state that turns attempts into a result with initialDelaySeconds, periodSeconds, successThreshold
// and failureThreshold. Not thread-safe: a pod worker owns its trackers and runs on one strand.

#include <skiff/sdk/runtime.h>

#include <boost/json/object.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/base/status.h"

namespace skiff::agent {

struct ProbeSpec {
  enum class Kind { kExec, kHttpGet, kTcpSocket, kGrpc };
  Kind kind = Kind::kExec;
  std::vector<std::string> command;  // kExec
  std::string host;                  // kHttpGet, kTcpSocket: "" = the pod IP; kGrpc: the pod IP
  int port = 0;
  std::string path = "/";  // kHttpGet
  bool https = false;      // kHttpGet with scheme HTTPS (the certificate is not verified)
  std::string service;     // kGrpc: the service named in the health Check ("" = the server)
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::seconds initial_delay{0};
  std::chrono::seconds period{10};
  std::chrono::seconds timeout{1};
  int success_threshold = 1;
  int failure_threshold = 3;
};

// `probe` is the probe object, `container` its container (for named ports). An unknown
// scheme and unknown port names are InvalidArgument.
Result<ProbeSpec> ParseProbe(const boost::json::object& probe,
                             const boost::json::object& container);

struct ProbeAttempt {
  bool success = false;
  std::string message;  // why it failed
};

// One attempt; blocks for at most about spec.timeout.
ProbeAttempt RunProbeOnce(const ProbeSpec& spec, sdk::RuntimeService& runtime,
                          const std::string& container_id, const std::string& pod_ip);

// The state of one probe of one container instance (a new container id starts over).
class ProbeTracker {
 public:
  using Clock = std::chrono::steady_clock;

  // `initial` is the result before the first attempt decides (false for readiness, true for
  // liveness).
  ProbeTracker(ProbeSpec spec, bool initial, Clock::time_point container_started)
      : spec_(std::move(spec)), result_(initial), next_(container_started + spec_.initial_delay) {}

  bool Due(Clock::time_point now) const { return now >= next_; }
  Clock::time_point next() const { return next_; }
  // Records an attempt made at `now`; returns true when the result changed.
  bool Record(const ProbeAttempt& attempt, Clock::time_point now);
  bool result() const { return result_; }
  // failureThreshold attempts in a row failed (liveness and startup probes then kill).
  bool failed() const { return failures_ >= spec_.failure_threshold; }
  const std::string& last_message() const { return last_message_; }
  const ProbeSpec& spec() const { return spec_; }

 private:
  ProbeSpec spec_;
  bool result_;
  int successes_ = 0;
  int failures_ = 0;
  std::string last_message_;
  Clock::time_point next_;
};

}  // namespace skiff::agent
