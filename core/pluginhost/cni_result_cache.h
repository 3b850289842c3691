#pragma once

// The runtime's cache of ADD results, as the CNI spec suggests: DEL and CHECK hand the
// cached result to the plugins as prevResult, and GC learns which attachments exist. One
// file per attachment, "<dir>/<network>-<container id>-<ifname>", holding a small JSON
// document; written via a temporary file and rename so readers never see half of one.
// Thread-safe (no in-memory state).

#include <skiff/sdk/status.h>

#include <optional>
#include <string>
#include <vector>

namespace skiff::pluginhost {

struct CniCachedAttachment {
  std::string network;
  std::string container_id;
  std::string ifname;
  std::string netns;
  std::string result_json;  // the chain's final ADD result
};

class CniResultCache {
 public:
  explicit CniResultCache(std::string dir) : dir_(std::move(dir)) {}

  sdk::Status Put(const CniCachedAttachment& entry) const;
  // nullopt when nothing is cached (or the entry is unreadable).
  std::optional<CniCachedAttachment> Get(const std::string& network,
                                         const std::string& container_id,
                                         const std::string& ifname) const;
  sdk::Status Remove(const std::string& network, const std::string& container_id,
                     const std::string& ifname) const;
  // Every cached attachment of `network`.
  std::vector<CniCachedAttachment> List(const std::string& network) const;

  const std::string& dir() const { return dir_; }

 private:
  std::string PathFor(const std::string& network, const std::string& container_id,
                      const std::string& ifname) const;

  const std::string dir_;
};

}  // namespace skiff::pluginhost
