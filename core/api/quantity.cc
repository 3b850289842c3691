#include "core/api/quantity.h"

#include <cmath>
#include <string>

namespace skiff::api {
namespace {

std::optional<double> SuffixScale(std::string_view suffix) {
  struct Scale {
    std::string_view suffix;
    double factor;
  };
  static constexpr Scale kScales[] = {
      {"", 1},        {"n", 1e-9},    {"u", 1e-6},    {"m", 1e-3},   {"k", 1e3},     {"M", 1e6},
      {"G", 1e9},     {"T", 1e12},    {"P", 1e15},    {"E", 1e18},   {"Ki", 0x1p10}, {"Mi", 0x1p20},
      {"Gi", 0x1p30}, {"Ti", 0x1p40}, {"Pi", 0x1p50}, {"Ei", 0x1p60}};
  for (const auto& s : kScales) {
    if (s.suffix == suffix) return s.factor;
  }
  // Decimal exponent: "e3", "E-2".
  if (suffix.size() >= 2 && (suffix[0] == 'e' || suffix[0] == 'E')) {
    std::string_view exp = suffix.substr(1);
    size_t digits = (exp[0] == '+' || exp[0] == '-') ? 1 : 0;
    if (digits == exp.size()) return std::nullopt;
    for (size_t i = digits; i < exp.size(); ++i) {
      if (exp[i] < '0' || exp[i] > '9') return std::nullopt;
    }
    return std::pow(10.0, std::stod(std::string(exp)));
  }
  return std::nullopt;
}

}  // namespace

std::optional<double> ParseQuantity(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t start = i;
  bool digit = false, dot = false;
  for (; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') {
      digit = true;
    } else if (s[i] == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (!digit) return std::nullopt;
  auto scale = SuffixScale(s.substr(i));
  if (!scale) return std::nullopt;
  double number = std::stod(std::string(s.substr(start, i - start)));
  if (s[0] == '-') number = -number;
  return number * *scale;
}

}  // namespace skiff::api
