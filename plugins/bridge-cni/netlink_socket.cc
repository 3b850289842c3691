#include "plugins/bridge-cni/netlink_socket.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

namespace skiff::bridge_cni {
namespace {

// Large enough for any dump batch the kernel sends (it fills up to ~32 KiB per recv).
constexpr size_t kReceiveBuffer = 64 * 1024;

std::string ExtendedAckText(const nlmsghdr* h) {
  // With NETLINK_EXT_ACK the error message carries TLVs after the echoed request header.
  auto* err = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
  size_t offset = sizeof(nlmsgerr);
  if (!(h->nlmsg_flags & NLM_F_CAPPED)) offset += err->msg.nlmsg_len - NLMSG_HDRLEN;
  if (!(h->nlmsg_flags & NLM_F_ACK_TLVS)) return {};
  const char* start = reinterpret_cast<const char*>(NLMSG_DATA(h)) + NLMSG_ALIGN(offset);
  const char* end = reinterpret_cast<const char*>(h) + h->nlmsg_len;
  std::string text;
  if (end > start) {
    ForEachAttr(start, end - start, [&](uint16_t type, const void* data, size_t len) {
      if (type == NLMSGERR_ATTR_MSG && len > 0) {
        text.assign(static_cast<const char*>(data), strnlen(static_cast<const char*>(data), len));
      }
    });
  }
  return text;
}

}  // namespace

SysError NetlinkSocket::Open(NetlinkSocket* out) {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return SysError(errno, "netlink socket");
  int one = 1;
  // Best effort: older kernels lack these; they only improve error text and ack size.
  setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
  setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;
  if (bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof(local)) < 0) {
    int e = errno;
    close(fd);
    return SysError(e, "netlink bind");
  }
  *out = NetlinkSocket(fd);
  return {};
}

NetlinkSocket::NetlinkSocket(NetlinkSocket&& other) noexcept : fd_(other.fd_), seq_(other.seq_) {
  other.fd_ = -1;
}

NetlinkSocket& NetlinkSocket::operator=(NetlinkSocket&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = other.fd_;
    seq_ = other.seq_;
    other.fd_ = -1;
  }
  return *this;
}

NetlinkSocket::~NetlinkSocket() {
  if (fd_ >= 0) close(fd_);
}

SysError NetlinkSocket::Transact(NetlinkMessage& msg, const char* what,
                                 const std::function<void(const nlmsghdr*)>& on_reply) {
  return Exchange(msg, what, false, on_reply);
}

SysError NetlinkSocket::Dump(NetlinkMessage& msg, const char* what,
                             const std::function<void(const nlmsghdr*)>& on_reply) {
  return Exchange(msg, what, true, on_reply);
}

SysError NetlinkSocket::Exchange(NetlinkMessage& msg, const char* what, bool dump,
                                 const std::function<void(const nlmsghdr*)>& on_reply) {
  if (fd_ < 0) return SysError(EBADF, what);
  nlmsghdr* h = msg.header();
  h->nlmsg_seq = ++seq_;
  h->nlmsg_flags |= NLM_F_REQUEST | (dump ? NLM_F_DUMP : NLM_F_ACK);
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  ssize_t sent;
  do {
    sent = sendto(fd_, msg.data(), msg.size(), 0, reinterpret_cast<sockaddr*>(&kernel),
                  sizeof(kernel));
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) return SysError(errno, what);

  std::vector<char> buf(kReceiveBuffer);
  for (;;) {
    ssize_t n = recv(fd_, buf.data(), buf.size(), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return SysError(errno, what);
    }
    int remaining = static_cast<int>(n);
    for (auto* r = reinterpret_cast<const nlmsghdr*>(buf.data()); NLMSG_OK(r, remaining);
         r = NLMSG_NEXT(r, remaining)) {
      if (r->nlmsg_seq != seq_) continue;  // a late answer to an earlier request
      if (r->nlmsg_type == NLMSG_DONE) return {};
      if (r->nlmsg_type == NLMSG_ERROR) {
        auto* err = static_cast<const nlmsgerr*>(NLMSG_DATA(r));
        if (err->error == 0) return {};
        std::string text = what;
        std::string ext = ExtendedAckText(r);
        if (!ext.empty()) text += " (" + ext + ")";
        return SysError(-err->error, text);
      }
      if (on_reply) on_reply(r);
    }
  }
}

}  // namespace skiff::bridge_cni
