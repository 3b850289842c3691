#include "core/apiserver/registry.h"

#include <spdlog/spdlog.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <set>

#include "core/api/api_time.h"
#include "core/api/defaults.h"
#include "core/api/json_fields.h"
#include "core/api/patch.h"
#include "core/api/validation.h"
#include "core/apiserver/object_codec.h"
#include "core/apiserver/object_filter.h"
#include "core/apiserver/object_meta.h"

namespace skiff::apiserver {
namespace json = boost::json;
using api::ApiError;
using api::ApiResult;
using api::Kind;
using Object = ObjectRegistry::Object;

namespace {

constexpr int kMaxUpdateAttempts = 32;

bool UsesGeneration(const Kind& kind) {
  return kind.group == "apps" || kind.group == "batch" || kind.kind == "ReplicationController";
}

// Everything but metadata and status: what a generation bump tracks.
json::object SpecPart(const json::object& obj) {
  json::object out;
  for (const auto& [k, v] : obj) {
    if (k != "metadata" && k != "status" && k != "kind" && k != "apiVersion") out[k] = v;
  }
  return out;
}

bool HasFinalizers(const json::object& obj) {
  const json::object* m = api::FindObject(obj, "metadata");
  if (!m) return false;
  const json::value* f = m->if_contains("finalizers");
  return f && f->is_array() && !f->as_array().empty();
}

bool HasNamespaceFinalizers(const json::object& ns) {
  const json::object* spec = api::FindObject(ns, "spec");
  const json::value* f = spec ? spec->if_contains("finalizers") : nullptr;
  return f && f->is_array() && !f->as_array().empty();
}

void AddFinalizer(json::object& meta, std::string_view finalizer) {
  json::value& f = meta["finalizers"];
  if (!f.is_array()) f = json::array();
  for (const auto& v : f.as_array()) {
    if (v.is_string() && v.as_string() == finalizer) return;
  }
  f.as_array().emplace_back(finalizer);
}

// An object being deleted whose last obstacle is gone: finalizers (and, for a namespace, its
// spec.finalizers) are empty, and a pod's grace period has been cut to zero by its node.
bool DeletionComplete(const Kind& kind, const json::object& obj) {
  if (api::GetString(obj, "metadata.deletionTimestamp").empty() || HasFinalizers(obj)) return false;
  if (kind.kind == "Namespace") return !HasNamespaceFinalizers(obj);
  if (kind.kind == "Pod") {
    const json::value* g =
        api::FindObject(obj, "metadata")->if_contains("deletionGracePeriodSeconds");
    return g && g->is_int64() && g->as_int64() == 0;
  }
  return true;
}

std::string QosClass(const json::object& pod) {
  // Guaranteed: every container has cpu and memory limits equal to requests;
  // BestEffort: no container has any request or limit; otherwise Burstable.
  const json::object* spec = api::FindObject(pod, "spec");
  bool any = false, guaranteed = true;
  for (const char* list : {"containers", "initContainers"}) {
    const json::value* cs = spec ? spec->if_contains(list) : nullptr;
    if (!cs || !cs->is_array()) continue;
    for (const auto& c : cs->as_array()) {
      if (!c.is_object()) continue;
      const json::object* res = api::FindObject(c.as_object(), "resources");
      const json::object* limits = res ? api::FindObject(*res, "limits") : nullptr;
      const json::object* requests = res ? api::FindObject(*res, "requests") : nullptr;
      if ((limits && !limits->empty()) || (requests && !requests->empty())) any = true;
      for (const char* r : {"cpu", "memory"}) {
        const json::value* l = limits ? limits->if_contains(r) : nullptr;
        const json::value* q = requests ? requests->if_contains(r) : nullptr;
        if (!l || (q && *q != *l)) guaranteed = false;
      }
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

// The status an object starts with, whatever the client sent (as Kubernetes' strategies do).
void ResetStatusForCreate(const Kind& kind, json::object& obj) {
  if (!kind.has_status) return;
  if (kind.kind == "Node") return;  // the agent registers its node with status
  json::object status;
  if (kind.kind == "Pod") {
    status["phase"] = "Pending";
    status["qosClass"] = QosClass(obj);
  } else if (kind.kind == "Namespace") {
    status["phase"] = "Active";
  } else if (kind.kind == "PersistentVolumeClaim" || kind.kind == "PersistentVolume") {
    status["phase"] = kind.kind == "PersistentVolume" ? "Available" : "Pending";
  } else if (kind.kind == "Service") {
    status["loadBalancer"] = json::object();
  }
  obj["status"] = std::move(status);
}

// A Service PUT that leaves out spec.clusterIP keeps the allocated one, as in Kubernetes.
void KeepAllocatedClusterIp(const json::object& current, json::object& obj) {
  const json::object* cur_spec = api::FindObject(current, "spec");
  if (!cur_spec || api::GetString(*cur_spec, "clusterIP").empty()) return;
  json::value& spec = obj["spec"];
  if (!spec.is_object()) spec = json::object();
  json::object& s = spec.as_object();
  if (!api::GetString(s, "clusterIP").empty()) return;
  for (const char* f : {"clusterIP", "clusterIPs"}) {
    if (const json::value* v = cur_spec->if_contains(f)) s[f] = *v;
  }
}

ApiError InvalidError(const Kind& kind, std::string_view name, std::vector<api::StatusCause> c) {
  return ApiError::Invalid(kind.group, kind.kind, std::string(name), std::move(c));
}

ApiError ForbiddenTerminating(const Kind& kind, std::string_view name, std::string_view ns) {
  ApiError e;
  e.code = 403;
  e.reason = "Forbidden";
  e.name = std::string(name);
  e.group = kind.group;
  e.kind = kind.resource;
  e.message = kind.resource + " \"" + std::string(name) +
              "\" is forbidden: unable to create new content in namespace " + std::string(ns) +
              " because it is being terminated";
  return e;
}

// Continue tokens: "<revision>:<last key>". Opaque to clients.
std::string MakeContinue(store::Revision rev, std::string_view key) {
  return std::to_string(rev) + ":" + std::string(key);
}

bool ParseContinue(std::string_view token, std::string_view prefix, store::Revision& rev,
                   std::string& key) {
  auto colon = token.find(':');
  if (colon == std::string_view::npos) return false;
  try {
    rev = std::stoll(std::string(token.substr(0, colon)));
  } catch (...) {
    return false;
  }
  key = std::string(token.substr(colon + 1));
  return key.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

// The patch itself sets metadata.resourceVersion (an optimistic-concurrency precondition).
bool PatchPinsVersion(PatchType type, const json::value& patch) {
  if (type == PatchType::kJson) {
    if (!patch.is_array()) return false;
    for (const auto& op : patch.as_array()) {
      if (op.is_object() && api::GetString(op.as_object(), "path") == "/metadata/resourceVersion")
        return true;
    }
    return false;
  }
  if (!patch.is_object()) return false;
  const json::object* m = api::FindObject(patch.as_object(), "metadata");
  const json::value* rv = m ? m->if_contains("resourceVersion") : nullptr;
  return rv && !rv->is_null();
}

ObjectRegistry::ObjectRegistry(store::Store& store, const api::KindRegistry& kinds)
    : store_(store), kinds_(kinds) {}

std::optional<ApiError> ObjectRegistry::CheckNamespace(const Kind& kind,
                                                       std::string_view ns) const {
  if (!kind.namespaced) return std::nullopt;
  const Kind* ns_kind = kinds_.ByResource("", "v1", "namespaces");
  auto kv = store_.Get(ObjectKey(*ns_kind, "", ns));
  if (!kv.ok()) return ApiError::NotFound("", "namespaces", std::string(ns));
  json::object nso = DecodeObject(*kv);
  if (!api::GetString(nso, "metadata.deletionTimestamp").empty()) {
    return ForbiddenTerminating(kind, "", ns);
  }
  return std::nullopt;
}

ApiResult<std::string> ObjectRegistry::AllocateClusterIp() const {
  const Kind* svc = kinds_.ByResource("", "v1", "services");
  std::set<std::string> used;
  for (const auto& kv : store_.List(KeyPrefix(*svc, "")).items) {
    json::object o = DecodeObject(kv);
    if (const json::object* spec = api::FindObject(o, "spec"))
      used.insert(std::string(api::GetString(*spec, "clusterIP")));
  }
  // 10.96.0.0/16; .0.1 is the `kubernetes` service address by convention.
  for (int i = 2; i < 65535; ++i) {
    std::string ip = "10.96." + std::to_string(i / 256) + "." + std::to_string(i % 256);
    if (i % 256 != 0 && !used.count(ip)) return ip;
  }
  return ApiError::Internal("the service cluster IP range 10.96.0.0/16 is exhausted");
}

ApiResult<Object> ObjectRegistry::Create(const Kind& kind, std::string_view ns, Object obj,
                                         const WriteOptions& options) {
  if (std::string_view k = api::GetString(obj, "kind"); !k.empty() && k != kind.kind) {
    return ApiError::BadRequest("the API version in the data (" +
                                std::string(api::GetString(obj, "apiVersion")) +
                                ") does not match the expected API version (" + kind.ApiVersion() +
                                ") or the kind " + std::string(k) + " does not match " + kind.kind);
  }
  if (std::string_view av = api::GetString(obj, "apiVersion");
      !av.empty() && av != kind.ApiVersion()) {
    return ApiError::BadRequest("the API version in the data (" + std::string(av) +
                                ") does not match the expected API version (" + kind.ApiVersion() +
                                ")");
  }
  obj["kind"] = kind.kind;
  obj["apiVersion"] = kind.ApiVersion();
  std::string generate_name;
  bool generated = false;
  {
    json::object& meta = api::ChildObject(obj, "metadata");
    if (kind.namespaced) {
      std::string_view body_ns = api::GetString(meta, "namespace");
      if (!body_ns.empty() && body_ns != ns) {
        return ApiError::BadRequest(
            "the namespace of the provided object does not match the namespace sent on the "
            "request");
      }
      meta["namespace"] = ns;
    } else {
      meta.erase("namespace");
    }
    generate_name = api::GetString(meta, "generateName");
    generated = api::GetString(meta, "name").empty() && !generate_name.empty();
    meta.erase("resourceVersion");
    meta.erase("deletionTimestamp");
    meta.erase("deletionGracePeriodSeconds");
    meta.erase("selfLink");
    meta["uid"] = NewUid();
    meta["creationTimestamp"] = api::NowApiTime();
    if (UsesGeneration(kind)) meta["generation"] = 1;
  }
  ResetStatusForCreate(kind, obj);
  api::ApplyDefaults(kind, obj);
  AdmitCreate(*this, admission_, kind, obj);

  if (kind.kind == "Service") {
    json::object& spec = obj["spec"].is_object() ? obj["spec"].as_object()
                                                 : (obj["spec"] = json::object()).as_object();
    if (api::GetString(spec, "type") != "ExternalName" &&
        api::GetString(spec, "clusterIP").empty()) {
      auto ip = AllocateClusterIp();
      if (!ip.ok()) return ip.error();
      spec["clusterIP"] = *ip;
      spec["clusterIPs"] = json::array{json::value(*ip)};
    }
    if (api::GetString(spec, "type") != "ExternalName") {
      if (!spec.contains("ipFamilies")) spec["ipFamilies"] = json::array{"IPv4"};
      if (!spec.contains("ipFamilyPolicy")) spec["ipFamilyPolicy"] = "SingleStack";
    }
  }

  for (int attempt = 0;; ++attempt) {
    // Re-fetched: inserting into obj (status, defaults) invalidates references into it.
    json::object& meta = api::ChildObject(obj, "metadata");
    if (generated) meta["name"] = generate_name + GenerateNameSuffix();
    std::string name(api::GetString(meta, "name"));
    if (kind.group == "batch" && kind.kind == "Job") api::LabelJobPods(obj);
    if (name.empty()) {
      return InvalidError(
          kind, "", {{"FieldValueRequired", "name or generateName is required", "metadata.name"}});
    }
    if (auto causes = api::ValidateCreate(kind, obj); !causes.empty()) {
      return InvalidError(kind, name, std::move(causes));
    }
    if (auto err = CheckNamespace(kind, ns)) {
      if (err->code == 403) return ForbiddenTerminating(kind, name, ns);
      return *err;
    }
    if (options.dry_run) return obj;
    auto rev = store_.Create(ObjectKey(kind, ns, name), EncodeObject(obj));
    if (rev.ok()) {
      api::ChildObject(obj, "metadata")["resourceVersion"] = std::to_string(*rev);
      return obj;
    }
    if (rev.status().code() == Status::Code::kAlreadyExists) {
      if (generated && attempt < 8) continue;
      return ApiError::AlreadyExists(kind.group, kind.resource, name);
    }
    return ApiError::Internal(rev.status().ToString());
  }
}

ApiResult<std::string> ObjectRegistry::GetText(const Kind& kind, std::string_view ns,
                                               std::string_view name) const {
  auto kv = store_.Get(ObjectKey(kind, ns, name));
  if (!kv.ok()) return ApiError::NotFound(kind.group, kind.resource, std::string(name));
  return StoredText(*kv);
}

ApiResult<Object> ObjectRegistry::Get(const Kind& kind, std::string_view ns,
                                      std::string_view name) const {
  auto kv = store_.Get(ObjectKey(kind, ns, name));
  if (!kv.ok()) return ApiError::NotFound(kind.group, kind.resource, std::string(name));
  return DecodeObject(*kv);
}

ApiResult<RawList> ObjectRegistry::List(const Kind& kind, std::string_view ns,
                                        const ListQuery& query) const {
  auto selectors = ObjectFilter::Parse(query.label_selector, query.field_selector);
  if (!selectors.ok()) return selectors.error();
  std::string prefix = KeyPrefix(kind, ns);
  RawList out;
  store::ListOptions page;
  store::Revision token_rev = 0;
  if (!query.continue_token.empty() &&
      !ParseContinue(query.continue_token, prefix, token_rev, page.start_after)) {
    return ApiError::BadRequest("invalid continue token: " + query.continue_token);
  }
  const bool filter = !selectors->Empty();
  // Without selectors one store read is the page; with them, scan in chunks until full.
  page.limit = filter && query.limit ? std::max<std::size_t>(query.limit, 500) : query.limit;
  for (;;) {
    store::ListResult res = store_.List(prefix, page);
    if (out.revision == 0) out.revision = token_rev ? token_rev : res.revision;
    std::string last;
    for (auto& kv : res.items) {
      last = kv.key;
      if (filter && !selectors->Matches(DecodeObject(kv))) continue;
      out.items.push_back(StoredText(kv));
      if (query.limit && out.items.size() == query.limit) break;
    }
    bool full = query.limit && out.items.size() == query.limit;
    bool scanned_all = !res.more && (res.items.empty() || last == res.items.back().key);
    if (full) {
      if (!scanned_all || res.more) out.continue_token = MakeContinue(out.revision, last);
      break;
    }
    if (!res.more) break;
    page.start_after = last;
  }
  return out;
}

ApiResult<Object> ObjectRegistry::Update(const Kind& kind, std::string_view ns,
                                         std::string_view name, Object obj, Subresource sub,
                                         const WriteOptions& options) {
  return GuaranteedUpdate(kind, ns, name, sub, options,
                          [&obj](const Object&) -> ApiResult<Object> { return obj; });
}

ApiResult<Object> ObjectRegistry::Patch(const Kind& kind, std::string_view ns,
                                        std::string_view name, PatchType type,
                                        const json::value& patch, Subresource sub,
                                        const WriteOptions& options) {
  return GuaranteedUpdate(
      kind, ns, name, sub, options, [&](const Object& current) -> ApiResult<Object> {
        json::value target = current;
        Result<json::value> patched = Status::Internal("unreachable");
        switch (type) {
          case PatchType::kMerge:
            patched = api::ApplyMergePatch(target, patch);
            break;
          case PatchType::kJson:
            patched = api::ApplyJsonPatch(target, patch);
            break;
          case PatchType::kStrategic:
            patched = api::ApplyStrategicMergePatch(kind, target, patch);
            break;
        }
        if (!patched.ok()) {
          if (type == PatchType::kJson) {
            ApiError e = ApiError::Invalid(kind.group, kind.kind, std::string(name), {});
            e.message = patched.status().message();
            return e;
          }
          return ApiError::BadRequest(patched.status().message());
        }
        if (!patched->is_object()) return ApiError::BadRequest("the patch result is not an object");
        // The version the patch result inherits from `current` pins nothing: a patch that does
        // not name a resourceVersion is retried on a concurrent write, as in Kubernetes.
        if (!PatchPinsVersion(type, patch))
          api::ChildObject(patched->as_object(), "metadata").erase("resourceVersion");
        return std::move(patched->as_object());
      });
}

ApiResult<Object> ObjectRegistry::GuaranteedUpdate(const Kind& kind, std::string_view ns,
                                                   std::string_view name, Subresource sub,
                                                   const WriteOptions& options,
                                                   const Mutation& mutate) {
  const std::string key = ObjectKey(kind, ns, name);
  auto lock = key_locks_.Lock(key);
  for (int attempt = 0; attempt < kMaxUpdateAttempts; ++attempt) {
    auto kv = store_.Get(key);
    if (!kv.ok()) return ApiError::NotFound(kind.group, kind.resource, std::string(name));
    const Object current = DecodeObject(*kv);
    auto next = mutate(current);
    if (!next.ok()) return next.error();
    Object obj = std::move(next.value());
    json::object& meta = api::ChildObject(obj, "metadata");
    const std::string current_rv = std::to_string(kv->mod_revision);
    std::string pinned_rv(api::GetString(meta, "resourceVersion"));
    if (!pinned_rv.empty() && pinned_rv != current_rv) {
      return ApiError::Conflict(kind.group, kind.resource, std::string(name),
                                "the object has been modified; please apply your changes to "
                                "the latest version and try again");
    }
    if (std::string_view k = api::GetString(obj, "kind"); !k.empty() && k != kind.kind) {
      return ApiError::BadRequest("the kind " + std::string(k) + " does not match " + kind.kind);
    }
    if (std::string_view n = api::GetString(meta, "name"); !n.empty() && n != name) {
      return ApiError::BadRequest("the name of the object (" + std::string(n) +
                                  ") does not match the name on the URL (" + std::string(name) +
                                  ")");
    }
    if (kind.namespaced) {
      if (std::string_view n = api::GetString(meta, "namespace"); !n.empty() && n != ns) {
        return ApiError::BadRequest(
            "the namespace of the provided object does not match the namespace sent on the "
            "request");
      }
    }
    const json::object& cur_meta = *api::FindObject(current, "metadata");
    if (std::string_view uid = api::GetString(meta, "uid");
        !uid.empty() && uid != api::GetString(cur_meta, "uid")) {
      return ApiError::Conflict(
          kind.group, kind.resource, std::string(name),
          "Precondition failed: UID in precondition: " + std::string(uid) +
              ", UID in object meta: " + std::string(api::GetString(cur_meta, "uid")));
    }

    if (sub == Subresource::kStatus) {
      // Only status changes through /status.
      Object merged = current;
      if (const json::value* st = obj.if_contains("status")) {
        merged["status"] = *st;
      } else {
        merged.erase("status");
      }
      obj = std::move(merged);
    } else {
      obj["kind"] = kind.kind;
      obj["apiVersion"] = kind.ApiVersion();
      json::object& m = api::ChildObject(obj, "metadata");
      m["name"] = name;
      if (kind.namespaced) m["namespace"] = ns;
      for (const char* f : {"uid", "creationTimestamp", "deletionTimestamp",
                            "deletionGracePeriodSeconds", "generation"}) {
        if (const json::value* v = cur_meta.if_contains(f)) {
          m[f] = *v;
        } else {
          m.erase(f);
        }
      }
      if (kind.kind == "Service") KeepAllocatedClusterIp(current, obj);
      if (kind.has_status) {
        if (const json::value* st = current.if_contains("status")) {
          obj["status"] = *st;
        } else {
          obj.erase("status");
        }
      }
      api::ApplyDefaults(kind, obj);
      AdmitUpdate(admission_, kind, obj);
      if (UsesGeneration(kind) && SpecPart(obj) != SpecPart(current)) {
        const json::value* g = cur_meta.if_contains("generation");
        api::ChildObject(obj, "metadata")["generation"] =
            (g && g->is_int64() ? g->as_int64() : 0) + 1;
      }
    }
    api::ChildObject(obj, "metadata")["resourceVersion"] = current_rv;
    if (auto causes = api::ValidateUpdate(kind, obj, current); !causes.empty()) {
      return InvalidError(kind, name, std::move(causes));
    }
    if (obj == current) return obj;  // no-op writes are not written
    if (DeletionComplete(kind, obj)) {
      // The last finalizer is gone: the deletion completes.
      auto done = DeleteNow(kind, ns, name, kv->mod_revision, obj, options.dry_run);
      if (!done.ok() && done.error().code == 409) continue;
      return done;
    }
    if (options.dry_run) return obj;
    auto rev = store_.Update(key, EncodeObject(obj), kv->mod_revision);
    if (rev.ok()) {
      api::ChildObject(obj, "metadata")["resourceVersion"] = std::to_string(*rev);
      return obj;
    }
    if (rev.status().code() == Status::Code::kNotFound) {
      return ApiError::NotFound(kind.group, kind.resource, std::string(name));
    }
    if (rev.status().code() != Status::Code::kConflict) {
      return ApiError::Internal(rev.status().ToString());
    }
    if (!pinned_rv.empty()) {
      return ApiError::Conflict(kind.group, kind.resource, std::string(name),
                                "the object has been modified; please apply your changes to "
                                "the latest version and try again");
    }
  }
  return ApiError::Conflict(kind.group, kind.resource, std::string(name),
                            "too many concurrent updates; please try again");
}

ApiResult<Object> ObjectRegistry::DeleteNow(const Kind& kind, std::string_view ns,
                                            std::string_view name, store::Revision expected,
                                            Object last, bool dry_run) {
  if (dry_run) return last;
  auto deleted = store_.Delete(ObjectKey(kind, ns, name), expected);
  if (!deleted.ok()) {
    if (deleted.status().code() == Status::Code::kNotFound) {
      return ApiError::NotFound(kind.group, kind.resource, std::string(name));
    }
    return ApiError::Conflict(kind.group, kind.resource, std::string(name),
                              "the object has been modified");
  }
  api::ChildObject(last, "metadata")["resourceVersion"] = std::to_string(deleted->mod_revision);
  return last;
}

ApiResult<Object> ObjectRegistry::Delete(const Kind& kind, std::string_view ns,
                                         std::string_view name, const DeleteOptions& options) {
  const std::string key = ObjectKey(kind, ns, name);
  auto lock = key_locks_.Lock(key);
  for (int attempt = 0; attempt < kMaxUpdateAttempts; ++attempt) {
    auto kv = store_.Get(key);
    if (!kv.ok()) return ApiError::NotFound(kind.group, kind.resource, std::string(name));
    Object obj = DecodeObject(*kv);
    json::object& meta = api::ChildObject(obj, "metadata");
    if (!options.precondition_uid.empty() &&
        options.precondition_uid != api::GetString(meta, "uid")) {
      return ApiError::Conflict(
          kind.group, kind.resource, std::string(name),
          "Precondition failed: UID in precondition: " + options.precondition_uid +
              ", UID in object meta: " + std::string(api::GetString(meta, "uid")));
    }
    if (!options.precondition_resource_version.empty() &&
        options.precondition_resource_version != api::GetString(meta, "resourceVersion")) {
      return ApiError::Conflict(kind.group, kind.resource, std::string(name),
                                "Precondition failed: ResourceVersion in precondition: " +
                                    options.precondition_resource_version +
                                    ", ResourceVersion in object meta: " +
                                    std::string(api::GetString(meta, "resourceVersion")));
    }

    // Pods bound to a node end gracefully: the node agent stops them, then deletes with 0.
    std::int64_t grace = 0;
    bool graceful = false;
    if (kind.kind == "Pod") {
      const json::object* spec = api::FindObject(obj, "spec");
      const json::object* status = api::FindObject(obj, "status");
      std::string_view phase = status ? api::GetString(*status, "phase") : "";
      bool bound = spec && !api::GetString(*spec, "nodeName").empty();
      grace = 30;
      if (spec) {
        if (const json::value* g = spec->if_contains("terminationGracePeriodSeconds");
            g && g->is_int64()) {
          grace = g->as_int64();
        }
      }
      if (options.grace_period_seconds) grace = *options.grace_period_seconds;
      graceful = bound && grace > 0 && phase != "Succeeded" && phase != "Failed";
    }
    bool namespace_finalizers = kind.kind == "Namespace" && HasNamespaceFinalizers(obj);
    // Orphan and Foreground propagation leave the rest to the garbage collector, which removes
    // the finalizer once the dependents are orphaned or gone.
    if (api::GetString(meta, "deletionTimestamp").empty()) {
      if (options.propagation_policy == "Orphan") AddFinalizer(meta, "orphan");
      if (options.propagation_policy == "Foreground") AddFinalizer(meta, "foregroundDeletion");
    }

    if (!graceful && !HasFinalizers(obj) && !namespace_finalizers) {
      auto done = DeleteNow(kind, ns, name, kv->mod_revision, std::move(obj), options.dry_run);
      if (!done.ok() && done.error().code == 409) continue;
      return done;
    }
    if (!api::GetString(meta, "deletionTimestamp").empty()) return obj;  // already being deleted
    auto now = std::chrono::system_clock::now();
    meta["deletionTimestamp"] = api::ApiTime(now + std::chrono::seconds(graceful ? grace : 0));
    meta["deletionGracePeriodSeconds"] = graceful ? grace : 0;
    if (kind.kind == "Namespace") {
      json::value& st = obj["status"];
      if (!st.is_object()) st = json::object();
      st.as_object()["phase"] = "Terminating";
    }
    if (options.dry_run) return obj;
    auto rev = store_.Update(key, EncodeObject(obj), kv->mod_revision);
    if (rev.ok()) {
      api::ChildObject(obj, "metadata")["resourceVersion"] = std::to_string(*rev);
      return obj;
    }
    if (rev.status().code() == Status::Code::kNotFound) {
      return ApiError::NotFound(kind.group, kind.resource, std::string(name));
    }
  }
  return ApiError::Conflict(kind.group, kind.resource, std::string(name),
                            "too many concurrent updates; please try again");
}

ApiResult<std::vector<Object>> ObjectRegistry::DeleteCollection(const Kind& kind,
                                                                std::string_view ns,
                                                                const ListQuery& query,
                                                                const DeleteOptions& options) {
  ListQuery all = query;
  all.limit = 0;
  all.continue_token.clear();
  auto list = List(kind, ns, all);
  if (!list.ok()) return list.error();
  std::vector<Object> deleted;
  for (const auto& text : list->items) {
    json::object o = json::parse(text).as_object();
    const json::object& m = *api::FindObject(o, "metadata");
    auto r = Delete(kind, api::GetString(m, "namespace"), api::GetString(m, "name"), options);
    if (r.ok()) {
      deleted.push_back(std::move(r.value()));
    } else if (r.error().code != 404) {
      return r.error();
    }
  }
  return deleted;
}

}  // namespace skiff::apiserver
