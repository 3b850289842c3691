#pragma once

// Writing a controller's status only when it changed.

#include "core/client/client.h"

namespace skiff::controllers {

// True when some field of `status` is absent from, or differs from, `obj`'s status. Fields
// of the current status that `status` does not set are ignored (others may own them).
bool StatusDiffers(const client::Object& obj, const client::Object& status);

}  // namespace skiff::controllers
