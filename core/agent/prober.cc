#include "core/agent/prober.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>

#include "core/agent/probe_grpc.h"
#include "core/agent/probe_https.h"
#include "core/api/json_fields.h"
#include "core/base/blocking_region.h"

namespace skiff::agent {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

std::chrono::seconds Seconds(const json::object& probe, const char* key, int64_t fallback,
                             int64_t minimum) {
  return std::chrono::seconds(std::max(minimum, api::GetInt(probe, key).value_or(fallback)));
}

// A port given as a number or as the name of one of the container's ports.
Result<int> ResolvePort(const json::object& action, const json::object& container) {
  auto it = action.find("port");
  if (it == action.end()) return Status::InvalidArgument("probe has no port");
  if (it->value().is_int64()) return static_cast<int>(it->value().as_int64());
  if (it->value().is_string()) {
    std::string name(it->value().as_string());
    if (const json::array* ports = api::FindArray(container, "ports")) {
      for (const auto& p : *ports) {
        if (p.is_object() && api::GetString(p.as_object(), "name") == name) {
          return static_cast<int>(api::GetInt(p.as_object(), "containerPort").value_or(0));
        }
      }
    }
    // A numeric string is a port too.
    if (!name.empty() && name.find_first_not_of("0123456789") == std::string::npos) {
      return std::stoi(name);
    }
    return Status::InvalidArgument("probe port \"" + name + "\" is not a port of the container");
  }
  return Status::InvalidArgument("probe port must be a number or a port name");
}

// A connected TCP socket to host:port within `timeout`, or -1 with `error` set.
int Connect(const std::string& host, int port, std::chrono::milliseconds timeout,
            std::string* error) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    *error = "not an IPv4 address: " + host;
    return -1;
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *error = std::strerror(errno);
    return -1;
  }
  int rc = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  if (rc != 0 && errno != EINPROGRESS) {
    *error = "dial tcp " + host + ":" + std::to_string(port) + ": " + std::strerror(errno);
    close(fd);
    return -1;
  }
  if (rc != 0) {
    pollfd p{fd, POLLOUT, 0};
    int n = poll(&p, 1, static_cast<int>(timeout.count()));
    int err = 0;
    socklen_t len = sizeof err;
    if (n <= 0) {
      *error = "dial tcp " + host + ":" + std::to_string(port) + ": i/o timeout";
      close(fd);
      return -1;
    }
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      *error = "dial tcp " + host + ":" + std::to_string(port) + ": " + std::strerror(err);
      close(fd);
      return -1;
    }
  }
  return fd;
}

ProbeAttempt HttpGet(const ProbeSpec& spec, const std::string& host) {
  auto deadline = Clock::now() + spec.timeout;
  auto left = [&] {
    return std::max<int64_t>(
        0, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
  };
  std::string error;
  int fd = Connect(host, spec.port, std::chrono::milliseconds(left()), &error);
  if (fd < 0) return {false, "Get \"http://" + host + spec.path + "\": " + error};
  std::string request = "GET " + spec.path + " HTTP/1.1\r\nHost: " + host + ":" +
                        std::to_string(spec.port) +
                        "\r\nUser-Agent: kube-probe/1.32\r\nAccept: */*\r\nConnection: close\r\n";
  for (const auto& [k, v] : spec.headers) request += k + ": " + v + "\r\n";
  request += "\r\n";
  std::size_t sent = 0;
  std::string response;
  while (left() > 0) {
    pollfd p{fd, static_cast<short>(sent < request.size() ? POLLOUT : POLLIN), 0};
    if (poll(&p, 1, static_cast<int>(left())) <= 0) break;
    if (sent < request.size()) {
      ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
      continue;
    }
    char buf[4096];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    response.append(buf, static_cast<std::size_t>(n));
    if (response.find("\r\n") != std::string::npos) break;  // the status line is enough
  }
  close(fd);
  // "HTTP/1.1 200 OK"
  auto sp = response.find(' ');
  if (!response.starts_with("HTTP/") || sp == std::string::npos || response.size() < sp + 4) {
    return {false, "Get \"http://" + host + spec.path + "\": no HTTP response in time"};
  }
  int code = std::atoi(response.substr(sp + 1, 3).c_str());
  if (code >= 200 && code < 400) return {true, ""};
  return {false, "HTTP probe failed with statuscode: " + std::to_string(code)};
}

}  // namespace

Result<ProbeSpec> ParseProbe(const json::object& probe, const json::object& container) {
  ProbeSpec s;
  s.initial_delay = Seconds(probe, "initialDelaySeconds", 0, 0);
  s.period = Seconds(probe, "periodSeconds", 10, 1);
  s.timeout = Seconds(probe, "timeoutSeconds", 1, 1);
  s.success_threshold =
      static_cast<int>(std::max<int64_t>(1, api::GetInt(probe, "successThreshold").value_or(1)));
  s.failure_threshold =
      static_cast<int>(std::max<int64_t>(1, api::GetInt(probe, "failureThreshold").value_or(3)));
  if (const json::object* exec = api::FindObject(probe, "exec")) {
    s.kind = ProbeSpec::Kind::kExec;
    if (const json::array* cmd = api::FindArray(*exec, "command")) {
      for (const auto& a : *cmd) {
        if (a.is_string()) s.command.emplace_back(a.as_string());
      }
    }
    if (s.command.empty()) return Status::InvalidArgument("exec probe has no command");
    return s;
  }
  const json::object* action = nullptr;
  if ((action = api::FindObject(probe, "httpGet"))) {
    s.kind = ProbeSpec::Kind::kHttpGet;
    std::string scheme(api::GetString(*action, "scheme"));
    if (!scheme.empty() && scheme != "HTTP" && scheme != "HTTPS") {
      return Status::InvalidArgument("httpGet probe scheme " + scheme + " is not supported");
    }
    s.https = scheme == "HTTPS";
    std::string path(api::GetString(*action, "path"));
    s.path = path.empty() ? "/" : (path.starts_with("/") ? path : "/" + path);
    if (const json::array* headers = api::FindArray(*action, "httpHeaders")) {
      for (const auto& h : *headers) {
        if (!h.is_object()) continue;
        s.headers.emplace_back(api::GetString(h.as_object(), "name"),
                               api::GetString(h.as_object(), "value"));
      }
    }
  } else if ((action = api::FindObject(probe, "tcpSocket"))) {
    s.kind = ProbeSpec::Kind::kTcpSocket;
  } else if ((action = api::FindObject(probe, "grpc"))) {
    s.kind = ProbeSpec::Kind::kGrpc;
    s.service = std::string(api::GetString(*action, "service"));
  } else {
    return Status::InvalidArgument("probe has no exec, httpGet, tcpSocket or grpc action");
  }
  auto port = ResolvePort(*action, container);
  if (!port.ok()) return port.status();
  if (*port <= 0 || *port > 65535) return Status::InvalidArgument("probe port out of range");
  s.port = *port;
  if (s.kind != ProbeSpec::Kind::kGrpc) s.host = std::string(api::GetString(*action, "host"));
  return s;
}

ProbeAttempt RunProbeOnce(const ProbeSpec& spec, sdk::RuntimeService& runtime,
                          const std::string& container_id, const std::string& pod_ip) {
  const std::string host = spec.host.empty() ? pod_ip : spec.host;
  BlockingRegion blocking;  // network waits and ExecSync: the pool runs other pods meanwhile
  switch (spec.kind) {
    case ProbeSpec::Kind::kExec: {
      auto r = runtime.ExecSync(container_id, spec.command, spec.timeout);
      if (!r.ok()) return {false, "exec probe: " + r.status().ToString()};
      if (r->exit_code == 0) return {true, ""};
      std::string out = r->stdout + r->stderr;
      if (out.size() > 1024) out.resize(1024);
      return {false, "command exited with " + std::to_string(r->exit_code) +
                         (out.empty() ? "" : ": " + out)};
    }
    case ProbeSpec::Kind::kHttpGet:
      return spec.https ? HttpsGetProbe(spec, host) : HttpGet(spec, host);
    case ProbeSpec::Kind::kGrpc:
      return GrpcHealthProbe(spec, host);
    case ProbeSpec::Kind::kTcpSocket: {
      std::string error;
      int fd = Connect(host, spec.port, spec.timeout, &error);
      if (fd < 0) return {false, error};
      close(fd);
      return {true, ""};
    }
  }
  return {false, "unknown probe"};
}

bool ProbeTracker::Record(const ProbeAttempt& attempt, Clock::time_point now) {
  next_ = now + spec_.period;
  bool before = result_;
  if (attempt.success) {
    failures_ = 0;
    if (++successes_ >= spec_.success_threshold) result_ = true;
  } else {
    successes_ = 0;
    last_message_ = attempt.message;
    if (++failures_ >= spec_.failure_threshold) result_ = false;
  }
  return result_ != before;
}

}  // namespace skiff::agent
