#include <fcntl.h>
#include <sched.h>
#include <skiff/sdk/netns.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <thread>

namespace skiff::sdk {
namespace {

std::string Errno(std::string_view what) { return std::string(what) + ": " + std::strerror(errno); }

bool ValidName(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos;
}

// Like `ip netns`: the directory is a shared mount point, so a namespace pinned here later
// propagates to mount namespaces that were copied from this one.
Status PrepareNetnsDir() {
  static std::mutex mu;
  std::lock_guard lock(mu);
  std::error_code ec;
  std::filesystem::create_directories(kNetnsDir, ec);
  if (ec) return Status::Internal(std::string("create ") + kNetnsDir + ": " + ec.message());
  if (mount("", kNetnsDir, "none", MS_SHARED | MS_REC, nullptr) == 0) return Status::Ok();
  if (errno != EINVAL) return Status::Internal(Errno(std::string("make-shared ") + kNetnsDir));
  if (mount(kNetnsDir, kNetnsDir, "none", MS_BIND | MS_REC, nullptr) != 0) {
    return Status::Internal(Errno(std::string("bind ") + kNetnsDir));
  }
  if (mount("", kNetnsDir, "none", MS_SHARED | MS_REC, nullptr) != 0) {
    return Status::Internal(Errno(std::string("make-shared ") + kNetnsDir));
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> CreateNamedNetns(const std::string& name) {
  if (!ValidName(name)) return Status::InvalidArgument("invalid netns name \"" + name + "\"");
  if (Status st = PrepareNetnsDir(); !st.ok()) return st;
  std::string path = std::string(kNetnsDir) + "/" + name;
  int fd = open(path.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
  if (fd < 0) {
    if (errno == EEXIST) return Status::AlreadyExists("netns " + path + " exists");
    return Status::Internal(Errno("create " + path));
  }
  close(fd);
  // unshare() moves only the calling thread; a throwaway thread keeps ours where it is.
  Status st;
  std::thread([&] {
    if (unshare(CLONE_NEWNET) != 0) {
      st = Status::Internal(Errno("unshare(CLONE_NEWNET)"));
    } else if (mount("/proc/thread-self/ns/net", path.c_str(), "none", MS_BIND, nullptr) != 0) {
      st = Status::Internal(Errno("pin netns at " + path));
    }
  }).join();
  if (!st.ok()) {
    unlink(path.c_str());
    return st;
  }
  return path;
}

Status DeleteNamedNetns(const std::string& name) {
  if (!ValidName(name)) return Status::InvalidArgument("invalid netns name \"" + name + "\"");
  std::string path = std::string(kNetnsDir) + "/" + name;
  if (umount2(path.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
    return Status::Internal(Errno("unmount " + path));
  }
  if (unlink(path.c_str()) != 0 && errno != ENOENT)
    return Status::Internal(Errno("remove " + path));
  return Status::Ok();
}

Status RunInNetns(const std::string& netns_path, const std::function<Status()>& fn) {
  Status st;
  std::thread([&] {
    int fd = open(netns_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      st = Status::NotFound(Errno("open netns " + netns_path));
      return;
    }
    int rc = setns(fd, CLONE_NEWNET);
    close(fd);
    if (rc != 0) {
      st = Status::Internal(Errno("enter netns " + netns_path));
      return;
    }
    st = fn();
  }).join();
  return st;
}

}  // namespace skiff::sdk
