#pragma once

// InformerFactory: one shared Informer per kind and selectors (all namespaces) for every
// consumer in a process, as client-go's SharedInformerFactory. Each controller adds its own
// handlers to the shared Informer and reads the shared cache, so an object change is watched,
// cached and delivered once instead of once per controller. Thread-safe. The Client must
// outlive the factory, and the factory every registration and reference it handed out.

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/client/informer.h"

namespace skiff::client {

class InformerFactory {
 public:
  explicit InformerFactory(Client& client) : client_(client) {}
  InformerFactory(const InformerFactory&) = delete;
  InformerFactory& operator=(const InformerFactory&) = delete;

  Client& client() const { return client_; }
  // The shared Informer of kind with these label/field selectors, created on first use;
  // consumers Start it (once is enough).
  Informer& For(const api::Kind& kind, const ListOptions& selectors = {});

 private:
  Client& client_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<Informer>> informers_;  // by kind and selectors
};

}  // namespace skiff::client
