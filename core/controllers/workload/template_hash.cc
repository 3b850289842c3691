#include "core/controllers/workload/template_hash.h"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cstdint>
#include <vector>

namespace skiff::controllers {
namespace json = boost::json;

namespace {

void Canonical(const json::value& v, std::string& out) {
  if (v.is_object()) {
    std::vector<std::pair<std::string_view, const json::value*>> entries;
    for (const auto& [k, child] : v.get_object()) entries.emplace_back(k, &child);
    std::sort(entries.begin(), entries.end());
    out += '{';
    for (const auto& [k, child] : entries) {
      out += json::serialize(json::string(k));
      out += ':';
      Canonical(*child, out);
      out += ',';
    }
    out += '}';
  } else if (v.is_array()) {
    out += '[';
    for (const auto& child : v.get_array()) {
      Canonical(child, out);
      out += ',';
    }
    out += ']';
  } else {
    out += json::serialize(v);
  }
}

}  // namespace

std::string TemplateHash(const json::value& pod_template, std::int64_t collision_count) {
  std::string text;
  Canonical(pod_template, text);
  if (collision_count > 0) text += std::to_string(collision_count);
  std::uint32_t h = 2166136261u;
  for (unsigned char c : text) {
    h ^= c;
    h *= 16777619u;
  }
  // apimachinery's rand.SafeEncodeString over the decimal digits.
  constexpr std::string_view kAlphabet = "bcdfghjklmnpqrstvwxz2456789";
  std::string out;
  for (char c : std::to_string(h)) {
    out += kAlphabet[static_cast<unsigned char>(c) % kAlphabet.size()];
  }
  return out;
}

}  // namespace skiff::controllers
