#pragma once

// Named network namespaces kept the way `ip netns` keeps them: a bind mount of the namespace
// at /var/run/netns/<name>, so any tool (ip, CNI plugins, the host) can enter it by path.
// Needs CAP_SYS_ADMIN. Thread-safe; every call works on a thread of its own, so the
// caller's thread never changes namespace. Link SkiffSDK::os.

#include <skiff/sdk/status.h>

#include <functional>
#include <string>

namespace skiff::sdk {

inline constexpr char kNetnsDir[] = "/var/run/netns";

// Creates a new, empty network namespace named `name` and returns its path.
// AlreadyExists if the name is taken.
Result<std::string> CreateNamedNetns(const std::string& name);

// Unmounts and removes the namespace; a name that does not exist succeeds.
Status DeleteNamedNetns(const std::string& name);

// Runs `fn` on a thread that has joined the network namespace at `netns_path`.
Status RunInNetns(const std::string& netns_path, const std::function<Status()>& fn);

}  // namespace skiff::sdk
