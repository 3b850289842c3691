#include "core/apiserver/api_handler.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/api/json_fields.h"
#include "core/api/table.h"
#include "core/apiserver/discovery.h"
#include "core/apiserver/pod_exec_proxy.h"
#include "core/apiserver/pod_log_proxy.h"
#include "core/apiserver/protobuf_body.h"
#include "core/apiserver/request_info.h"
#include "core/apiserver/watch_streams.h"
#include "core/apiserver/yaml_json.h"

namespace skiff::apiserver {
namespace json = boost::json;
using api::ApiError;
using api::ApiResult;
using api::Kind;

namespace {

constexpr int kWritePoolThreads = 32;

HttpResponse JsonResponse(int code, std::string body) {
  return HttpResponse{code, "application/json", std::move(body), {}};
}

HttpResponse ErrorResponse(const ApiError& e) {
  HttpResponse r = JsonResponse(e.code, json::serialize(e.ToStatus()));
  if (e.retry_after_seconds > 0)
    r.headers.emplace_back("Retry-After", std::to_string(e.retry_after_seconds));
  return r;
}

ApiError NotFoundPath() {
  ApiError e = ApiError::NotFound("", "", "");
  e.message = "the server could not find the requested resource";
  return e;
}

bool WantsTable(const HttpRequest& req) {
  return req.Header("accept").find("as=Table") != std::string_view::npos;
}

// Accept must allow JSON (we also answer YAML-or-JSON clients and */* with JSON).
bool AcceptsJson(const HttpRequest& req) {
  std::string_view accept = req.Header("accept");
  return accept.empty() || accept.find("json") != std::string_view::npos ||
         accept.find("*/*") != std::string_view::npos ||
         accept.find("application/*") != std::string_view::npos;
}

std::string_view MediaType(std::string_view content_type) {
  auto semi = content_type.find(';');
  std::string_view t = content_type.substr(0, semi);
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  return t;
}

ApiResult<json::value> ParseBody(const HttpRequest& req, std::string_view media_type) {
  if (req.body.empty()) return ApiError::BadRequest("the request body is empty");
  if (media_type == "application/yaml") {
    auto v = YamlToJson(req.body);
    if (!v.ok()) return ApiError::BadRequest("error decoding YAML: " + v.status().message());
    return std::move(v.value());
  }
  boost::system::error_code ec;
  json::value v = json::parse(req.body, ec);
  if (ec) return ApiError::BadRequest("error decoding JSON body: " + ec.message());
  return v;
}

// A create/update body: JSON or YAML, and an object.
ApiResult<json::object> ParseObjectBody(const HttpRequest& req) {
  std::string_view media = MediaType(req.Header("content-type"));
  if (media == "application/vnd.kubernetes.protobuf") return DecodeProtobufBody(req.body);
  if (!media.empty() && media != "application/json" && media != "application/yaml" &&
      media != "*/*") {
    return ApiError::UnsupportedMediaType(std::string(media));
  }
  auto v = ParseBody(req, media);
  if (!v.ok()) return v.error();
  if (!v->is_object()) return ApiError::BadRequest("the request body must be a JSON object");
  return std::move(v->as_object());
}

// Go's strconv.ParseBool, which the Kubernetes API uses for boolean query parameters.
bool IsTrue(std::string_view s) {
  return s == "1" || s == "t" || s == "T" || s == "true" || s == "True" || s == "TRUE";
}

std::optional<std::int64_t> ParseInt(std::string_view s) {
  if (s.empty()) return std::nullopt;
  try {
    std::size_t used = 0;
    std::int64_t v = std::stoll(std::string(s), &used);
    if (used == s.size()) return v;
  } catch (...) {
  }
  return std::nullopt;
}

}  // namespace

class ApiHandler::Impl {
 public:
  explicit Impl(ObjectRegistry& registry)
      : registry_(registry),
        kinds_(registry.kinds()),
        watches_(registry),
        log_proxy_(registry),
        exec_proxy_(registry),
        pool_(kWritePoolThreads) {}

  ~Impl() { pool_.join(); }

  void Handle(std::shared_ptr<HttpExchange> ex) {
    const HttpRequest& req = ex->request();
    const std::string& path = req.path;
    if (!AcceptsJson(req)) {
      return ex->Respond(ErrorResponse(ApiError::NotAcceptable(
          "only the following media types are accepted: application/json, "
          "application/yaml, application/json;as=Table;v=v1;g=meta.k8s.io")));
    }
    if (path == "/healthz" || path == "/livez" || path == "/readyz" ||
        path.starts_with("/healthz/") || path.starts_with("/livez/") ||
        path.starts_with("/readyz/")) {
      return ex->Respond(HttpResponse{200, "text/plain; charset=utf-8", "ok", {}});
    }
    if (path == "/version" || path == "/version/") {
      return ex->Respond(JsonResponse(200, json::serialize(VersionInfo())));
    }
    if (path == "/api" || path == "/api/") {
      return ex->Respond(JsonResponse(200, json::serialize(ApiVersions(req.Header("host")))));
    }
    if (path == "/apis" || path == "/apis/") {
      return ex->Respond(JsonResponse(200, json::serialize(ApiGroupList(kinds_))));
    }
    if (path == "/openapi/v3" || path == "/openapi/v3/") {
      return ex->Respond(JsonResponse(200, json::serialize(OpenApiV3Index(kinds_))));
    }
    if (path.starts_with("/openapi/v3/")) {
      if (auto doc = OpenApiV3Document(kinds_, std::string_view(path).substr(12))) {
        return ex->Respond(JsonResponse(200, json::serialize(*doc)));
      }
      return ex->Respond(ErrorResponse(NotFoundPath()));
    }
    RequestInfo info = ParseRequestInfo(req.method, path, IsWatch(req));
    if (!info.is_resource_request) {
      if (info.api_prefix == "api" && !info.version.empty()) {
        if (auto list = ApiResourceList(kinds_, "", info.version)) {
          return ex->Respond(JsonResponse(200, json::serialize(*list)));
        }
      } else if (info.api_prefix == "apis" && !info.version.empty()) {
        if (auto list = ApiResourceList(kinds_, info.group, info.version)) {
          return ex->Respond(JsonResponse(200, json::serialize(*list)));
        }
      } else if (path.starts_with("/apis/")) {
        std::string_view group = std::string_view(path).substr(6);
        if (!group.empty() && group.back() == '/') group.remove_suffix(1);
        if (auto g = ApiGroup(kinds_, group)) {
          return ex->Respond(JsonResponse(200, json::serialize(*g)));
        }
      }
      return ex->Respond(ErrorResponse(NotFoundPath()));
    }
    const Kind* kind = kinds_.ByResource(info.group, info.version, info.resource);
    if (!kind || (!kind->namespaced && !info.ns.empty() && info.resource != "namespaces") ||
        (kind->namespaced && info.ns.empty() && !info.name.empty())) {
      return ex->Respond(ErrorResponse(NotFoundPath()));
    }
    // pods/{name}/exec (a WebSocket upgrade) runs through the node agent (pod_exec_proxy.h).
    if (info.subresource == "exec" && kind->group.empty() && kind->resource == "pods" &&
        !info.name.empty()) {
      return exec_proxy_.Serve(ex, info.ns, info.name);
    }
    if (info.verb == "get" || info.verb == "list" || info.verb == "watch") {
      return Read(ex, *kind, info);
    }
    // Writes may wait on the store's durable commit: keep them off the I/O threads.
    boost::asio::post(pool_, [this, ex, kind, info] { Write(ex, *kind, info); });
  }

 private:
  static bool IsWatch(const HttpRequest& req) {
    return req.HasQuery("watch") && (req.Query("watch").empty() || IsTrue(req.Query("watch")));
  }

  std::string RenderTable(const Kind& kind, const std::vector<const json::object*>& objects,
                          const HttpRequest& req, const json::object& list_meta) {
    api::TableOptions opts;
    std::string_view include = req.Query("includeObject");
    if (include == "None") opts.include = api::TableOptions::Include::kNone;
    if (include == "Object") opts.include = api::TableOptions::Include::kObject;
    json::object table = api::ToTable(kind, objects, opts);
    table["metadata"] = list_meta;
    return json::serialize(table);
  }

  void Read(const std::shared_ptr<HttpExchange>& ex, const Kind& kind, const RequestInfo& info) {
    const HttpRequest& req = ex->request();
    const bool table = WantsTable(req);
    if (info.verb == "watch") return Watch(ex, kind, info, table);
    if (info.verb == "get") {
      // pods/{name}/log is served by the pod's node agent (core/apiserver/pod_log_proxy.h).
      if (info.subresource == "log" && kind.group.empty() && kind.resource == "pods") {
        return log_proxy_.Serve(ex, info.ns, info.name);
      }
      if (!info.subresource.empty() && info.subresource != "status" &&
          !(info.subresource == "scale" && kind.has_scale)) {
        return ex->Respond(ErrorResponse(NotFoundPath()));
      }
      if (info.subresource == "scale") {
        return Reply(ex, 200, registry_.GetScale(kind, info.ns, info.name));
      }
      if (table) {
        auto obj = registry_.Get(kind, info.ns, info.name);
        if (!obj.ok()) return ex->Respond(ErrorResponse(obj.error()));
        json::object meta{{"resourceVersion", api::GetString(*obj, "metadata.resourceVersion")}};
        return ex->Respond(JsonResponse(200, RenderTable(kind, {&obj.value()}, req, meta)));
      }
      auto text = registry_.GetText(kind, info.ns, info.name);
      if (!text.ok()) return ex->Respond(ErrorResponse(text.error()));
      return ex->Respond(JsonResponse(200, std::move(text.value())));
    }
    // list
    ListQuery q;
    q.label_selector = std::string(req.Query("labelSelector"));
    q.field_selector = std::string(req.Query("fieldSelector"));
    q.continue_token = std::string(req.Query("continue"));
    if (auto limit = ParseInt(req.Query("limit")); limit && *limit > 0) q.limit = *limit;
    auto list = registry_.List(kind, info.ns, q);
    if (!list.ok()) return ex->Respond(ErrorResponse(list.error()));
    json::object meta{{"resourceVersion", std::to_string(list->revision)}};
    if (!list->continue_token.empty()) meta["continue"] = list->continue_token;
    if (table) {
      std::vector<json::object> parsed;
      parsed.reserve(list->items.size());
      for (const auto& text : list->items) parsed.push_back(json::parse(text).as_object());
      std::vector<const json::object*> ptrs;
      for (const auto& o : parsed) ptrs.push_back(&o);
      return ex->Respond(JsonResponse(200, RenderTable(kind, ptrs, req, meta)));
    }
    std::string body = "{\"kind\":\"" + kind.ListKind() + "\",\"apiVersion\":\"" +
                       kind.ApiVersion() + "\",\"metadata\":" + json::serialize(meta) +
                       ",\"items\":[";
    std::size_t total = body.size() + 2;
    for (const auto& t : list->items) total += t.size() + 1;
    body.reserve(total);
    for (std::size_t i = 0; i < list->items.size(); ++i) {
      if (i) body.push_back(',');
      body.append(list->items[i]);
    }
    body.append("]}");
    ex->Respond(JsonResponse(200, std::move(body)));
  }

  void Watch(const std::shared_ptr<HttpExchange>& ex, const Kind& kind, const RequestInfo& info,
             bool table) {
    const HttpRequest& req = ex->request();
    WatchRequest w;
    w.kind = &kind;
    w.ns = info.ns;
    w.query.label_selector = std::string(req.Query("labelSelector"));
    w.query.field_selector = std::string(req.Query("fieldSelector"));
    if (!info.name.empty()) {
      std::string by_name = "metadata.name=" + info.name;
      w.query.field_selector =
          w.query.field_selector.empty() ? by_name : w.query.field_selector + "," + by_name;
    }
    w.query.resource_version = std::string(req.Query("resourceVersion"));
    w.query.send_initial_events = IsTrue(req.Query("sendInitialEvents"));
    w.bookmarks = IsTrue(req.Query("allowWatchBookmarks"));
    if (auto t = ParseInt(req.Query("timeoutSeconds")); t && *t > 0) {
      w.timeout = std::chrono::seconds(*t);
    }
    if (table) {
      HttpRequest copy_for_render;
      copy_for_render.query = req.query;
      w.render = [this, &kind, copy_for_render](const std::string& object) {
        json::object o = json::parse(object).as_object();
        return RenderTable(
            kind, {&o}, copy_for_render,
            json::object{{"resourceVersion", api::GetString(o, "metadata.resourceVersion")}});
      };
    }
    watches_.Serve(ex, std::move(w));
  }

  void Write(const std::shared_ptr<HttpExchange>& ex, const Kind& kind, const RequestInfo& info) {
    const HttpRequest& req = ex->request();
    WriteOptions wopts;
    wopts.dry_run = req.Query("dryRun") == "All";
    const std::string& sub = info.subresource;
    if (!sub.empty() && sub != "status" && !(sub == "scale" && kind.has_scale) &&
        !(sub == "binding" && kind.has_binding)) {
      return ex->Respond(ErrorResponse(NotFoundPath()));
    }
    if (info.verb == "create") {
      if (!info.name.empty() && sub != "binding") {
        return ex->Respond(ErrorResponse(ApiError::MethodNotAllowed(
            "POST is not supported on a named " + kind.resource + " resource")));
      }
      if (kind.namespaced && info.ns.empty()) {
        return ex->Respond(ErrorResponse(NotFoundPath()));
      }
      auto body = ParseObjectBody(req);
      if (!body.ok()) return ex->Respond(ErrorResponse(body.error()));
      if (sub == "binding") {
        return Reply(ex, 201, registry_.Bind(info.ns, info.name, *body, wopts));
      }
      return Reply(ex, 201, registry_.Create(kind, info.ns, std::move(body.value()), wopts));
    }
    if (info.verb == "update") {
      if (info.name.empty()) {
        return ex->Respond(ErrorResponse(ApiError::MethodNotAllowed(
            "PUT is not supported on a collection of " + kind.resource)));
      }
      auto body = ParseObjectBody(req);
      if (!body.ok()) return ex->Respond(ErrorResponse(body.error()));
      if (sub == "scale")
        return Reply(ex, 200, registry_.UpdateScale(kind, info.ns, info.name, *body, wopts));
      Subresource s = sub == "status" ? Subresource::kStatus : Subresource::kNone;
      return Reply(ex, 200,
                   registry_.Update(kind, info.ns, info.name, std::move(body.value()), s, wopts));
    }
    if (info.verb == "patch") {
      if (info.name.empty()) {
        return ex->Respond(ErrorResponse(ApiError::MethodNotAllowed(
            "PATCH is not supported on a collection of " + kind.resource)));
      }
      std::string_view media = MediaType(req.Header("content-type"));
      PatchType type;
      if (media == "application/merge-patch+json") {
        type = PatchType::kMerge;
      } else if (media == "application/json-patch+json") {
        type = PatchType::kJson;
      } else if (media == "application/strategic-merge-patch+json") {
        type = PatchType::kStrategic;
      } else {
        ApiError e = ApiError::UnsupportedMediaType(std::string(media));
        if (media == "application/apply-patch+yaml") {
          e.message = "server-side apply is not supported yet; use client-side kubectl apply";
        }
        return ex->Respond(ErrorResponse(e));
      }
      auto patch = ParseBody(req, "application/json");
      if (!patch.ok()) return ex->Respond(ErrorResponse(patch.error()));
      if (sub == "scale") {
        return Reply(ex, 200, registry_.PatchScale(kind, info.ns, info.name, type, *patch, wopts));
      }
      Subresource s = sub == "status" ? Subresource::kStatus : Subresource::kNone;
      return Reply(ex, 200, registry_.Patch(kind, info.ns, info.name, type, *patch, s, wopts));
    }
    if (info.verb == "delete" || info.verb == "deletecollection") {
      DeleteOptions d;
      if (!req.body.empty()) {
        boost::system::error_code ec;
        json::value v = json::parse(req.body, ec);
        if (ec || !v.is_object()) {
          return ex->Respond(ErrorResponse(ApiError::BadRequest("invalid DeleteOptions body")));
        }
        const json::object& o = v.as_object();
        if (const json::value* g = o.if_contains("gracePeriodSeconds"); g && g->is_int64()) {
          d.grace_period_seconds = g->as_int64();
        }
        d.propagation_policy = std::string(api::GetString(o, "propagationPolicy"));
        if (const json::object* pre = api::FindObject(o, "preconditions")) {
          d.precondition_uid = std::string(api::GetString(*pre, "uid"));
          d.precondition_resource_version = std::string(api::GetString(*pre, "resourceVersion"));
        }
        if (const json::value* dr = o.if_contains("dryRun"); dr && dr->is_array()) {
          for (const auto& x : dr->as_array()) d.dry_run |= x.is_string() && x.as_string() == "All";
        }
      }
      if (auto g = ParseInt(req.Query("gracePeriodSeconds"))) d.grace_period_seconds = *g;
      if (req.HasQuery("propagationPolicy")) {
        d.propagation_policy = std::string(req.Query("propagationPolicy"));
      }
      d.dry_run |= wopts.dry_run;
      if (!d.propagation_policy.empty() && d.propagation_policy != "Orphan" &&
          d.propagation_policy != "Background" && d.propagation_policy != "Foreground") {
        return ex->Respond(ErrorResponse(ApiError::Invalid(
            "", "DeleteOptions", "",
            {{"FieldValueNotSupported",
              "Unsupported value: \"" + d.propagation_policy +
                  "\": supported values: \"Foreground\", \"Background\", \"Orphan\"",
              "propagationPolicy"}})));
      }
      if (info.verb == "delete") {
        return Reply(ex, 200, registry_.Delete(kind, info.ns, info.name, d));
      }
      ListQuery q;
      q.label_selector = std::string(req.Query("labelSelector"));
      q.field_selector = std::string(req.Query("fieldSelector"));
      auto deleted = registry_.DeleteCollection(kind, info.ns, q, d);
      if (!deleted.ok()) return ex->Respond(ErrorResponse(deleted.error()));
      json::array items;
      for (auto& o : deleted.value()) items.push_back(std::move(o));
      json::object list{{"kind", kind.ListKind()},
                        {"apiVersion", kind.ApiVersion()},
                        {"metadata", json::object()},
                        {"items", std::move(items)}};
      return ex->Respond(JsonResponse(200, json::serialize(list)));
    }
    ex->Respond(ErrorResponse(ApiError::MethodNotAllowed("the method is not supported")));
  }

  void Reply(const std::shared_ptr<HttpExchange>& ex, int code, const ApiResult<json::object>& r) {
    if (!r.ok()) return ex->Respond(ErrorResponse(r.error()));
    ex->Respond(JsonResponse(code, json::serialize(r.value())));
  }

  ObjectRegistry& registry_;
  const api::KindRegistry& kinds_;
  WatchStreams watches_;
  PodLogProxy log_proxy_;    // relays pods/{name}/log from the node agent
  PodExecProxy exec_proxy_;  // pods/{name}/exec through the node agent
  boost::asio::thread_pool pool_;
};

ApiHandler::ApiHandler(ObjectRegistry& registry) : impl_(std::make_unique<Impl>(registry)) {}

ApiHandler::~ApiHandler() = default;

void ApiHandler::Handle(std::shared_ptr<HttpExchange> exchange) {
  impl_->Handle(std::move(exchange));
}

HttpResponse ApiHandler::BodyTooLarge() {
  return ErrorResponse(
      ApiError::RequestEntityTooLarge("the request body is too large (limit 3 MiB)"));
}

}  // namespace skiff::apiserver
