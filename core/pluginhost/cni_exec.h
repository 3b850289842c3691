#pragma once

// A skiff::sdk::NetworkPlugin that runs standard CNI plugin binaries by the CNI spec (1.0,
// and the 1.1 STATUS/GC commands when the network list says 1.1.0): the binary named by each
// plugin's `type` is found in binDir, gets CNI_* variables and its config on stdin, answers
// on stdout. A .conflist runs as a chain: ADD in order passing prevResult, DEL in reverse,
// CHECK with the cached ADD result. A repeated ADD of an attachment whose cached result
// passes CHECK returns that result without re-running the chain (the SDK's idempotent ADD,
// which many CNI plugins lack). Every call has a deadline; a hung binary is killed and
// the call fails with DeadlineExceeded. Errors name the binary, the operation and the cause.
//
// Thread-safe: calls for different attachments run concurrently (one process each).
//
// Config (JSON):
//   {"binDir": ["/usr/lib/cni"],              // or one string, colon-separated
//    "confList": "/etc/cni/net.d/10-x.conflist",  // or the conflist / conf object inline
//    "cacheDir": "/var/lib/skiff/cni-cache",  // ADD results, for DEL/CHECK/GC
//    "timeoutMs": 10000}                       // per call, for the whole chain

#include <skiff/sdk/network.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/pluginhost/cni_conflist.h"
#include "core/pluginhost/cni_result_cache.h"

namespace skiff::pluginhost {

struct CniExecOptions {
  std::vector<std::string> bin_dirs{"/opt/cni/bin", "/usr/lib/cni"};
  CniNetworkList network;
  std::string cache_dir = "/var/lib/skiff/cni-cache";
  std::chrono::milliseconds timeout{10000};
};

// Parses the JSON config above (reading confList from disk if it is a path).
sdk::Result<CniExecOptions> ParseCniExecConfig(const std::string& config_json);

class CniExecPlugin final : public sdk::NetworkPlugin {
 public:
  explicit CniExecPlugin(CniExecOptions options);

  // attachment.config_json, when set, replaces the network list for that call.
  sdk::Result<sdk::NetworkResult> Add(const sdk::NetworkAttachment& attachment) noexcept override;
  sdk::Status Del(const sdk::NetworkAttachment& attachment) noexcept override;
  sdk::Status Check(const sdk::NetworkAttachment& attachment) noexcept override;
  sdk::Status GetStatus() noexcept override;
  sdk::Status GC(const std::vector<sdk::AttachmentKey>& valid_attachments) noexcept override;
  sdk::Result<sdk::NetworkVersionInfo> Version() noexcept override;

  const CniExecOptions& options() const { return options_; }

 private:
  class Call;
  // Runs CHECK down the chain with `prev_result`; OK without running anything when the list
  // disables CHECK or predates it (cniVersion < 0.4.0).
  sdk::Status CheckChain(const CniNetworkList& list, const sdk::NetworkAttachment& attachment,
                         const std::string& prev_result) const;

  const CniExecOptions options_;
  const CniResultCache cache_;
};

// The factory used by the plugin host's config (`network: { cni: {...} }`).
sdk::Result<std::unique_ptr<sdk::NetworkPlugin>> NewCniExecPlugin(const std::string& config_json);

}  // namespace skiff::pluginhost
