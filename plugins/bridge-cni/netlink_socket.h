#pragma once

// A NETLINK_ROUTE socket. A netlink socket acts on the network namespace it was created in,
// which is how the plugin configures a pod's namespace without moving any long-lived thread:
// see netns.h. One socket serves one caller at a time (not thread-safe); sockets are cheap,
// so each plugin call opens its own.

#include <linux/netlink.h>

#include <cstdint>
#include <functional>

#include "plugins/bridge-cni/netlink_message.h"
#include "plugins/bridge-cni/sys_error.h"

namespace skiff::bridge_cni {

class NetlinkSocket {
 public:
  // Opens a socket in the calling thread's current network namespace.
  static SysError Open(NetlinkSocket* out);

  NetlinkSocket() = default;
  NetlinkSocket(NetlinkSocket&& other) noexcept;
  NetlinkSocket& operator=(NetlinkSocket&& other) noexcept;
  NetlinkSocket(const NetlinkSocket&) = delete;
  NetlinkSocket& operator=(const NetlinkSocket&) = delete;
  ~NetlinkSocket();

  bool valid() const { return fd_ >= 0; }

  // Sends `msg` with NLM_F_ACK and waits for the kernel's answer; reply messages before the
  // ack (e.g. the link of an RTM_GETLINK) go to `on_reply`. `what` names the operation in
  // the returned error, together with the kernel's extended-ack text when it gives one.
  SysError Transact(NetlinkMessage& msg, const char* what,
                    const std::function<void(const nlmsghdr*)>& on_reply = {});

  // Sends a NLM_F_DUMP request and hands every reply message to `on_reply`.
  SysError Dump(NetlinkMessage& msg, const char* what,
                const std::function<void(const nlmsghdr*)>& on_reply);

 private:
  explicit NetlinkSocket(int fd) : fd_(fd) {}
  SysError Exchange(NetlinkMessage& msg, const char* what, bool dump,
                    const std::function<void(const nlmsghdr*)>& on_reply);

  int fd_ = -1;
  uint32_t seq_ = 0;
};

}  // namespace skiff::bridge_cni
