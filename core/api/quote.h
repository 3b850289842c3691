#pragma once

// Go's %q formatting of a string, which Kubernetes uses in names and values of its messages
// (`pods "web" not found`, `Invalid value: "X_y"`).

#include <string>
#include <string_view>

namespace skiff::api {

std::string Quote(std::string_view s);

}  // namespace skiff::api
