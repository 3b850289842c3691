#pragma once

// The calling process's mount table, read from /proc/self/mountinfo. Storage plugins use it to
// make NodePublish/NodeUnpublish idempotent; the conformance suite uses it to check that a
// publish really mounted. Link SkiffSDK::os.

#include <skiff/sdk/status.h>

#include <optional>
#include <string>
#include <vector>

namespace skiff::sdk {

struct MountEntry {
  std::string root;                  // the path inside the source filesystem that is mounted
  std::string mount_point;           // absolute, escapes (\040 ...) decoded
  std::vector<std::string> options;  // per-mount options: "rw"/"ro", "nosuid", ...
  std::string fs_type;
  std::string source;

  bool read_only() const;
};

Result<std::vector<MountEntry>> ReadMountTable();

// The topmost mount at exactly `mount_point` (after resolving it to a canonical path), if any.
Result<std::optional<MountEntry>> FindMount(const std::string& mount_point);

}  // namespace skiff::sdk
