#include "plugins/bridge-cni/netns.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <thread>

namespace skiff::bridge_cni {
namespace {
// From linux/magic.h; namespace files live on nsfs (bind-mounted ones too).
constexpr long kNsfsMagic = 0x6e736673;
}  // namespace

SysError NetnsHandle::Open(const std::string& path, NetnsHandle* out) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return SysError(errno, "open netns " + path);
  struct statfs fs {};
  if (fstatfs(fd, &fs) != 0 || fs.f_type != kNsfsMagic) {
    close(fd);
    return SysError(EINVAL, "open netns " + path + " (not a namespace file)");
  }
  NetnsHandle h;
  h.fd_ = fd;
  *out = std::move(h);
  return {};
}

NetnsHandle& NetnsHandle::operator=(NetnsHandle&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

NetnsHandle::~NetnsHandle() {
  if (fd_ >= 0) close(fd_);
}

SysError OpenNetlinkIn(const NetnsHandle& ns, NetlinkSocket* out) {
  SysError result;
  // setns(CLONE_NEWNET) changes only the calling thread; this thread dies right after, so
  // no thread of the caller's process is ever left in the pod's namespace.
  try {
    std::thread worker([&] {
      if (setns(ns.fd(), CLONE_NEWNET) != 0) {
        result = SysError(errno, "setns");
        return;
      }
      result = NetlinkSocket::Open(out);
    });
    worker.join();
  } catch (const std::system_error& e) {
    return SysError(e.code().value(), "start netns thread");
  }
  return result;
}

}  // namespace skiff::bridge_cni
