#pragma once

// ApiHandler: the Kubernetes REST API over HTTP — routing of discovery, OpenAPI and resource
// paths, content negotiation (JSON, YAML bodies, server-side Table output), the verbs, and
// watch streams with bookmarks and timeouts. Thread-safe; owns a pool for blocking writes and
// every watch it started (all cancelled by the destructor). The registry must outlive it.

#include <memory>

#include "core/apiserver/http_server.h"
#include "core/apiserver/registry.h"

namespace skiff::apiserver {

class ApiHandler {
 public:
  explicit ApiHandler(ObjectRegistry& registry);
  ~ApiHandler();
  ApiHandler(const ApiHandler&) = delete;
  ApiHandler& operator=(const ApiHandler&) = delete;

  void Handle(std::shared_ptr<HttpExchange> exchange);
  // The 413 answer for a body over the limit.
  static HttpResponse BodyTooLarge();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace skiff::apiserver
