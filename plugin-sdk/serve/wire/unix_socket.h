#pragma once

// Unix socket paths and endpoints as both ends of a sidecar see them: the server probes its
// path before listening (to remove a stale file, never a live one) and the host's supervisor
// probes it to know when a spawned sidecar is ready.

#include <cstddef>
#include <string>
#include <string_view>

namespace skiff::wire {

// sun_path is 108 bytes on Linux, including the terminating NUL.
inline constexpr std::size_t kMaxUnixSocketPath = 107;

enum class SocketProbe {
  kAbsent,      // nothing at the path
  kListening,   // a process accepts connections on it
  kStale,       // a socket file nobody accepts on (its server died)
  kNotASocket,  // something else is at the path
};

SocketProbe ProbeUnixSocket(const std::string& path);

// "unix:///run/x.sock" and "unix:/run/x.sock" -> "/run/x.sock"; "" for anything else.
std::string UnixSocketPathFromEndpoint(std::string_view endpoint);

// "/run/x.sock" -> "unix:///run/x.sock", the form gRPC and crictl accept.
std::string UnixEndpoint(std::string_view path);

}  // namespace skiff::wire
