#pragma once

// InProcessClient: a Client straight onto the server's ObjectRegistry (no HTTP, no JSON text
// round trip for writes). Thread-safe; the registry must outlive it and its watches.

#include <memory>

#include "core/apiserver/registry.h"
#include "core/client/client.h"

namespace skiff::client {

std::unique_ptr<Client> NewInProcessClient(apiserver::ObjectRegistry& registry);

}  // namespace skiff::client
