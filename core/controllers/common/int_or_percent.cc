#include "core/controllers/common/int_or_percent.h"

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "core/api/json_fields.h"

namespace skiff::controllers {
namespace json = boost::json;

std::int64_t ScaledValue(const json::value* v, std::int64_t total, bool round_up) {
  if (!v || v->is_null()) return 0;
  if (auto i = api::AsInt(*v)) return *i;
  if (!v->is_string()) return 0;
  std::string_view s = v->get_string();
  if (s.empty() || s.back() != '%') return 0;
  std::int64_t pct = 0;
  try {
    pct = std::stoll(std::string(s.substr(0, s.size() - 1)));
  } catch (...) {
    return 0;
  }
  // Integer arithmetic: round up or down exactly.
  std::int64_t num = pct * total;
  return round_up ? (num + 99) / 100 : num / 100;
}

}  // namespace skiff::controllers
