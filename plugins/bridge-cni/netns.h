#pragma once

// Network namespaces named by path (/var/run/netns/NAME, /proc/PID/ns/net). The plugin never
// moves a long-lived thread into a pod's namespace: a short-lived thread enters it, opens a
// netlink socket there and exits. The socket stays bound to that namespace, so the caller
// then configures the pod's links from its own thread.

#include <string>

#include "plugins/bridge-cni/netlink_socket.h"
#include "plugins/bridge-cni/sys_error.h"

namespace skiff::bridge_cni {

// An open namespace file; holding it keeps the namespace alive.
class NetnsHandle {
 public:
  // ENOENT when the path does not exist; EINVAL when it is not a network namespace.
  static SysError Open(const std::string& path, NetnsHandle* out);

  NetnsHandle() = default;
  NetnsHandle(NetnsHandle&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  NetnsHandle& operator=(NetnsHandle&& other) noexcept;
  NetnsHandle(const NetnsHandle&) = delete;
  NetnsHandle& operator=(const NetnsHandle&) = delete;
  ~NetnsHandle();

  int fd() const { return fd_; }

 private:
  int fd_ = -1;
};

// Opens a NETLINK_ROUTE socket that acts inside `ns`.
SysError OpenNetlinkIn(const NetnsHandle& ns, NetlinkSocket* out);

}  // namespace skiff::bridge_cni
