#include "plugin-sdk/serve/wire/unix_socket.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace skiff::wire {

SocketProbe ProbeUnixSocket(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return SocketProbe::kAbsent;
  if (!S_ISSOCK(st.st_mode)) return SocketProbe::kNotASocket;
  if (path.size() > kMaxUnixSocketPath) return SocketProbe::kStale;

  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return SocketProbe::kStale;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  int rc;
  do {
    rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  } while (rc != 0 && errno == EINTR);
  // A full accept backlog (EAGAIN) still means someone is listening.
  bool listening = rc == 0 || errno == EAGAIN;
  ::close(fd);
  return listening ? SocketProbe::kListening : SocketProbe::kStale;
}

std::string UnixSocketPathFromEndpoint(std::string_view endpoint) {
  constexpr std::string_view kTriple = "unix://";
  constexpr std::string_view kSingle = "unix:";
  if (endpoint.starts_with(kTriple)) return std::string(endpoint.substr(kTriple.size()));
  if (endpoint.starts_with(kSingle)) return std::string(endpoint.substr(kSingle.size()));
  return "";
}

std::string UnixEndpoint(std::string_view path) { return "unix://" + std::string(path); }

}  // namespace skiff::wire
