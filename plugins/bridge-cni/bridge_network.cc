#include "plugins/bridge-cni/bridge_network.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdio>
#include <unordered_set>

#include "plugins/bridge-cni/netlink_address.h"
#include "plugins/bridge-cni/netns.h"

namespace skiff::bridge_cni {
namespace {

uint64_t Fnv1a(std::string_view a, std::string_view b = {}) {
  uint64_t h = 0xcbf29ce484222325ull;
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  };
  mix(a);
  mix(std::string_view("\0", 1));
  mix(b);
  return h;
}

// Locally administered unicast MAC from a hash: stable, so a repeated ADD returns the same
// result and a recreated bridge keeps its address.
MacAddress MacFromHash(uint64_t h) {
  MacAddress mac;
  for (int i = 0; i < 6; ++i) mac[i] = static_cast<uint8_t>(h >> (8 * i));
  mac[0] = static_cast<uint8_t>((mac[0] & 0xfe) | 0x02);
  return mac;
}

// The Kubernetes convention 0a:58:<IPv4>: unique per pod address, readable in captures.
MacAddress MacFromAddress(Ipv4Address a) {
  uint32_t v = a.value;
  return {0x0a,
          0x58,
          static_cast<uint8_t>(v >> 24),
          static_cast<uint8_t>(v >> 16),
          static_cast<uint8_t>(v >> 8),
          static_cast<uint8_t>(v)};
}

std::string Who(const sdk::NetworkAttachment& a) { return a.container_id + "/" + a.ifname; }

sdk::Status FromSys(const SysError& e, const std::string& context) {
  std::string msg = context + ": " + e.ToString();
  switch (e.err()) {
    case ENOENT:
    case ENODEV:
      return sdk::Status::NotFound(msg);
    case EEXIST:
      return sdk::Status::AlreadyExists(msg);
    case ENOSPC:
      return sdk::Status::ResourceExhausted(msg);
    case EPERM:
    case EACCES:
      return sdk::Status::FailedPrecondition(msg + " (needs CAP_NET_ADMIN / root)");
    default:
      return sdk::Status::Internal(msg);
  }
}

sdk::Status ValidateAttachment(const sdk::NetworkAttachment& a, bool need_netns) {
  if (!ValidContainerId(a.container_id)) {
    return sdk::Status::InvalidArgument("container id \"" + a.container_id +
                                        "\" must be non-empty [A-Za-z0-9_.-]");
  }
  if (!ValidIfname(a.ifname)) {
    return sdk::Status::InvalidArgument("ifname \"" + a.ifname +
                                        "\" is not a valid interface name");
  }
  if (need_netns && a.netns.empty()) return sdk::Status::InvalidArgument("netns path is empty");
  return {};
}

}  // namespace

std::string BridgeNetwork::HostVethName(const std::string& bridge, const std::string& container_id,
                                        const std::string& ifname) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "skv%012llx",
                static_cast<unsigned long long>(Fnv1a(bridge + "/" + container_id, ifname) &
                                                0xffffffffffffull));
  return buf;
}

sdk::Result<std::unique_ptr<BridgeNetwork>> BridgeNetwork::Create(const BridgeConfig& config) {
  std::unique_ptr<IpamStore> ipam;
  SysError e = IpamStore::Open(config.IpamDir(), config.subnet, {config.gateway}, &ipam);
  if (!e.ok()) {
    return sdk::Status::Unavailable("bridge plugin: IPAM store " + config.IpamDir() + ": " +
                                    e.ToString());
  }
  return std::unique_ptr<BridgeNetwork>(new BridgeNetwork(config, std::move(ipam)));
}

BridgeNetwork::BridgeNetwork(BridgeConfig config, std::unique_ptr<IpamStore> ipam)
    : config_(std::move(config)), ipam_(std::move(ipam)) {}

sdk::Result<BridgeNetwork::BridgeState> BridgeNetwork::EnsureBridge(NetlinkSocket& host,
                                                                    bool recheck) {
  std::lock_guard<std::mutex> lock(bridge_mu_);
  if (bridge_.index != 0 && !recheck) return bridge_;
  const std::string context = "bridge " + config_.bridge;
  LinkInfo br;
  SysError e = GetLink(host, config_.bridge, &br);
  if (e.err() == ENODEV) {
    e = CreateBridge(host, config_.bridge, config_.mtu, MacFromHash(Fnv1a(config_.bridge)));
    if (!e.ok() && e.err() != EEXIST) return FromSys(e, context);  // EEXIST: another process won
    e = GetLink(host, config_.bridge, &br);
    if (e.ok()) spdlog::info("bridge-cni: created bridge {}", config_.bridge);
  }
  if (!e.ok()) return FromSys(e, context);
  if (br.kind != "bridge") {
    return sdk::Status::FailedPrecondition(context + ": exists and is not a bridge (kind \"" +
                                           br.kind + "\")");
  }
  if (!br.up) {
    if (e = SetLinkUp(host, br.index); !e.ok()) return FromSys(e, context);
  }
  if (config_.is_gateway) {
    e = AddAddress(host, br.index, Ipv4Prefix{config_.gateway, config_.subnet.length});
    if (!e.ok() && e.err() != EEXIST) return FromSys(e, context + ": gateway address");
  }
  bridge_ = BridgeState{br.index, br.mac};
  return bridge_;
}

sdk::Status BridgeNetwork::Ready() {
  NetlinkSocket host;
  if (SysError e = NetlinkSocket::Open(&host); !e.ok()) {
    return sdk::Status::Unavailable("bridge plugin: " + e.ToString());
  }
  auto br = EnsureBridge(host, true);
  if (!br.ok())
    return sdk::Status::Unavailable("bridge plugin not ready: " + br.status().ToString());
  return {};
}

sdk::NetworkResult BridgeNetwork::MakeResult(const sdk::NetworkAttachment& attachment,
                                             Ipv4Address address, const BridgeState& bridge,
                                             const MacAddress& host_mac,
                                             const MacAddress& pod_mac) const {
  sdk::NetworkResult r;
  r.cni_version = config_.cni_version.empty() ? "1.0.0" : config_.cni_version;
  r.interfaces.push_back({config_.bridge, MacToString(bridge.mac), std::nullopt, ""});
  r.interfaces.push_back({HostVeth(attachment.container_id, attachment.ifname),
                          MacToString(host_mac), std::nullopt, ""});
  r.interfaces.push_back({attachment.ifname, MacToString(pod_mac), std::nullopt, attachment.netns});
  sdk::IPConfig ip;
  ip.address = Ipv4Prefix{address, config_.subnet.length}.ToString();
  if (config_.is_gateway) ip.gateway = config_.gateway.ToString();
  ip.interface = 2;
  r.ips.push_back(std::move(ip));
  if (config_.is_gateway) {
    sdk::Route route;
    route.dst = "0.0.0.0/0";
    route.gw = config_.gateway.ToString();
    r.routes.push_back(std::move(route));
  }
  r.dns = config_.dns;
  return r;
}

sdk::Result<sdk::NetworkResult> BridgeNetwork::Wire(const sdk::NetworkAttachment& attachment,
                                                    Ipv4Address address, NetlinkSocket& host,
                                                    bool* created) {
  const std::string context = "ADD " + Who(attachment);
  NetnsHandle ns;
  if (SysError e = NetnsHandle::Open(attachment.netns, &ns); !e.ok()) return FromSys(e, context);
  auto bridge = EnsureBridge(host, false);
  if (!bridge.ok()) return bridge.status();

  VethSpec spec;
  spec.host_name = HostVeth(attachment.container_id, attachment.ifname);
  spec.host_mac =
      MacFromHash(Fnv1a(config_.bridge + "/" + attachment.container_id, attachment.ifname));
  spec.host_master = bridge->index;
  spec.peer_name = attachment.ifname;
  spec.peer_mac = MacFromAddress(address);
  spec.peer_netns_fd = ns.fd();
  spec.mtu = config_.mtu;

  NetlinkSocket inside;
  LinkInfo pod;
  SysError e = CreateVethPair(host, spec);
  if (e.err() == EEXIST) {
    LinkInfo existing;
    bool host_end_exists = GetLink(host, spec.host_name, &existing).ok();
    if (!host_end_exists && reaper_.WaitIdle(std::chrono::seconds(5))) {
      // The pod end may belong to a pair this process retired but has not deleted yet.
      e = CreateVethPair(host, spec);
      host_end_exists = e.err() == EEXIST && GetLink(host, spec.host_name, &existing).ok();
    }
    if (e.err() == EEXIST) {
      // A repeated ADD finds its own pair; anything else holding the names is a conflict.
      if (!host_end_exists) {
        return sdk::Status::AlreadyExists(context + ": interface " + attachment.ifname +
                                          " already exists in " + attachment.netns);
      }
      if (SysError o = OpenNetlinkIn(ns, &inside); !o.ok()) return FromSys(o, context);
      if (existing.master != spec.host_master) {
        return sdk::Status::AlreadyExists(context + ": host interface " + spec.host_name +
                                          " exists and is not on " + config_.bridge);
      }
      if (GetLink(inside, attachment.ifname, &pod).ok()) {
        spec.host_mac = existing.mac;
        e = SysError();
      } else {
        DeleteLink(host, spec.host_name);  // half of an old pair: replace it
        e = CreateVethPair(host, spec);
      }
    }
  } else if (!e.ok()) {
    // The bridge may have been deleted or recreated since its index was cached.
    auto again = EnsureBridge(host, true);
    if (again.ok() && again->index != spec.host_master) {
      spec.host_master = again->index;
      bridge = again;
      e = CreateVethPair(host, spec);
    }
  }
  if (!e.ok()) return FromSys(e, context);
  *created = pod.index == 0;  // not an existing pair found by a repeated ADD

  if (!inside.valid()) {
    if (SysError o = OpenNetlinkIn(ns, &inside); !o.ok()) return FromSys(o, context);
  }
  if (pod.index == 0) {
    if (e = GetLink(inside, attachment.ifname, &pod); !e.ok()) return FromSys(e, context);
  }
  constexpr int kLoopbackIndex = 1;  // lo is always the first device of a namespace
  if (e = SetLinkUp(inside, kLoopbackIndex); !e.ok()) return FromSys(e, context + ": lo");
  if (e = SetLinkUp(inside, pod.index); !e.ok()) return FromSys(e, context);
  e = AddAddress(inside, pod.index, Ipv4Prefix{address, config_.subnet.length});
  if (!e.ok() && e.err() != EEXIST) return FromSys(e, context);
  if (config_.is_gateway) {
    e = AddRoute(inside, Ipv4Route{Ipv4Prefix{}, config_.gateway, pod.index});
    if (!e.ok() && e.err() != EEXIST) return FromSys(e, context + ": default route");
  }
  return MakeResult(attachment, address, *bridge, spec.host_mac, pod.mac);
}

sdk::Result<sdk::NetworkResult> BridgeNetwork::Add(const sdk::NetworkAttachment& attachment) {
  if (sdk::Status s = ValidateAttachment(attachment, true); !s.ok()) return s;
  NetlinkSocket host;
  if (SysError e = NetlinkSocket::Open(&host); !e.ok()) return FromSys(e, "ADD");
  Ipv4Address address;
  bool existed = false;
  SysError e = ipam_->Allocate({attachment.container_id, attachment.ifname}, &address, &existed);
  if (!e.ok()) return FromSys(e, "ADD " + Who(attachment) + ": IPAM");
  bool created = false;
  auto result = Wire(attachment, address, host, &created);
  if (!result.ok() && !existed) {
    // Leave nothing behind for an ADD that failed: the runtime may never call DEL.
    if (created) DeleteLink(host, HostVeth(attachment.container_id, attachment.ifname));
    bool released;
    ipam_->Release({attachment.container_id, attachment.ifname}, &released);
  }
  return result;
}

SysError BridgeNetwork::RemoveHostVeth(NetlinkSocket& host, const std::string& name) {
  if (config_.deferred_delete) {
    LinkInfo veth;
    SysError e = GetLink(host, name, &veth);
    if (e.err() == ENODEV) return {};
    if (!e.ok()) return e;
    // Down first: the pod loses its link at once and the bridge stops forwarding to it, so
    // its address can be handed out again right away.
    e = SetLinkDown(host, veth.index);
    if (e.err() == ENODEV) return {};
    if (e.ok()) {
      e = RetireLink(host, veth.index, VethReaper::RetiredName(), kRetiredGroup);
      if (e.err() == EEXIST) {
        e = RetireLink(host, veth.index, VethReaper::RetiredName(), kRetiredGroup);
      }
    }
    if (e.ok()) {
      reaper_.Retired();
      return {};
    }
    spdlog::warn("bridge-cni: cannot retire {} ({}); deleting it now", name, e.ToString());
  }
  SysError e = DeleteLink(host, name);
  return e.err() == ENODEV ? SysError() : e;
}

sdk::Status BridgeNetwork::Del(const sdk::NetworkAttachment& attachment) {
  if (sdk::Status s = ValidateAttachment(attachment, false); !s.ok()) return s;
  const std::string context = "DEL " + Who(attachment);
  NetlinkSocket host;
  if (SysError e = NetlinkSocket::Open(&host); !e.ok()) return FromSys(e, context);
  // Removing the host end takes the pod end with it, so DEL needs no namespace: it works
  // even after the runtime has already removed it.
  SysError e = RemoveHostVeth(host, HostVeth(attachment.container_id, attachment.ifname));
  if (!e.ok()) return FromSys(e, context);
  bool released = false;
  e = ipam_->Release({attachment.container_id, attachment.ifname}, &released);
  if (!e.ok()) return FromSys(e, context + ": IPAM");
  return {};
}

sdk::Status BridgeNetwork::Check(const sdk::NetworkAttachment& attachment,
                                 const std::optional<sdk::NetworkResult>& prev_result) {
  if (sdk::Status s = ValidateAttachment(attachment, true); !s.ok()) return s;
  const std::string context = "CHECK " + Who(attachment);
  std::optional<Ipv4Address> address;
  if (SysError e = ipam_->Find({attachment.container_id, attachment.ifname}, &address); !e.ok()) {
    return FromSys(e, context + ": IPAM");
  }
  if (!address) return sdk::Status::NotFound(context + ": no address allocated");
  const Ipv4Prefix expected{*address, config_.subnet.length};
  if (prev_result && !prev_result->ips.empty()) {
    bool listed = false;
    for (const sdk::IPConfig& ip : prev_result->ips) listed |= ip.address == expected.ToString();
    if (!listed) {
      return sdk::Status::FailedPrecondition(context + ": prevResult does not list " +
                                             expected.ToString());
    }
  }
  NetlinkSocket host;
  if (SysError e = NetlinkSocket::Open(&host); !e.ok()) return FromSys(e, context);
  LinkInfo br, veth;
  if (SysError e = GetLink(host, config_.bridge, &br); !e.ok()) return FromSys(e, context);
  std::string veth_name = HostVeth(attachment.container_id, attachment.ifname);
  if (SysError e = GetLink(host, veth_name, &veth); !e.ok()) return FromSys(e, context);
  if (veth.master != br.index) {
    return sdk::Status::FailedPrecondition(context + ": " + veth_name + " is not on " +
                                           config_.bridge);
  }
  NetnsHandle ns;
  if (SysError e = NetnsHandle::Open(attachment.netns, &ns); !e.ok()) return FromSys(e, context);
  NetlinkSocket inside;
  if (SysError e = OpenNetlinkIn(ns, &inside); !e.ok()) return FromSys(e, context);
  LinkInfo pod;
  if (SysError e = GetLink(inside, attachment.ifname, &pod); !e.ok()) return FromSys(e, context);
  if (!pod.up)
    return sdk::Status::FailedPrecondition(context + ": " + attachment.ifname + " is down");
  std::vector<Ipv4Prefix> addresses;
  if (SysError e = ListAddresses(inside, pod.index, &addresses); !e.ok()) {
    return FromSys(e, context);
  }
  bool has_address = false;
  for (const Ipv4Prefix& a : addresses) has_address |= a == expected;
  if (!has_address) {
    return sdk::Status::FailedPrecondition(context + ": " + attachment.ifname + " lacks " +
                                           expected.ToString());
  }
  if (config_.is_gateway) {
    std::vector<Ipv4Route> routes;
    if (SysError e = ListRoutes(inside, &routes); !e.ok()) return FromSys(e, context);
    bool has_default = false;
    for (const Ipv4Route& r : routes) {
      has_default |=
          r.destination.length == 0 && r.gateway == config_.gateway && r.out_index == pod.index;
    }
    if (!has_default) {
      return sdk::Status::FailedPrecondition(context + ": no default route via " +
                                             config_.gateway.ToString());
    }
  }
  return {};
}

sdk::Status BridgeNetwork::GC(const std::vector<sdk::AttachmentKey>& valid_attachments) {
  std::unordered_set<std::string> valid_veths;
  for (const sdk::AttachmentKey& k : valid_attachments) {
    valid_veths.insert(HostVeth(k.container_id, k.ifname));
  }
  NetlinkSocket host;
  if (SysError e = NetlinkSocket::Open(&host); !e.ok()) return FromSys(e, "GC");
  std::vector<IpamAllocation> allocations;
  if (SysError e = ipam_->List(&allocations); !e.ok()) return FromSys(e, "GC: IPAM");
  sdk::Status first_error;
  for (const IpamAllocation& a : allocations) {
    std::string veth = HostVeth(a.owner.container_id, a.owner.ifname);
    if (valid_veths.count(veth)) continue;
    spdlog::info("bridge-cni: GC releases {} of {}/{}", a.address.ToString(), a.owner.container_id,
                 a.owner.ifname);
    SysError e = RemoveHostVeth(host, veth);
    if (!e.ok() && first_error.ok()) first_error = FromSys(e, "GC " + veth);
    bool released;
    e = ipam_->Release(a.owner, &released);
    if (!e.ok() && first_error.ok()) first_error = FromSys(e, "GC: IPAM");
  }
  // Veths on our bridge that no allocation explains (e.g. an ADD killed mid-way), and
  // retired ones a crashed process left behind.
  LinkInfo br;
  std::vector<LinkInfo> links;
  if (GetLink(host, config_.bridge, &br).ok() && ListLinks(host, &links).ok()) {
    for (const LinkInfo& l : links) {
      if (l.master != br.index || l.name.rfind("skv", 0) != 0 || valid_veths.count(l.name)) {
        continue;
      }
      SysError e = RemoveHostVeth(host, l.name);
      if (!e.ok() && first_error.ok()) first_error = FromSys(e, "GC " + l.name);
    }
  }
  // GC is not latency-critical: finish the deletions before returning.
  VethReaper::ReapNow();
  return first_error;
}

}  // namespace skiff::bridge_cni
