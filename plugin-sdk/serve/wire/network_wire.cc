#include "plugin-sdk/serve/wire/network_wire.h"

#include "plugin-sdk/serve/wire/container_wire.h"

namespace skiff::wire {

void ToWire(const sdk::NetworkAttachment& in, netv1::Invocation* out) {
  out->set_container_id(in.container_id);
  out->set_netns(in.netns);
  out->set_ifname(in.ifname);
  for (const auto& [key, value] : in.args) {
    auto* arg = out->add_args();
    arg->set_key(key);
    arg->set_value(value);
  }
  out->set_pod_name(in.pod_name);
  out->set_pod_namespace(in.pod_namespace);
  out->set_config_json(in.config_json);
}

sdk::NetworkAttachment FromWire(const netv1::Invocation& in) {
  sdk::NetworkAttachment out;
  out.container_id = in.container_id();
  out.netns = in.netns();
  out.ifname = in.ifname();
  for (const auto& arg : in.args()) out.args.emplace_back(arg.key(), arg.value());
  out.pod_name = in.pod_name();
  out.pod_namespace = in.pod_namespace();
  out.config_json = in.config_json();
  return out;
}

void ToWire(const sdk::NetworkResult& in, netv1::Result* out) {
  out->set_cni_version(in.cni_version);
  for (const auto& i : in.interfaces) {
    auto* w = out->add_interfaces();
    w->set_name(i.name);
    w->set_mac(i.mac);
    w->set_sandbox(i.sandbox);
    if (i.mtu) w->set_mtu(*i.mtu);
  }
  for (const auto& ip : in.ips) {
    auto* w = out->add_ips();
    w->set_address(ip.address);
    w->set_gateway(ip.gateway);
    if (ip.interface) w->set_interface(*ip.interface);
  }
  for (const auto& r : in.routes) {
    auto* w = out->add_routes();
    w->set_dst(r.dst);
    w->set_gw(r.gw);
    if (r.mtu) w->set_mtu(*r.mtu);
    if (r.priority) w->set_priority(*r.priority);
  }
  auto* dns = out->mutable_dns();
  CopyStrings(in.dns.nameservers, dns->mutable_nameservers());
  dns->set_domain(in.dns.domain);
  CopyStrings(in.dns.search, dns->mutable_search());
  CopyStrings(in.dns.options, dns->mutable_options());
}

sdk::NetworkResult FromWire(const netv1::Result& in) {
  sdk::NetworkResult out;
  out.cni_version = in.cni_version();
  for (const auto& i : in.interfaces()) {
    sdk::NetworkInterface v{i.name(), i.mac(), std::nullopt, i.sandbox()};
    if (i.has_mtu()) v.mtu = i.mtu();
    out.interfaces.push_back(std::move(v));
  }
  for (const auto& ip : in.ips()) {
    sdk::IPConfig v{ip.address(), ip.gateway(), std::nullopt};
    if (ip.has_interface()) v.interface = ip.interface();
    out.ips.push_back(std::move(v));
  }
  for (const auto& r : in.routes()) {
    sdk::Route v{r.dst(), r.gw(), std::nullopt, std::nullopt};
    if (r.has_mtu()) v.mtu = r.mtu();
    if (r.has_priority()) v.priority = r.priority();
    out.routes.push_back(std::move(v));
  }
  out.dns.nameservers = ToStdStrings(in.dns().nameservers());
  out.dns.domain = in.dns().domain();
  out.dns.search = ToStdStrings(in.dns().search());
  out.dns.options = ToStdStrings(in.dns().options());
  return out;
}

void ToWire(const std::vector<sdk::AttachmentKey>& in, netv1::GCRequest* out) {
  for (const auto& a : in) {
    auto* w = out->add_valid_attachments();
    w->set_container_id(a.container_id);
    w->set_ifname(a.ifname);
  }
}

std::vector<sdk::AttachmentKey> FromWire(const netv1::GCRequest& in) {
  std::vector<sdk::AttachmentKey> out;
  for (const auto& a : in.valid_attachments()) out.push_back({a.container_id(), a.ifname()});
  return out;
}

void ToWire(const sdk::NetworkVersionInfo& in, netv1::VersionResponse* out) {
  out->set_cni_version(in.cni_version);
  CopyStrings(in.supported_versions, out->mutable_supported_versions());
}

sdk::NetworkVersionInfo FromWire(const netv1::VersionResponse& in) {
  return {in.cni_version(), ToStdStrings(in.supported_versions())};
}

}  // namespace skiff::wire
