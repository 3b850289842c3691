#include "core/controllers/deployment/deployment_util.h"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <string_view>
#include <vector>

#include "core/api/json_fields.h"
#include "core/controllers/common/int_or_percent.h"

namespace skiff::controllers {
namespace json = boost::json;

namespace {

// JSON with object keys sorted, so equal templates hash alike however their keys are ordered.
void Canonical(const json::value& v, std::string& out) {
  if (v.is_object()) {
    std::vector<std::string_view> keys;
    for (const auto& [k, _] : v.get_object()) keys.push_back(k);
    std::sort(keys.begin(), keys.end());
    out += '{';
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (i) out += ',';
      out += json::serialize(json::value(keys[i]));
      out += ':';
      Canonical(v.get_object().at(keys[i]), out);
    }
    out += '}';
  } else if (v.is_array()) {
    out += '[';
    bool first = true;
    for (const auto& e : v.get_array()) {
      if (!first) out += ',';
      first = false;
      Canonical(e, out);
    }
    out += ']';
  } else {
    out += json::serialize(v);
  }
}

// Null members removed, as decoding into Kubernetes' Go types does (`kubectl rollout undo`
// sends the template with "creationTimestamp": null).
void DropNulls(json::value& v) {
  if (v.is_object()) {
    json::object& o = v.get_object();
    for (auto it = o.begin(); it != o.end();) {
      if (it->value().is_null()) {
        it = o.erase(it);
      } else {
        DropNulls(it->value());
        ++it;
      }
    }
  } else if (v.is_array()) {
    for (auto& e : v.get_array()) DropNulls(e);
  }
}

}  // namespace

std::string PodTemplateHash(const json::object& tmpl, std::int64_t collision_count) {
  std::string text;
  Canonical(json::value(TemplateWithoutHash(tmpl)), text);
  if (collision_count > 0) text += std::to_string(collision_count);
  std::uint32_t h = 2166136261u;  // FNV-1a
  for (unsigned char c : text) {
    h ^= c;
    h *= 16777619u;
  }
  // Kubernetes' name-safe alphabet (no vowels, no look-alikes), one letter per decimal digit.
  static constexpr std::string_view kAlphabet = "bcdfghjklmnpqrstvwxz2456789";
  std::string out;
  for (char d : std::to_string(h))
    out += kAlphabet[static_cast<unsigned char>(d) % kAlphabet.size()];
  return out;
}

json::object TemplateWithoutHash(const json::object& tmpl) {
  json::value v = tmpl;
  DropNulls(v);
  json::object t = std::move(v.get_object());
  if (json::value* m = t.if_contains("metadata"); m && m->is_object()) {
    if (json::value* l = m->get_object().if_contains("labels"); l && l->is_object()) {
      l->get_object().erase(kPodTemplateHashLabel);
      if (l->get_object().empty()) m->get_object().erase("labels");
    }
  }
  return t;
}

bool TemplateMatches(const client::Object& rs, const client::Object& deployment) {
  const json::object* a = api::FindObject(rs, "spec.template");
  const json::object* b = api::FindObject(deployment, "spec.template");
  if (!a || !b) return false;
  return api::JsonEqual(json::value(TemplateWithoutHash(*a)), json::value(TemplateWithoutHash(*b)));
}

std::int64_t Revision(const client::Object& obj) {
  const json::object* ann = api::FindObject(obj, "metadata.annotations");
  if (!ann) return 0;
  const json::value* v = ann->if_contains(kRevisionAnnotation);
  if (!v || !v->is_string()) return 0;
  try {
    return std::stoll(std::string(v->as_string()));
  } catch (...) {
    return 0;
  }
}

RollingLimits Limits(const client::Object& deployment) {
  std::int64_t replicas = api::GetInt(deployment, "spec.replicas").value_or(1);
  RollingLimits l;
  if (api::GetString(deployment, "spec.strategy.type") == "Recreate") return l;
  const json::object* ru = api::FindObject(deployment, "spec.strategy.rollingUpdate");
  const json::value* surge = ru ? ru->if_contains("maxSurge") : nullptr;
  const json::value* unavail = ru ? ru->if_contains("maxUnavailable") : nullptr;
  json::value default_pct("25%");
  l.max_surge = ScaledValue(surge ? surge : &default_pct, replicas, true);
  l.max_unavailable = ScaledValue(unavail ? unavail : &default_pct, replicas, false);
  if (l.max_surge == 0 && l.max_unavailable == 0) l.max_unavailable = 1;
  l.max_unavailable = std::min(l.max_unavailable, replicas);
  return l;
}

std::vector<std::int64_t> ProportionalSizes(const std::vector<ScaleShare>& shares,
                                            std::int64_t replicas, std::int64_t max_surge,
                                            std::int64_t status_replicas) {
  std::int64_t total = 0;
  for (const ScaleShare& s : shares) total += s.replicas;
  const std::int64_t allowed = replicas > 0 ? replicas + max_surge : 0;
  const std::int64_t to_add = allowed - total;
  std::vector<std::int64_t> sizes;
  std::int64_t added = 0;
  for (const ScaleShare& s : shares) {
    std::int64_t change = 0;
    if (to_add != 0 && s.replicas != 0 && added != to_add) {
      std::int64_t fraction = -s.replicas;  // all of it, when scaling to 0
      if (replicas > 0) {
        std::int64_t before = s.scaled_for > 0 ? s.scaled_for : status_replicas;
        if (before <= 0) before = total;
        fraction = std::llround(static_cast<double>(s.replicas) * static_cast<double>(allowed) /
                                static_cast<double>(before)) -
                   s.replicas;
      }
      // Never past what is left to hand out.
      std::int64_t left = to_add - added;
      change = to_add > 0 ? std::min(fraction, left) : std::max(fraction, left);
    }
    sizes.push_back(s.replicas + change);
    added += change;
  }
  if (!sizes.empty()) sizes[0] = std::max<std::int64_t>(0, sizes[0] + to_add - added);
  return sizes;
}

}  // namespace skiff::controllers
