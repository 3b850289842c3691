#pragma once

// Kubernetes resource quantities ("100m", "1Gi", "2", "1e3", "500Mi", "1.5k") as integers.
// Follows resource.Quantity: binary suffixes Ki..Ei, decimal suffixes n u m "" k M G T P E,
// decimal exponents e/E; conversions round up (ceiling), as MilliValue()/Value() do, and
// saturate at the int64 range instead of overflowing. Plain value type; thread-safe.

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/base/status.h"

namespace skiff::api {

// The message Kubernetes gives for text that is not a quantity.
inline constexpr std::string_view kQuantityFormatError =
    "quantities must match the regular expression "
    "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

class Quantity {
 public:
  Quantity() = default;

  static Result<Quantity> Parse(std::string_view text);
  // A string quantity or a JSON number (requests may be written `cpu: 2`).
  static Result<Quantity> FromJson(const boost::json::value& v);

  // In thousandths ("100m" -> 100, "2" -> 2000): the unit for cpu.
  int64_t MilliValue() const { return Scaled(-3); }
  // In whole units ("1Gi" -> 1073741824, "100m" -> 1): the unit for bytes and counts.
  int64_t Value() const { return Scaled(0); }
  // Approximate, for comparisons only.
  double AsDouble() const;

 private:
  // value = mantissa_ * 2^binary_exp_ * 10^decimal_exp_
  int64_t Scaled(int scale10) const;

  __int128 mantissa_ = 0;
  int decimal_exp_ = 0;
  int binary_exp_ = 0;
};

// The value in base units (cores, bytes) as a double, or nullopt when s is not a quantity:
// for validation's comparisons, where exactness does not matter.
std::optional<double> ParseQuantity(std::string_view s);

}  // namespace skiff::api
