#include "core/controllers/common/status_fields.h"

#include "core/api/json_fields.h"

namespace skiff::controllers {

bool StatusDiffers(const client::Object& obj, const client::Object& status) {
  const boost::json::object* current = api::FindObject(obj, "status");
  if (!current) return true;
  for (const auto& [k, v] : status) {
    const boost::json::value* have = current->if_contains(k);
    if (!have || !api::JsonEqual(*have, v)) return true;
  }
  return false;
}

}  // namespace skiff::controllers
