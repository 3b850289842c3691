#pragma once

// NamespaceController: finishes a namespace's deletion. When a Namespace gets a deletionTimestamp
// it deletes every namespaced object in it, waits until none is left (pods may take their grace
// period, objects their finalizers), then clears spec.finalizers so the API server removes the
// Namespace. Owns one worker thread and handlers on the shared Namespace informer; the
// InformerFactory must outlive it.

#include <memory>
#include <thread>

#include "core/client/client.h"
#include "core/client/informer_factory.h"
#include "core/client/work_queue.h"

namespace skiff::controllers {

class NamespaceController {
 public:
  explicit NamespaceController(client::InformerFactory& informers);
  ~NamespaceController();
  NamespaceController(const NamespaceController&) = delete;
  NamespaceController& operator=(const NamespaceController&) = delete;

  void Start();

 private:
  void Work();
  // True when the namespace is gone or nothing is left to wait for.
  bool Finalize(const std::string& name);

  client::Client& client_;
  client::WorkQueue queue_;
  client::Informer& informer_;
  std::unique_ptr<client::InformerRegistration> handlers_;
  std::thread worker_;
};

}  // namespace skiff::controllers
