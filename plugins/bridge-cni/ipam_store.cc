#include "plugins/bridge-cni/ipam_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <climits>

namespace skiff::bridge_cni {
namespace {

SysError MakeDirs(const std::string& path) {
  std::string partial;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    partial = path.substr(0, pos);
    if (partial.empty()) continue;
    if (mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST) {
      return SysError(errno, "mkdir " + partial);
    }
  }
  return {};
}

SysError WriteAll(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return SysError(errno, "write");
    }
    off += static_cast<size_t>(n);
  }
  return {};
}

}  // namespace

bool ValidContainerId(const std::string& id) {
  if (id.empty() || id.size() > 255 || id == "." || id == "..") return false;
  for (unsigned char c : id) {
    if (!std::isalnum(c) && c != '_' && c != '.' && c != '-') return false;
  }
  return true;
}

bool ValidIfname(const std::string& ifname) {
  if (ifname.empty() || ifname.size() > 15 || ifname == "." || ifname == "..") return false;
  for (unsigned char c : ifname) {
    if (c == '/' || c == ':' || std::isspace(c) || !std::isprint(c)) return false;
  }
  return true;
}

// Holds the in-process mutex and the cross-process flock together.
class IpamStore::Lock {
 public:
  explicit Lock(IpamStore& s) : s_(s), guard_(s.mu_) {
    while (flock(s_.lock_fd_, LOCK_EX) != 0 && errno == EINTR) {
    }
  }
  ~Lock() { flock(s_.lock_fd_, LOCK_UN); }

 private:
  IpamStore& s_;
  std::lock_guard<std::mutex> guard_;
};

SysError IpamStore::Open(const std::string& dir, const Ipv4Prefix& subnet,
                         std::vector<Ipv4Address> reserved, std::unique_ptr<IpamStore>* out) {
  if (subnet.length > 30)
    return SysError(EINVAL, "ipam subnet " + subnet.ToString() + " too small");
  if (SysError e = MakeDirs(dir + "/owners"); !e.ok()) return e;
  std::string lock_path = dir + "/lock";
  int fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return SysError(errno, "open " + lock_path);
  Ipv4Prefix network{subnet.Network(), subnet.length};
  out->reset(new IpamStore(dir, network, std::move(reserved), fd));
  return {};
}

IpamStore::IpamStore(std::string dir, Ipv4Prefix subnet, std::vector<Ipv4Address> reserved,
                     int lock_fd)
    : dir_(std::move(dir)), subnet_(subnet), reserved_(std::move(reserved)), lock_fd_(lock_fd) {}

IpamStore::~IpamStore() { close(lock_fd_); }

std::string IpamStore::AddressPath(Ipv4Address a) const { return dir_ + "/" + a.ToString(); }

std::string IpamStore::OwnerPath(const IpamOwner& owner) const {
  return dir_ + "/owners/" + owner.container_id + ":" + owner.ifname;
}

bool IpamStore::Assignable(Ipv4Address a) const {
  if (!subnet_.Contains(a) || a == subnet_.Network() || a == subnet_.Broadcast()) return false;
  for (Ipv4Address r : reserved_) {
    if (r == a) return false;
  }
  return true;
}

Ipv4Address IpamStore::LastReserved() const {
  char buf[32] = {};
  ssize_t n = pread(lock_fd_, buf, sizeof(buf) - 1, 0);
  if (n > 0) {
    std::string text(buf, static_cast<size_t>(n));
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    if (auto a = Ipv4Address::Parse(text); a && subnet_.Contains(*a)) return *a;
  }
  return subnet_.Network();
}

void IpamStore::SetLastReserved(Ipv4Address a) const {
  // Padded to a fixed width so a shorter address never leaves a stale tail behind.
  std::string text = a.ToString();
  text.resize(16, ' ');
  text += '\n';
  // Only a hint for round robin: losing it costs nothing but reuse order.
  (void)!pwrite(lock_fd_, text.data(), text.size(), 0);
}

SysError IpamStore::ReadOwner(Ipv4Address a, IpamOwner* owner) const {
  std::string path = AddressPath(a);
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return SysError(errno, "open " + path);
  char buf[512];
  ssize_t n = read(fd, buf, sizeof(buf));
  int e = errno;
  close(fd);
  if (n < 0) return SysError(e, "read " + path);
  std::string text(buf, static_cast<size_t>(n));
  size_t nl = text.find('\n');
  owner->container_id = text.substr(0, nl);
  owner->ifname.clear();
  if (nl != std::string::npos) {
    size_t end = text.find('\n', nl + 1);
    owner->ifname = text.substr(nl + 1, end == std::string::npos ? end : end - nl - 1);
  }
  return {};
}

SysError IpamStore::FindLocked(const IpamOwner& owner, std::optional<Ipv4Address>* out) {
  out->reset();
  std::string link = OwnerPath(owner);
  char target[64];
  ssize_t n = readlink(link.c_str(), target, sizeof(target) - 1);
  if (n < 0) {
    if (errno == ENOENT) return {};
    return SysError(errno, "readlink " + link);
  }
  auto a = Ipv4Address::Parse(std::string_view(target, static_cast<size_t>(n)));
  IpamOwner recorded;
  if (a && ReadOwner(*a, &recorded).ok() && recorded == owner) {
    *out = *a;
    return {};
  }
  // A link left by a crash between its creation and the address file's, or whose address
  // was since released by GC: it proves nothing, so drop it.
  unlink(link.c_str());
  return {};
}

SysError IpamStore::Find(const IpamOwner& owner, std::optional<Ipv4Address>* out) {
  Lock lock(*this);
  return FindLocked(owner, out);
}

SysError IpamStore::Allocate(const IpamOwner& owner, Ipv4Address* out, bool* existed) {
  if (!ValidContainerId(owner.container_id) || !ValidIfname(owner.ifname)) {
    return SysError(EINVAL, "ipam owner " + owner.container_id + "/" + owner.ifname);
  }
  Lock lock(*this);
  std::optional<Ipv4Address> current;
  if (SysError e = FindLocked(owner, &current); !e.ok()) return e;
  if (current) {
    *out = *current;
    *existed = true;
    return {};
  }
  *existed = false;
  const uint32_t first = subnet_.Network().value + 1;
  const uint32_t last = subnet_.Broadcast().value - 1;
  const uint32_t count = last - first + 1;
  uint32_t start = LastReserved().value;
  if (start < first || start > last) start = last;  // so the scan begins at `first`
  const std::string content = owner.container_id + "\n" + owner.ifname + "\n";
  for (uint32_t i = 1; i <= count; ++i) {
    Ipv4Address candidate{first + (start - first + i) % count};
    if (!Assignable(candidate)) continue;
    std::string path = AddressPath(candidate);
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
      if (errno == EEXIST) continue;
      return SysError(errno, "create " + path);
    }
    SysError w = WriteAll(fd, content);
    close(fd);
    if (!w.ok()) {
      unlink(path.c_str());
      return SysError(w.err(), "write " + path);
    }
    std::string link = OwnerPath(owner);
    std::string target = candidate.ToString();
    if (symlink(target.c_str(), link.c_str()) != 0) {
      int e = errno;
      if (e == EEXIST) {
        unlink(link.c_str());
        if (symlink(target.c_str(), link.c_str()) == 0) e = 0;
      }
      if (e != 0) {
        unlink(path.c_str());
        return SysError(e, "symlink " + link);
      }
    }
    SetLastReserved(candidate);
    *out = candidate;
    return {};
  }
  return SysError(ENOSPC, "no free address in " + subnet_.ToString());
}

SysError IpamStore::ReleaseAddressLocked(Ipv4Address a, const IpamOwner& owner) {
  std::string path = AddressPath(a);
  if (unlink(path.c_str()) != 0 && errno != ENOENT) return SysError(errno, "unlink " + path);
  std::string link = OwnerPath(owner);
  if (unlink(link.c_str()) != 0 && errno != ENOENT) return SysError(errno, "unlink " + link);
  return {};
}

SysError IpamStore::Release(const IpamOwner& owner, bool* released) {
  *released = false;
  if (!ValidContainerId(owner.container_id) || !ValidIfname(owner.ifname)) {
    return SysError(EINVAL, "ipam owner " + owner.container_id + "/" + owner.ifname);
  }
  Lock lock(*this);
  std::optional<Ipv4Address> current;
  if (SysError e = FindLocked(owner, &current); !e.ok()) return e;
  if (current) {
    *released = true;
    return ReleaseAddressLocked(*current, owner);
  }
  // No owner link: a crash may have left an address file without one, so look for it.
  std::vector<IpamAllocation> all;
  if (SysError e = ListLocked(&all); !e.ok()) return e;
  for (const IpamAllocation& a : all) {
    if (a.owner == owner) {
      *released = true;
      if (SysError e = ReleaseAddressLocked(a.address, owner); !e.ok()) return e;
    }
  }
  return {};
}

SysError IpamStore::List(std::vector<IpamAllocation>* out) {
  Lock lock(*this);
  return ListLocked(out);
}

SysError IpamStore::ListLocked(std::vector<IpamAllocation>* out) {
  out->clear();
  DIR* d = opendir(dir_.c_str());
  if (!d) return SysError(errno, "opendir " + dir_);
  while (dirent* ent = readdir(d)) {
    auto a = Ipv4Address::Parse(ent->d_name);
    if (!a || !subnet_.Contains(*a)) continue;
    IpamAllocation alloc{*a, {}};
    if (ReadOwner(*a, &alloc.owner).ok()) out->push_back(std::move(alloc));
  }
  closedir(d);
  return {};
}

}  // namespace skiff::bridge_cni
