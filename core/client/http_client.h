#pragma once

// HttpClient: a Client over the Kubernetes REST API (plain HTTP to a loopback server until
// TLS exists). Keeps a small pool of keep-alive connections; each watch runs on its own
// thread and connection. Thread-safe.

#include <memory>
#include <string>

#include "core/base/status.h"
#include "core/client/client.h"

namespace skiff::client {

// server: "http://127.0.0.1:6443".
Result<std::unique_ptr<Client>> NewHttpClient(const std::string& server);
// Reads clusters[current-context].server from a kubeconfig file.
Result<std::string> ServerFromKubeconfig(const std::string& path);

}  // namespace skiff::client
