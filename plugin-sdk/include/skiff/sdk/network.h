#pragma once

#include <skiff/sdk/network_types.h>
#include <skiff/sdk/status.h>

#include <string>
#include <vector>

namespace skiff::sdk {

// A pod network, shaped like the CNI operations (ADD, DEL, CHECK, STATUS, GC, VERSION).
// Ownership: the host owns the instance; arguments are borrowed for the call only.
// Thread-safety: the host calls every method concurrently (different pods at once), so
// implementations must be thread-safe. No method throws (an escaping exception terminates).
// An attachment is keyed by (container_id, ifname). STATUS is GetStatus so the method does
// not hide the Status type inside implementing classes.
class NetworkPlugin {
 public:
  virtual ~NetworkPlugin() = default;

  // Attaches the container's netns; adding an existing attachment returns its result again.
  virtual Result<NetworkResult> Add(const NetworkAttachment& attachment) noexcept = 0;
  // Detaches and frees its addresses; deleting an unknown attachment succeeds.
  virtual Status Del(const NetworkAttachment& attachment) noexcept = 0;
  // Verifies an existing attachment is still wired as Add left it.
  virtual Status Check(const NetworkAttachment& attachment) noexcept = 0;
  // OK when ready to Add; Unavailable (with the reason) otherwise.
  virtual Status GetStatus() noexcept = 0;
  // Releases everything held for attachments not in `valid_attachments`.
  virtual Status GC(const std::vector<AttachmentKey>& valid_attachments) noexcept = 0;
  virtual Result<NetworkVersionInfo> Version() noexcept = 0;
};

}  // namespace skiff::sdk
