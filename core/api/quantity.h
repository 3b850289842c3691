#pragma once

// Kubernetes resource quantities ("100m", "1Gi", "2.5", "1e3"): parsing to a number for
// comparisons. Pure functions.

#include <optional>
#include <string_view>

namespace skiff::api {

// The value in base units (cores, bytes), or nullopt when s is not a quantity.
std::optional<double> ParseQuantity(std::string_view s);

// The message Kubernetes gives for text that is not a quantity.
inline constexpr std::string_view kQuantityFormatError =
    "quantities must match the regular expression "
    "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

}  // namespace skiff::api
