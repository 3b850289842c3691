#pragma once

// Address allocations persisted as files, one per address, so they survive restarts and are
// shared by every process using the same directory (the in-process plugin and the CNI
// binary). The address file "<dir>/10.88.0.5" holds "<container id>\n<ifname>\n" and is
// created with O_EXCL: the filesystem, not this process, decides who wins an address.
// "<dir>/owners/<container id>:<ifname>" is a symlink to the address, so finding an owner's
// address is one readlink rather than a scan. An flock on "<dir>/lock" (plus a mutex, since
// flock does not exclude threads sharing one descriptor) serialises allocate/release so the
// same owner never gets two addresses; the lock file also remembers the last address handed
// out, so freed addresses are reused last (round robin, as host-local does).
//
// Thread-safe. Files are not fsynced: allocations survive process restarts, not power loss.

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "plugins/bridge-cni/ipv4.h"
#include "plugins/bridge-cni/sys_error.h"

namespace skiff::bridge_cni {

struct IpamOwner {
  std::string container_id;
  std::string ifname;
  friend bool operator==(const IpamOwner&, const IpamOwner&) = default;
};

struct IpamAllocation {
  Ipv4Address address;
  IpamOwner owner;
};

class IpamStore {
 public:
  // Hands out host addresses of `subnet` except network, broadcast and `reserved`.
  // Creates `dir` if needed.
  static SysError Open(const std::string& dir, const Ipv4Prefix& subnet,
                       std::vector<Ipv4Address> reserved, std::unique_ptr<IpamStore>* out);
  ~IpamStore();

  // The owner's address if it has one, else a new one (`*existed` tells which).
  // ENOSPC when the subnet is exhausted.
  SysError Allocate(const IpamOwner& owner, Ipv4Address* out, bool* existed);
  // The owner's address, if allocated.
  SysError Find(const IpamOwner& owner, std::optional<Ipv4Address>* out);
  // Frees the owner's address; success (with *released=false) if it had none.
  SysError Release(const IpamOwner& owner, bool* released);
  // Every allocation in the directory.
  SysError List(std::vector<IpamAllocation>* out);

  const std::string& dir() const { return dir_; }

 private:
  IpamStore(std::string dir, Ipv4Prefix subnet, std::vector<Ipv4Address> reserved, int lock_fd);

  class Lock;
  std::string AddressPath(Ipv4Address a) const;
  std::string OwnerPath(const IpamOwner& owner) const;
  // Reads an address file; ENOENT if absent.
  SysError ReadOwner(Ipv4Address a, IpamOwner* owner) const;
  SysError FindLocked(const IpamOwner& owner, std::optional<Ipv4Address>* out);
  SysError ListLocked(std::vector<IpamAllocation>* out);
  SysError ReleaseAddressLocked(Ipv4Address a, const IpamOwner& owner);
  Ipv4Address LastReserved() const;
  void SetLastReserved(Ipv4Address a) const;
  bool Assignable(Ipv4Address a) const;

  const std::string dir_;
  const Ipv4Prefix subnet_;
  const std::vector<Ipv4Address> reserved_;
  const int lock_fd_;
  std::mutex mu_;
};

// Container ids and ifnames become file names: reject anything that could escape the
// directory or collide with the "id:ifname" owner key (CNI allows [A-Za-z0-9_.-] in ids).
bool ValidContainerId(const std::string& id);
bool ValidIfname(const std::string& ifname);

}  // namespace skiff::bridge_cni
