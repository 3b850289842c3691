#pragma once

// Plain structs for the network (CNI) shapes. The request carries what the CNI runtime
// parameters carry (CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME, CNI_ARGS) plus the network config;
// the result mirrors the CNI 1.0 result JSON (interfaces, ips, routes, dns).

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace skiff::sdk {

struct NetworkAttachment {
  std::string container_id;  // CNI_CONTAINERID: the pod sandbox id
  std::string netns;         // CNI_NETNS: path, e.g. /var/run/netns/skiff-<id>
  std::string ifname;        // CNI_IFNAME, e.g. "eth0"
  std::vector<std::pair<std::string, std::string>> args;  // CNI_ARGS
  std::string pod_name;       // also passed as K8S_POD_NAME in args by the host
  std::string pod_namespace;  // K8S_POD_NAMESPACE
  std::string config_json;    // the network configuration ("" = the plugin's own)
};

struct NetworkInterface {
  std::string name;
  std::string mac;
  std::optional<int32_t> mtu;
  std::string sandbox;  // netns path for interfaces inside the container, "" on the host
};

struct IPConfig {
  std::string address;               // CIDR, e.g. "10.88.0.5/16"
  std::string gateway;               // "" if none
  std::optional<int32_t> interface;  // index into NetworkResult::interfaces
};

struct Route {
  std::string dst;  // CIDR
  std::string gw;   // "" = the default gateway of the matching ip
  std::optional<int32_t> mtu;
  std::optional<int32_t> priority;
};

struct DNS {
  std::vector<std::string> nameservers;
  std::string domain;
  std::vector<std::string> search;
  std::vector<std::string> options;
};

struct NetworkResult {
  std::string cni_version = "1.0.0";
  std::vector<NetworkInterface> interfaces;
  std::vector<IPConfig> ips;
  std::vector<Route> routes;
  DNS dns;
};

// One entry of the GC command's cni.dev/valid-attachments list.
struct AttachmentKey {
  std::string container_id;
  std::string ifname;
};

struct NetworkVersionInfo {
  std::string cni_version;  // the version this plugin speaks by default
  std::vector<std::string> supported_versions;
};

}  // namespace skiff::sdk
