#pragma once

// The hostpath driver's JSON config:
//   {"root": "/var/lib/skiff/volumes",  // volumes are directories under root/volumes/
//    "capacityBytes": 10737418240,      // provisioning budget; 0 = the filesystem's free space
//    "nodeId": "node-1",                // default: the host name
//    "maxVolumesPerNode": 0}            // 0 = no limit

#include <skiff/sdk/status.h>

#include <cstdint>
#include <string>

namespace skiff::hostpath {

struct HostpathConfig {
  std::string root = "/var/lib/skiff/volumes";
  int64_t capacity_bytes = 0;
  std::string node_id;
  int64_t max_volumes_per_node = 0;
};

sdk::Result<HostpathConfig> ParseHostpathConfig(const std::string& json);

}  // namespace skiff::hostpath
