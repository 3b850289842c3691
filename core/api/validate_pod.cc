#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <optional>
#include <set>
#include <string>

#include "core/api/json_fields.h"
#include "core/api/quantity.h"
#include "core/api/validate_kinds.h"
#include "core/api/validate_meta.h"

namespace skiff::api {
namespace {

namespace json = boost::json;

const json::array kNoItems;

const json::array& Items(const json::object& obj, std::string_view key) {
  const json::array* a = FindArray(obj, key);
  return a ? *a : kNoItems;
}

json::value Str(std::string_view s) { return json::string(s); }

// Volume names; every key but "name" is a volume source.
std::set<std::string, std::less<>> ValidateVolumes(const json::object& spec,
                                                   const std::string& path, FieldErrors& errs) {
  std::set<std::string, std::less<>> names;
  const json::array& volumes = Items(spec, "volumes");
  for (size_t i = 0; i < volumes.size(); ++i) {
    std::string at = Index(path, i);
    const json::object* v = volumes[i].if_object();
    if (v == nullptr) {
      errs.Invalid(at, volumes[i], "must be a volume object");
      continue;
    }
    int sources = 0;
    for (const auto& kv : *v) {
      if (kv.key() == "name") continue;
      if (++sources > 1) {
        errs.Forbidden(Child(at, kv.key()), "may not specify more than 1 volume type");
      }
    }
    if (sources == 0) errs.Required(at, "must specify a volume type");
    std::string_view name = GetString(*v, "name");
    if (name.empty()) {
      errs.Required(Child(at, "name"));
    } else {
      errs.InvalidEach(Child(at, "name"), Str(name), Dns1123LabelErrors(name));
    }
    if (!names.emplace(name).second) errs.Duplicate(Child(at, "name"), Str(name));
    if (FindObject(*v, "hostPath") && GetString(*v, "hostPath.path").empty()) {
      errs.Required(Child(at, "hostPath.path"));
    }
    if (FindObject(*v, "secret") && GetString(*v, "secret.secretName").empty()) {
      errs.Required(Child(at, "secret.secretName"));
    }
    if (FindObject(*v, "configMap") && GetString(*v, "configMap.name").empty()) {
      errs.Required(Child(at, "configMap.name"));
    }
    if (FindObject(*v, "persistentVolumeClaim") &&
        GetString(*v, "persistentVolumeClaim.claimName").empty()) {
      errs.Required(Child(at, "persistentVolumeClaim.claimName"));
    }
  }
  return names;
}

void ValidateContainerPorts(const json::object& c, const std::string& path, FieldErrors& errs) {
  std::set<std::string, std::less<>> names;
  const json::array& ports = Items(c, "ports");
  for (size_t i = 0; i < ports.size(); ++i) {
    std::string at = Index(path, i);
    const json::object* p = ports[i].if_object();
    if (p == nullptr) {
      errs.Invalid(at, ports[i], "must be a port object");
      continue;
    }
    std::string_view name = GetString(*p, "name");
    if (!name.empty()) {
      Messages bad = PortNameErrors(name);
      errs.InvalidEach(Child(at, "name"), Str(name), bad);
      if (bad.empty() && !names.emplace(name).second) errs.Duplicate(Child(at, "name"), Str(name));
    }
    const json::value* port = p->if_contains("containerPort");
    if (port == nullptr || *port == 0) {
      errs.Required(Child(at, "containerPort"));
    } else {
      ValidatePortNumber(*port, Child(at, "containerPort"), errs);
    }
    if (const json::value* host = p->if_contains("hostPort"); host && *host != 0) {
      ValidatePortNumber(*host, Child(at, "hostPort"), errs);
    }
    ValidateEnum(*p, "protocol", Child(at, "protocol"), {"SCTP", "TCP", "UDP"}, true, errs);
  }
}

void ValidateEnv(const json::object& c, const std::string& path, FieldErrors& errs) {
  const json::array& env = Items(c, "env");
  for (size_t i = 0; i < env.size(); ++i) {
    std::string at = Index(path, i);
    const json::object* e = env[i].if_object();
    std::string_view name = e ? GetString(*e, "name") : "";
    if (name.empty()) {
      errs.Required(Child(at, "name"));
    } else {
      errs.InvalidEach(Child(at, "name"), Str(name), EnvVarNameErrors(name));
    }
    if (e && !GetString(*e, "value").empty() && e->contains("valueFrom")) {
      errs.Invalid(Child(at, "valueFrom"), Str(""),
                   "may not be specified when `value` is not empty");
    }
  }
}

void ValidateVolumeMounts(const json::object& c, const std::string& path,
                          const std::set<std::string, std::less<>>& volumes, FieldErrors& errs) {
  std::set<std::string, std::less<>> paths;
  const json::array& mounts = Items(c, "volumeMounts");
  for (size_t i = 0; i < mounts.size(); ++i) {
    std::string at = Index(path, i);
    const json::object* m = mounts[i].if_object();
    std::string_view name = m ? GetString(*m, "name") : "";
    std::string_view mount_path = m ? GetString(*m, "mountPath") : "";
    if (name.empty()) {
      errs.Required(Child(at, "name"));
    } else if (!volumes.contains(name)) {
      errs.NotFound(Child(at, "name"), Str(name));
    }
    if (mount_path.empty()) {
      errs.Required(Child(at, "mountPath"));
    } else if (!paths.emplace(mount_path).second) {
      errs.Invalid(Child(at, "mountPath"), Str(mount_path), "must be unique");
    }
  }
}

std::optional<double> QuantityOf(const json::value& v) {
  if (v.is_string()) return ParseQuantity(v.get_string());
  if (v.is_number()) return v.to_number<double>();
  return std::nullopt;
}

void ValidateResources(const json::object& c, const std::string& path, FieldErrors& errs) {
  const json::object* limits = FindObject(c, "resources.limits");
  for (const char* part : {"limits", "requests"}) {
    const json::object* list = FindObject(c, std::string("resources.") + part);
    if (list == nullptr) continue;
    for (const auto& kv : *list) {
      std::string at = Key(Child(path, part), kv.key());
      errs.InvalidEach(at, Str(kv.key()), QualifiedNameErrors(kv.key()));
      std::optional<double> q = QuantityOf(kv.value());
      if (!q) {
        errs.Invalid(at, kv.value(), kQuantityFormatError);
      } else if (*q < 0) {
        errs.Invalid(at, kv.value(), "must be greater than or equal to 0");
      }
      const json::value* limit = limits ? limits->if_contains(kv.key()) : nullptr;
      if (std::string_view(part) != "requests" || !q || limit == nullptr) continue;
      std::optional<double> l = QuantityOf(*limit);
      if (l && *q > *l) {
        std::string limit_text =
            limit->is_string() ? std::string(limit->get_string()) : json::serialize(*limit);
        errs.Invalid(
            at, kv.value(),
            "must be less than or equal to " + std::string(kv.key()) + " limit of " + limit_text);
      }
    }
  }
}

void ValidateContainers(const json::array& containers, const std::string& path,
                        const std::set<std::string, std::less<>>& volumes,
                        std::set<std::string, std::less<>>& names, FieldErrors& errs) {
  for (size_t i = 0; i < containers.size(); ++i) {
    std::string at = Index(path, i);
    const json::object* c = containers[i].if_object();
    if (c == nullptr) {
      errs.Invalid(at, containers[i], "must be a container object");
      continue;
    }
    std::string_view name = GetString(*c, "name");
    if (name.empty()) {
      errs.Required(Child(at, "name"));
    } else {
      errs.InvalidEach(Child(at, "name"), Str(name), Dns1123LabelErrors(name));
    }
    if (!names.emplace(name).second) errs.Duplicate(Child(at, "name"), Str(name));
    std::string_view image = GetString(*c, "image");
    if (image.empty()) {
      errs.Required(Child(at, "image"));
    } else if (std::isspace(static_cast<unsigned char>(image.front())) ||
               std::isspace(static_cast<unsigned char>(image.back()))) {
      errs.Invalid(Child(at, "image"), Str(image), "must not have leading or trailing whitespace");
    }
    ValidateContainerPorts(*c, Child(at, "ports"), errs);
    ValidateEnv(*c, Child(at, "env"), errs);
    ValidateVolumeMounts(*c, Child(at, "volumeMounts"), volumes, errs);
    ValidateEnum(*c, "imagePullPolicy", Child(at, "imagePullPolicy"),
                 {"Always", "IfNotPresent", "Never"}, true, errs);
    ValidateEnum(*c, "terminationMessagePolicy", Child(at, "terminationMessagePolicy"),
                 {"FallbackToLogsOnError", "File"}, true, errs);
    ValidateResources(*c, Child(at, "resources"), errs);
  }
}

void ValidateTolerations(const json::object& spec, const std::string& path, FieldErrors& errs) {
  const json::array& tolerations = Items(spec, "tolerations");
  for (size_t i = 0; i < tolerations.size(); ++i) {
    std::string at = Index(path, i);
    const json::object* t = tolerations[i].if_object();
    if (t == nullptr) {
      errs.Invalid(at, tolerations[i], "must be a toleration object");
      continue;
    }
    std::string_view key = GetString(*t, "key");
    std::string_view op = GetString(*t, "operator");
    if (!key.empty()) errs.InvalidEach(Child(at, "key"), Str(key), QualifiedNameErrors(key));
    if (key.empty() && op != "Exists") {
      errs.Invalid(Child(at, "operator"), Str(op),
                   "operator must be Exists when `key` is empty, which means \"match all values "
                   "and all keys\"");
    }
    if (op == "Exists" && !GetString(*t, "value").empty()) {
      errs.Invalid(Child(at, "operator"), Str(op),
                   "value must be empty when `operator` is 'Exists'");
    } else if (!op.empty() && op != "Equal" && op != "Exists") {
      errs.NotSupported(Child(at, "operator"), Str(op), {"Equal", "Exists"});
    }
    ValidateEnum(*t, "effect", Child(at, "effect"), {"NoExecute", "NoSchedule", "PreferNoSchedule"},
                 false, errs);
    if (t->contains("tolerationSeconds") && GetString(*t, "effect") != "NoExecute") {
      errs.Invalid(Child(at, "effect"), Str(GetString(*t, "effect")),
                   "effect must be 'NoExecute' when `tolerationSeconds` is set");
    }
  }
}

}  // namespace

void ValidatePodSpec(const json::object& spec, const std::string& path, FieldErrors& errs) {
  auto volumes = ValidateVolumes(spec, Child(path, "volumes"), errs);
  std::set<std::string, std::less<>> names;
  const json::array& containers = Items(spec, "containers");
  if (containers.empty()) errs.Required(Child(path, "containers"));
  ValidateContainers(containers, Child(path, "containers"), volumes, names, errs);
  ValidateContainers(Items(spec, "initContainers"), Child(path, "initContainers"), volumes, names,
                     errs);
  ValidateEnum(spec, "restartPolicy", Child(path, "restartPolicy"),
               {"Always", "OnFailure", "Never"}, true, errs);
  ValidateEnum(spec, "dnsPolicy", Child(path, "dnsPolicy"),
               {"ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"}, true, errs);
  ValidateLabels(spec.if_contains("nodeSelector"), Child(path, "nodeSelector"), errs);
  for (const char* field : {"nodeName", "serviceAccountName", "priorityClassName"}) {
    std::string_view v = GetString(spec, field);
    if (!v.empty()) errs.InvalidEach(Child(path, field), Str(v), Dns1123SubdomainErrors(v));
  }
  for (const char* field : {"hostname", "subdomain"}) {
    std::string_view v = GetString(spec, field);
    if (!v.empty()) errs.InvalidEach(Child(path, field), Str(v), Dns1123LabelErrors(v));
  }
  if (const json::value* ads = spec.if_contains("activeDeadlineSeconds"); ads && !ads->is_null()) {
    auto n = AsInt(*ads);
    if (!n || *n < 1 || *n > 2147483647) {
      errs.Invalid(Child(path, "activeDeadlineSeconds"), *ads,
                   "must be between 1 and 2147483647, inclusive");
    }
  }
  ValidateNonNegative(spec, "terminationGracePeriodSeconds",
                      Child(path, "terminationGracePeriodSeconds"), errs);
  ValidateTolerations(spec, Child(path, "tolerations"), errs);
}

void ValidatePod(const json::object& obj, FieldErrors& errs) {
  const json::object* spec = FindObject(obj, "spec");
  if (spec == nullptr) {
    errs.Required("spec.containers");
    return;
  }
  ValidatePodSpec(*spec, "spec", errs);
}

}  // namespace skiff::api
