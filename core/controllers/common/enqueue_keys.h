#pragma once

// EnqueueKeys: informer handlers that put the changed object's key ("namespace/name") on a
// controller's work queue on every add, update and delete — what most controllers do with the
// objects they own. A controller that does more on one of them replaces that handler. The queue
// must outlive the handlers.

#include "core/client/informer.h"
#include "core/client/work_queue.h"

namespace skiff::controllers {

client::InformerHandlers EnqueueKeys(client::WorkQueue& queue);

}  // namespace skiff::controllers
