#include "core/controllers/volume/default_storage_class.h"

namespace skiff::controllers {

api::ApiResult<bool> InstallDefaultStorageClass(client::Client& client, const std::string& name,
                                                const std::string& provisioner) {
  const api::Kind& kind =
      *api::KindRegistry::Builtin().ByResource("storage.k8s.io", "v1", "storageclasses");
  client::Object sc{{"apiVersion", "storage.k8s.io/v1"},
                    {"kind", "StorageClass"},
                    {"metadata",
                     {{"name", name},
                      {"annotations", {{"storageclass.kubernetes.io/is-default-class", "true"}}}}},
                    {"provisioner", provisioner},
                    {"reclaimPolicy", "Delete"},
                    {"volumeBindingMode", "Immediate"}};
  auto r = client.Create(kind, "", sc);
  if (r.ok()) return true;
  if (r.error().code == 409) return false;
  return r.error();
}

}  // namespace skiff::controllers
