#include "core/client/informer_factory.h"

namespace skiff::client {

Informer& InformerFactory::For(const api::Kind& kind, const ListOptions& selectors) {
  std::string key = kind.ApiVersion() + "/" + kind.resource + "?" + selectors.label_selector + "&" +
                    selectors.field_selector;
  std::lock_guard lock(mu_);
  std::unique_ptr<Informer>& informer = informers_[key];
  if (!informer) informer = std::make_unique<Informer>(client_, kind, "", selectors);
  return *informer;
}

}  // namespace skiff::client
