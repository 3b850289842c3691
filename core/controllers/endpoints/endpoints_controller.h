#pragma once

// EndpointsController: keeps, for each Service with a selector, an Endpoints object of the same
// name listing the selected pods (see endpoint_subsets.h), and deletes it with the Service.
// Services without a selector keep whatever Endpoints their users write. Uses the shared informers
// of services and pods and owns one worker thread; the InformerFactory must outlive it.

#include <memory>
#include <string>
#include <vector>

#include "core/client/client.h"
#include "core/client/informer_factory.h"
#include "core/client/work_queue.h"
#include "core/controllers/common/controller_workers.h"

namespace skiff::controllers {

class EndpointsController {
 public:
  explicit EndpointsController(client::InformerFactory& informers);
  ~EndpointsController();
  EndpointsController(const EndpointsController&) = delete;
  EndpointsController& operator=(const EndpointsController&) = delete;

  void Start();

 private:
  // Queues the Services in the pod's namespace that select it.
  void PodChanged(const client::Object& pod);
  // key = "namespace/name" of a Service. False to retry later.
  bool Sync(const std::string& key);

  client::Client& client_;
  client::WorkQueue queue_;
  client::Informer& services_;
  client::Informer& pods_;
  std::vector<std::unique_ptr<client::InformerRegistration>> handlers_;  // on the above
  ControllerWorkers workers_;  // last: stops before the rest goes
};

}  // namespace skiff::controllers
