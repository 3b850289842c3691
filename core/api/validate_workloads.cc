#include <algorithm>
#include <boost/json/array.hpp>
#include <string>

#include "core/api/cron_schedule.h"
#include "core/api/json_fields.h"
#include "core/api/selectors.h"
#include "core/api/validate_kinds.h"
#include "core/api/validate_meta.h"

namespace skiff::api {
namespace {

namespace json = boost::json;

const json::object kEmpty;

const json::object& SpecOf(const json::object& obj) {
  const json::object* spec = FindObject(obj, "spec");
  return spec ? *spec : kEmpty;
}

// The metav1.LabelSelector at spec.selector: required, valid and not empty.
void ValidateSelector(const json::object& spec, std::string_view owner, FieldErrors& errs,
                      const std::string& path = "spec.selector") {
  const json::value* selector = spec.if_contains("selector");
  if (selector == nullptr || selector->is_null()) {
    errs.Required(path);
    return;
  }
  ValidateLabelSelector(*selector, path, errs);
  const json::object* sel = selector->if_object();
  const json::object* labels = sel ? FindObject(*sel, "matchLabels") : nullptr;
  const json::array* exprs = sel ? FindArray(*sel, "matchExpressions") : nullptr;
  if ((labels == nullptr || labels->empty()) && (exprs == nullptr || exprs->empty())) {
    errs.Invalid(path, *selector, "empty selector is invalid for " + std::string(owner));
  }
}

// "25%" or a non-negative integer; returns the number (percent or count) when valid.
std::optional<int64_t> ValidateIntOrPercent(const json::object& obj, std::string_view key,
                                            const std::string& path, FieldErrors& errs) {
  const json::value* v = obj.if_contains(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (v->is_string()) {
    std::string_view s = v->get_string();
    bool percent = s.size() >= 2 && s.back() == '%' &&
                   s.substr(0, s.size() - 1).find_first_not_of("0123456789") == std::string::npos;
    if (!percent) {
      errs.Invalid(path, *v, "must be an integer or percentage (e.g '5%')");
      return std::nullopt;
    }
    int64_t n = std::stoll(std::string(s.substr(0, s.size() - 1)));
    if (n > 100) errs.Invalid(path, *v, "must not be greater than 100%");
    return n;
  }
  ValidateNonNegative(obj, key, path, errs);
  return AsInt(*v);
}

void ValidateRollingUpdate(const json::object& strategy, const std::string& path,
                           std::string_view zero_message, FieldErrors& errs) {
  const json::object* rolling = FindObject(strategy, "rollingUpdate");
  if (rolling == nullptr) return;
  std::string at = Child(path, "rollingUpdate");
  auto unavailable =
      ValidateIntOrPercent(*rolling, "maxUnavailable", Child(at, "maxUnavailable"), errs);
  auto surge = ValidateIntOrPercent(*rolling, "maxSurge", Child(at, "maxSurge"), errs);
  if (unavailable.value_or(0) == 0 && surge.value_or(0) == 0 &&
      rolling->contains("maxUnavailable")) {
    errs.Invalid(Child(at, "maxUnavailable"), rolling->at("maxUnavailable"), zero_message);
  }
}

void ValidateReplicasAndMinReady(const json::object& spec, FieldErrors& errs) {
  ValidateNonNegative(spec, "replicas", "spec.replicas", errs);
  ValidateNonNegative(spec, "minReadySeconds", "spec.minReadySeconds", errs);
  ValidateNonNegative(spec, "revisionHistoryLimit", "spec.revisionHistoryLimit", errs);
}

// The template of an apps/v1 kind, checked against its metav1.LabelSelector.
void ValidateTemplate(const json::object& spec, std::string_view owner, FieldErrors& errs) {
  const json::object* tmpl = FindObject(spec, "template");
  const json::value* selector = spec.if_contains("selector");
  auto parsed = LabelSelector::FromJson(selector ? *selector : json::value());
  if (!parsed.ok()) {
    // As in Kubernetes, a selector that does not parse leaves the template unchecked.
    errs.Invalid("spec.selector", *selector, "invalid label selector");
    return;
  }
  ValidateWorkloadTemplate(tmpl ? *tmpl : kEmpty, "spec.template", &*parsed, owner, errs);
}

}  // namespace

void ValidateJobSpec(const json::object& spec, const std::string& path, bool has_selector,
                     FieldErrors& errs) {
  for (std::string_view field :
       {"parallelism", "completions", "backoffLimit", "ttlSecondsAfterFinished"}) {
    ValidateNonNegative(spec, field, Child(path, field), errs);
  }
  if (auto deadline = GetInt(spec, "activeDeadlineSeconds"); deadline && *deadline <= 0) {
    errs.Invalid(Child(path, "activeDeadlineSeconds"), spec.at("activeDeadlineSeconds"),
                 "must be greater than 0");
  }
  // What skiff's Job controller does not do is refused rather than ignored.
  ValidateEnum(spec, "completionMode", Child(path, "completionMode"), {"NonIndexed"}, false, errs);
  for (std::string_view field :
       {"podFailurePolicy", "successPolicy", "backoffLimitPerIndex", "maxFailedIndexes"}) {
    if (spec.contains(field)) {
      errs.Forbidden(Child(path, field), "not supported by this server's Job controller");
    }
  }
  if (const json::value* managed = spec.if_contains("managedBy");
      managed != nullptr && *managed != "kubernetes.io/job-controller") {
    errs.NotSupported(Child(path, "managedBy"), *managed, {"kubernetes.io/job-controller"});
  }
  std::optional<LabelSelector> selector;
  if (has_selector) {
    ValidateSelector(spec, "job", errs, Child(path, "selector"));
    const json::value* sel = spec.if_contains("selector");
    if (auto parsed = LabelSelector::FromJson(sel ? *sel : json::value()); parsed.ok()) {
      selector = std::move(parsed.value());
    }
  }
  const json::object* tmpl = FindObject(spec, "template");
  ValidateWorkloadTemplate(tmpl ? *tmpl : kEmpty, Child(path, "template"),
                           selector ? &*selector : nullptr, "Job", errs, {"OnFailure", "Never"});
}

void ValidateWorkloadTemplate(const json::object& tmpl, const std::string& path,
                              const LabelSelector* selector, std::string_view owner,
                              FieldErrors& errs,
                              const std::vector<std::string_view>& restart_policies) {
  const json::object* meta = FindObject(tmpl, "metadata");
  ValidateTemplateMeta(meta, Child(path, "metadata"), errs);
  const json::value* labels = meta ? meta->if_contains("labels") : nullptr;
  if (selector != nullptr && !selector->Empty() && !selector->Matches(labels)) {
    errs.Invalid(Child(path, "metadata.labels"), labels ? *labels : json::value(),
                 "`selector` does not match template `labels`");
  }
  const json::object* spec = FindObject(tmpl, "spec");
  const json::object& pod_spec = spec ? *spec : kEmpty;
  std::string spec_path = Child(path, "spec");
  ValidatePodSpec(pod_spec, spec_path, errs);
  const json::value* restart = pod_spec.if_contains("restartPolicy");
  if (restart != nullptr &&
      (!restart->is_string() || std::find(restart_policies.begin(), restart_policies.end(),
                                          restart->get_string()) == restart_policies.end())) {
    errs.NotSupported(Child(spec_path, "restartPolicy"), *restart, restart_policies);
  }
  // Pods that run to completion may have a deadline; pods kept running may not.
  if (restart_policies == std::vector<std::string_view>{"Always"} &&
      pod_spec.contains("activeDeadlineSeconds")) {
    errs.Forbidden(Child(spec_path, "activeDeadlineSeconds"),
                   "activeDeadlineSeconds in " + std::string(owner) + " is not Supported");
  }
}

void ValidateDeployment(const json::object& obj, FieldErrors& errs) {
  const json::object& spec = SpecOf(obj);
  ValidateReplicasAndMinReady(spec, errs);
  ValidateSelector(spec, "deployment", errs);
  ValidateTemplate(spec, "Deployment", errs);
  const json::object* strategy = FindObject(spec, "strategy");
  if (strategy != nullptr) {
    ValidateEnum(*strategy, "type", "spec.strategy.type", {"Recreate", "RollingUpdate"}, false,
                 errs);
    if (GetString(*strategy, "type") == "Recreate" && strategy->contains("rollingUpdate")) {
      errs.Forbidden("spec.strategy.rollingUpdate",
                     "may not be specified when strategy `type` is 'Recreate'");
    } else {
      ValidateRollingUpdate(*strategy, "spec.strategy", "may not be 0 when `maxSurge` is 0", errs);
    }
  }
  ValidateNonNegative(spec, "progressDeadlineSeconds", "spec.progressDeadlineSeconds", errs);
  auto deadline = GetInt(spec, "progressDeadlineSeconds");
  if (deadline && *deadline <= GetInt(spec, "minReadySeconds").value_or(0)) {
    errs.Invalid("spec.progressDeadlineSeconds", spec.at("progressDeadlineSeconds"),
                 "must be greater than minReadySeconds");
  }
}

void ValidateJob(const json::object& obj, FieldErrors& errs) {
  ValidateJobSpec(SpecOf(obj), "spec", true, errs);
}

void ValidateCronJob(const json::object& obj, FieldErrors& errs) {
  // Its Jobs are named <name>-<minutes since 1970>, 11 characters more.
  if (std::string_view name = GetString(obj, "metadata.name"); name.size() > 52) {
    errs.Invalid("metadata.name", json::string(name), "must be no more than 52 characters");
  }
  const json::object& spec = SpecOf(obj);
  const json::value* schedule = spec.if_contains("schedule");
  if (schedule == nullptr || !schedule->is_string() || schedule->get_string().empty()) {
    errs.Required("spec.schedule");
  } else if (std::string error; !CronSchedule::Parse(schedule->get_string(), &error)) {
    errs.Invalid("spec.schedule", *schedule, error);
  }
  if (const json::value* zone = spec.if_contains("timeZone");
      zone != nullptr && !zone->is_null() && *zone != "UTC" && *zone != "Etc/UTC") {
    errs.NotSupported("spec.timeZone", *zone, {"UTC", "Etc/UTC"});
  }
  ValidateEnum(spec, "concurrencyPolicy", "spec.concurrencyPolicy", {"Allow", "Forbid", "Replace"},
               false, errs);
  for (std::string_view field :
       {"startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"}) {
    ValidateNonNegative(spec, field, Child("spec", field), errs);
  }
  const json::object* job_spec = FindObject(spec, "jobTemplate.spec");
  if (job_spec == nullptr) {
    errs.Required("spec.jobTemplate.spec");
    return;
  }
  // The Jobs get their selector when they are created, unless the template sets one.
  ValidateJobSpec(*job_spec, "spec.jobTemplate.spec", job_spec->contains("selector"), errs);
}

void ValidateReplicaSet(const json::object& obj, FieldErrors& errs) {
  const json::object& spec = SpecOf(obj);
  ValidateReplicasAndMinReady(spec, errs);
  // Kubernetes words the ReplicaSet message as for deployments.
  ValidateSelector(spec, "deployment", errs);
  ValidateTemplate(spec, "ReplicaSet", errs);
}

void ValidateDaemonSet(const json::object& obj, FieldErrors& errs) {
  const json::object& spec = SpecOf(obj);
  ValidateNonNegative(spec, "minReadySeconds", "spec.minReadySeconds", errs);
  ValidateNonNegative(spec, "revisionHistoryLimit", "spec.revisionHistoryLimit", errs);
  ValidateSelector(spec, "daemonset", errs);
  ValidateTemplate(spec, "DaemonSet", errs);
  if (const json::object* strategy = FindObject(spec, "updateStrategy")) {
    ValidateEnum(*strategy, "type", "spec.updateStrategy.type", {"OnDelete", "RollingUpdate"}, true,
                 errs);
    ValidateRollingUpdate(*strategy, "spec.updateStrategy", "cannot be 0 when maxSurge is 0", errs);
  }
}

void ValidateStatefulSet(const json::object& obj, FieldErrors& errs) {
  const json::object& spec = SpecOf(obj);
  std::string_view policy = GetString(spec, "podManagementPolicy");
  if (policy.empty()) {
    errs.Required("spec.podManagementPolicy");
  } else if (policy != "OrderedReady" && policy != "Parallel") {
    errs.Invalid("spec.podManagementPolicy", spec.at("podManagementPolicy"),
                 "must be 'OrderedReady' or 'Parallel'");
  }
  const json::object* strategy = FindObject(spec, "updateStrategy");
  std::string_view type = strategy ? GetString(*strategy, "type") : "";
  if (type.empty()) {
    errs.Required("spec.updateStrategy");
  } else if (type == "OnDelete" && strategy->contains("rollingUpdate")) {
    errs.Invalid("spec.updateStrategy.rollingUpdate", strategy->at("rollingUpdate"),
                 "only allowed for updateStrategy 'RollingUpdate'");
  } else if (type == "RollingUpdate") {
    if (const json::object* rolling = FindObject(*strategy, "rollingUpdate")) {
      ValidateNonNegative(*rolling, "partition", "spec.updateStrategy.rollingUpdate.partition",
                          errs);
    }
  } else if (type != "OnDelete") {
    errs.Invalid("spec.updateStrategy", json::value(*strategy),
                 "must be 'RollingUpdate' or 'OnDelete'");
  }
  if (const json::object* retention = FindObject(spec, "persistentVolumeClaimRetentionPolicy")) {
    for (const char* field : {"whenDeleted", "whenScaled"}) {
      ValidateEnum(*retention, field,
                   std::string("spec.persistentVolumeClaimRetentionPolicy.") + field,
                   {"Retain", "Delete"}, true, errs);
    }
  }
  ValidateReplicasAndMinReady(spec, errs);
  ValidateSelector(spec, "statefulset", errs);
  // Pods of a StatefulSet get a volume per claim template, which their mounts may name.
  json::object with_claims = spec;
  const json::array* claims = FindArray(spec, "volumeClaimTemplates");
  json::value* tmpl = with_claims.if_contains("template");
  if (claims != nullptr && tmpl != nullptr && tmpl->is_object()) {
    json::object& pod_spec = ChildObject(tmpl->get_object(), "spec");
    json::value& volumes = pod_spec["volumes"];
    if (!volumes.is_array()) volumes = json::array();
    for (const auto& c : *claims) {
      std::string_view name = c.is_object() ? GetString(c.get_object(), "metadata.name") : "";
      volumes.get_array().push_back(json::object{
          {"name", name}, {"persistentVolumeClaim", json::object{{"claimName", name}}}});
    }
  }
  ValidateTemplate(with_claims, "StatefulSet", errs);
}

void ValidateReplicationController(const json::object& obj, FieldErrors& errs) {
  const json::object& spec = SpecOf(obj);
  ValidateNonNegative(spec, "minReadySeconds", "spec.minReadySeconds", errs);
  const json::object* found = FindObject(spec, "selector");
  const json::object& selector = found ? *found : kEmpty;
  if (selector.empty()) {
    errs.Required("spec.selector");
  } else {
    ValidateLabels(spec.if_contains("selector"), "spec.selector", errs);
  }
  ValidateNonNegative(spec, "replicas", "spec.replicas", errs);
  const json::object* tmpl = FindObject(spec, "template");
  if (tmpl == nullptr) {
    errs.Required("spec.template");
    return;
  }
  // An RC's selector is a plain label map.
  auto parsed = LabelSelector::FromJson(json::object{{"matchLabels", selector}});
  ValidateWorkloadTemplate(*tmpl, "spec.template", parsed.ok() ? &*parsed : nullptr,
                           "ReplicationController", errs);
}

// apps/v1 ControllerRevision: a snapshot (`data`, any object) and its ordinal (`revision`).
void ValidateControllerRevision(const json::object& obj, FieldErrors& errs) {
  const json::value* data = obj.if_contains("data");
  if (data == nullptr || data->is_null()) errs.Required("data", "data is mandatory");
  ValidateNonNegative(obj, "revision", "revision", errs);
}

}  // namespace skiff::api
