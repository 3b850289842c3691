#include "core/controllers/common/enqueue_keys.h"

namespace skiff::controllers {

client::InformerHandlers EnqueueKeys(client::WorkQueue& queue) {
  auto add = [&queue](const client::Object& o) { queue.Add(client::ObjectKey(o)); };
  return client::InformerHandlers{
      add, [add](const client::Object&, const client::Object& o) { add(o); }, add};
}

}  // namespace skiff::controllers
