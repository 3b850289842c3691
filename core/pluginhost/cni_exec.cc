#include "core/pluginhost/cni_exec.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <cstring>
#include <exception>
#include <set>

#include "core/pluginhost/cni_process.h"
#include "core/pluginhost/cni_protocol.h"

namespace skiff::pluginhost {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

// Keeps error messages readable when a plugin prints a lot.
std::string Snippet(std::string_view text, size_t max = 400) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  std::string s(text.substr(0, max));
  if (text.size() > max) s += "...";
  return s;
}

// Cache file names embed these, and CNI restricts container ids the same way.
sdk::Status ValidateAttachment(const sdk::NetworkAttachment& a, bool need_netns) {
  bool id_ok = !a.container_id.empty() && a.container_id != "." && a.container_id != "..";
  for (unsigned char c : a.container_id) {
    id_ok &= std::isalnum(c) || c == '_' || c == '.' || c == '-';
  }
  if (!id_ok) {
    return sdk::Status::InvalidArgument("container id \"" + a.container_id +
                                        "\" must be non-empty [A-Za-z0-9_.-]");
  }
  if (a.ifname.empty() || a.ifname.size() > 15 || a.ifname.find('/') != std::string::npos) {
    return sdk::Status::InvalidArgument("ifname \"" + a.ifname + "\" is not an interface name");
  }
  if (need_netns && a.netns.empty()) return sdk::Status::InvalidArgument("netns path is empty");
  return {};
}

std::string CniArgs(const sdk::NetworkAttachment& a) {
  auto args = a.args;
  auto has = [&](std::string_view key) {
    return std::any_of(args.begin(), args.end(), [&](const auto& kv) { return kv.first == key; });
  };
  if (!a.pod_namespace.empty() && !has("K8S_POD_NAMESPACE")) {
    args.emplace_back("K8S_POD_NAMESPACE", a.pod_namespace);
  }
  if (!a.pod_name.empty() && !has("K8S_POD_NAME")) args.emplace_back("K8S_POD_NAME", a.pod_name);
  // Plugins reject unknown CNI_ARGS keys unless told otherwise (as kubelet does).
  if (!args.empty() && !has("IgnoreUnknown")) args.insert(args.begin(), {"IgnoreUnknown", "1"});
  return FormatCniArgs(args);
}

}  // namespace

// One operation (ADD, DEL, ...) over a network list, with one deadline for the whole chain.
class CniExecPlugin::Call {
 public:
  Call(const CniExecOptions& options, const CniNetworkList& list, std::string command,
       const sdk::NetworkAttachment* attachment)
      : options_(options),
        list_(list),
        command_(std::move(command)),
        attachment_(attachment),
        deadline_(Clock::now() + options.timeout) {}

  // Runs `plugin` with its config on stdin; `*out` gets what it printed on success.
  sdk::Status Run(const CniPluginConf& plugin, std::string_view prev_result, std::string* out,
                  std::string_view extra = {}) {
    return RunWithInput(plugin, CniPluginInput(list_, plugin, prev_result, extra), out);
  }

  sdk::Status RunWithInput(const CniPluginConf& plugin, std::string input, std::string* out) {
    std::string binary;
    if (sdk::Status s = FindBinary(plugin.type, &binary); !s.ok()) return s;
    const std::string who = "CNI plugin " + plugin.type + " (" + binary + ") " + command_;
    auto remaining =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
    if (remaining.count() <= 0) {
      return sdk::Status::DeadlineExceeded(who + ": no time left of the " +
                                           std::to_string(options_.timeout.count()) +
                                           " ms deadline");
    }
    CniProcessRequest req;
    req.binary = binary;
    req.timeout = remaining;
    req.stdin_data = std::move(input);
    req.env = {"CNI_COMMAND=" + command_, "CNI_PATH=" + CniPath()};
    if (attachment_) {
      req.env.push_back("CNI_CONTAINERID=" + attachment_->container_id);
      req.env.push_back("CNI_NETNS=" + attachment_->netns);
      req.env.push_back("CNI_IFNAME=" + attachment_->ifname);
      req.env.push_back("CNI_ARGS=" + CniArgs(*attachment_));
    }
    CniProcessOutcome o = RunCniProcess(req);
    spdlog::debug("{}: {} us", who, o.elapsed.count());
    const std::string stderr_note =
        o.stderr_data.empty() ? "" : "; stderr: " + Snippet(o.stderr_data);
    switch (o.kind) {
      case CniProcessOutcome::Kind::kSpawnFailed:
        return sdk::Status::FailedPrecondition(who +
                                               ": cannot execute: " + std::strerror(o.spawn_errno));
      case CniProcessOutcome::Kind::kTimedOut:
        return sdk::Status::DeadlineExceeded(who + ": timed out after " +
                                             std::to_string(remaining.count()) +
                                             " ms and was killed" + stderr_note);
      case CniProcessOutcome::Kind::kSignaled:
        return sdk::Status::Internal(who + ": killed by signal " + std::to_string(o.signal) +
                                     stderr_note);
      case CniProcessOutcome::Kind::kExited:
        break;
    }
    CniError error;
    if (o.exit_code != 0) {
      if (ParseCniError(o.stdout_data, &error)) return FromCniError(who, error);
      return sdk::Status::Internal(
          who + ": exited with status " + std::to_string(o.exit_code) +
          " without a CNI error on stdout" +
          (o.stdout_data.empty() ? "" : "; stdout: " + Snippet(o.stdout_data)) + stderr_note);
    }
    // Some plugins report errors with status 0; a result never has a "code".
    if (ParseCniError(o.stdout_data, &error)) return FromCniError(who, error);
    if (out) *out = std::move(o.stdout_data);
    return {};
  }

  // Validates an ADD's output as a CNI result.
  sdk::Status CheckResult(const CniPluginConf& plugin, const std::string& output) {
    const std::string who = "CNI plugin " + plugin.type + " " + command_;
    if (output.find_first_not_of(" \t\r\n") == std::string::npos) {
      return sdk::Status::Internal(who + ": printed no result");
    }
    auto parsed = NetworkResultFromJson(output);
    if (!parsed.ok()) {
      return sdk::Status::Internal(who + ": printed an invalid result (" +
                                   std::string(parsed.status().message()) +
                                   "): " + Snippet(output));
    }
    return {};
  }

  sdk::Status FindBinary(const std::string& type, std::string* path) const {
    for (const std::string& dir : options_.bin_dirs) {
      std::string candidate = dir + "/" + type;
      if (access(candidate.c_str(), X_OK) == 0) {
        *path = candidate;
        return {};
      }
    }
    return sdk::Status::FailedPrecondition("CNI plugin " + type + " " + command_ +
                                           ": no executable \"" + type + "\" in binDir " +
                                           CniPath());
  }

 private:
  static sdk::Status FromCniError(const std::string& who, const CniError& e) {
    std::string msg = who + ": " + e.msg;
    if (!e.details.empty()) msg += ": " + e.details;
    msg += " (CNI error code " + std::to_string(e.code) + ")";
    return sdk::Status(StatusCodeForCni(e.code), msg);
  }

  std::string CniPath() const {
    std::string p;
    for (const std::string& d : options_.bin_dirs) p += (p.empty() ? "" : ":") + d;
    return p;
  }

  const CniExecOptions& options_;
  const CniNetworkList& list_;
  const std::string command_;
  const sdk::NetworkAttachment* attachment_;
  const Clock::time_point deadline_;
};

namespace {

template <typename R, typename F>
R Guard(const char* op, F&& f) noexcept {
  try {
    return f();
  } catch (const std::exception& e) {
    return sdk::Status::Internal(std::string("CNI exec ") + op + ": " + e.what());
  } catch (...) {
    return sdk::Status::Internal(std::string("CNI exec ") + op + ": unknown exception");
  }
}

// The list a call uses: its own config when the attachment carries one.
sdk::Result<CniNetworkList> ListFor(const CniExecOptions& options,
                                    const sdk::NetworkAttachment& a) {
  if (a.config_json.empty()) return options.network;
  return ParseCniNetworkList(a.config_json);
}

}  // namespace

CniExecPlugin::CniExecPlugin(CniExecOptions options)
    : options_(std::move(options)), cache_(options_.cache_dir) {}

sdk::Result<sdk::NetworkResult> CniExecPlugin::Add(const sdk::NetworkAttachment& a) noexcept {
  return Guard<sdk::Result<sdk::NetworkResult>>("ADD", [&]() -> sdk::Result<sdk::NetworkResult> {
    if (sdk::Status s = ValidateAttachment(a, true); !s.ok()) return s;
    auto list = ListFor(options_, a);
    if (!list.ok()) return list.status();
    // The SDK promises that adding an existing attachment returns its result again, which
    // many CNI plugins do not do themselves (a second ADD finds eth0 taken). So an attachment
    // whose cached result still passes CHECK is answered from the cache.
    if (auto cached = cache_.Get(list->name, a.container_id, a.ifname);
        cached && cached->netns == a.netns) {
      auto result = NetworkResultFromJson(cached->result_json);
      if (result.ok() && CheckChain(*list, a, cached->result_json).ok()) return result;
    }
    Call call(options_, *list, "ADD", &a);
    std::string prev;
    for (const CniPluginConf& plugin : list->plugins) {
      std::string out;
      sdk::Status s = call.Run(plugin, prev, &out);
      if (s.ok()) s = call.CheckResult(plugin, out);
      if (!s.ok()) {
        // Undo what the earlier plugins did: a failed ADD leaves nothing behind. Not after a
        // timeout: the binary is hung, and the caller must not wait a second deadline.
        if (s.code() == sdk::StatusCode::kDeadlineExceeded) return s;
        Call undo(options_, *list, "DEL", &a);
        for (auto it = list->plugins.rbegin(); it != list->plugins.rend(); ++it) {
          (void)undo.Run(*it, prev, nullptr);
        }
        return s;
      }
      prev = std::move(out);
    }
    auto result = NetworkResultFromJson(prev);
    if (!result.ok()) return result.status();
    sdk::Status cached = cache_.Put({list->name, a.container_id, a.ifname, a.netns, prev});
    if (!cached.ok()) spdlog::warn("CNI exec ADD {}: {}", a.container_id, cached.ToString());
    return result;
  });
}

sdk::Status CniExecPlugin::Del(const sdk::NetworkAttachment& a) noexcept {
  return Guard<sdk::Status>("DEL", [&]() -> sdk::Status {
    if (sdk::Status s = ValidateAttachment(a, false); !s.ok()) return s;
    auto list = ListFor(options_, a);
    if (!list.ok()) return list.status();
    auto cached = cache_.Get(list->name, a.container_id, a.ifname);
    std::string prev = cached ? cached->result_json : "";
    Call call(options_, *list, "DEL", &a);
    for (auto it = list->plugins.rbegin(); it != list->plugins.rend(); ++it) {
      if (sdk::Status s = call.Run(*it, prev, nullptr); !s.ok()) return s;
    }
    return cache_.Remove(list->name, a.container_id, a.ifname);
  });
}

sdk::Status CniExecPlugin::Check(const sdk::NetworkAttachment& a) noexcept {
  return Guard<sdk::Status>("CHECK", [&]() -> sdk::Status {
    if (sdk::Status s = ValidateAttachment(a, true); !s.ok()) return s;
    auto list = ListFor(options_, a);
    if (!list.ok()) return list.status();
    auto cached = cache_.Get(list->name, a.container_id, a.ifname);
    if (!cached) {
      return sdk::Status::NotFound("CNI CHECK " + a.container_id + "/" + a.ifname +
                                   ": no cached ADD result in " + cache_.dir());
    }
    if (!list->disable_check && !CniVersionAtLeast(list->cni_version, "0.4.0")) {
      return sdk::Status::FailedPrecondition("CNI CHECK needs cniVersion 0.4.0 or later, " +
                                             list->name + " says " + list->cni_version);
    }
    return CheckChain(*list, a, cached->result_json);
  });
}

sdk::Status CniExecPlugin::CheckChain(const CniNetworkList& list, const sdk::NetworkAttachment& a,
                                      const std::string& prev_result) const {
  if (list.disable_check || !CniVersionAtLeast(list.cni_version, "0.4.0")) return {};
  Call call(options_, list, "CHECK", &a);
  for (const CniPluginConf& plugin : list.plugins) {
    if (sdk::Status s = call.Run(plugin, prev_result, nullptr); !s.ok()) return s;
  }
  return {};
}

sdk::Status CniExecPlugin::GetStatus() noexcept {
  return Guard<sdk::Status>("STATUS", [&]() -> sdk::Status {
    const CniNetworkList& list = options_.network;
    Call call(options_, list, "STATUS", nullptr);
    for (const CniPluginConf& plugin : list.plugins) {
      std::string path;
      if (sdk::Status s = call.FindBinary(plugin.type, &path); !s.ok()) {
        return sdk::Status::Unavailable(s.message());
      }
    }
    // STATUS exists from CNI 1.1; older plugins are ready when their binaries are there.
    if (!CniVersionAtLeast(list.cni_version, "1.1.0")) return {};
    for (const CniPluginConf& plugin : list.plugins) {
      if (sdk::Status s = call.Run(plugin, "", nullptr); !s.ok()) {
        return sdk::Status(s.code() == sdk::StatusCode::kDeadlineExceeded
                               ? sdk::StatusCode::kDeadlineExceeded
                               : sdk::StatusCode::kUnavailable,
                           s.message());
      }
    }
    return {};
  });
}

sdk::Status CniExecPlugin::GC(const std::vector<sdk::AttachmentKey>& valid) noexcept {
  return Guard<sdk::Status>("GC", [&]() -> sdk::Status {
    const CniNetworkList& list = options_.network;
    std::set<std::pair<std::string, std::string>> keep;
    for (const sdk::AttachmentKey& k : valid) keep.emplace(k.container_id, k.ifname);
    sdk::Status first_error;
    // Any CNI version: DEL what the cache knows and the runtime no longer wants.
    for (const CniCachedAttachment& e : cache_.List(list.name)) {
      if (keep.count({e.container_id, e.ifname})) continue;
      sdk::NetworkAttachment stale;
      stale.container_id = e.container_id;
      stale.ifname = e.ifname;
      stale.netns = e.netns;
      if (sdk::Status s = Del(stale); !s.ok() && first_error.ok()) first_error = s;
    }
    // CNI 1.1: let the plugins clean up what the cache never knew of.
    if (CniVersionAtLeast(list.cni_version, "1.1.0") && !list.disable_gc) {
      json::array attachments;
      for (const sdk::AttachmentKey& k : valid) {
        attachments.push_back(json::object{{"containerID", k.container_id}, {"ifname", k.ifname}});
      }
      std::string extra =
          json::serialize(json::object{{"cni.dev/valid-attachments", std::move(attachments)}});
      Call call(options_, list, "GC", nullptr);
      for (const CniPluginConf& plugin : list.plugins) {
        if (sdk::Status s = call.Run(plugin, "", nullptr, extra); !s.ok() && first_error.ok()) {
          first_error = s;
        }
      }
    }
    return first_error;
  });
}

sdk::Result<sdk::NetworkVersionInfo> CniExecPlugin::Version() noexcept {
  return Guard<sdk::Result<sdk::NetworkVersionInfo>>(
      "VERSION", [&]() -> sdk::Result<sdk::NetworkVersionInfo> {
        const CniNetworkList& list = options_.network;
        Call call(options_, list, "VERSION", nullptr);
        sdk::NetworkVersionInfo info;
        info.cni_version = list.cni_version;
        bool first = true;
        std::string input = json::serialize(json::object{{"cniVersion", list.cni_version}});
        for (const CniPluginConf& plugin : list.plugins) {
          std::string out;
          if (sdk::Status s = call.RunWithInput(plugin, input, &out); !s.ok()) return s;
          auto v = VersionInfoFromJson(out);
          if (!v.ok()) {
            return sdk::Status::Internal("CNI plugin " + plugin.type +
                                         " VERSION: " + std::string(v.status().message()));
          }
          if (first) {
            info.supported_versions = v->supported_versions;
            first = false;
          } else {
            // What the whole chain speaks is what every plugin speaks.
            std::erase_if(info.supported_versions, [&](const std::string& s) {
              return std::find(v->supported_versions.begin(), v->supported_versions.end(), s) ==
                     v->supported_versions.end();
            });
          }
        }
        return info;
      });
}

sdk::Result<CniExecOptions> ParseCniExecConfig(const std::string& config_json) {
  boost::system::error_code ec;
  json::value doc = json::parse(config_json, ec);
  if (ec || !doc.is_object()) {
    return sdk::Status::InvalidArgument("CNI exec config: not a JSON object");
  }
  const json::object& o = doc.get_object();
  CniExecOptions options;
  if (const json::value* bin = o.if_contains("binDir")) {
    options.bin_dirs.clear();
    auto add_dirs = [&](std::string_view text) {
      while (!text.empty()) {
        size_t colon = text.find(':');
        if (colon != 0) options.bin_dirs.emplace_back(text.substr(0, colon));
        if (colon == std::string_view::npos) break;
        text.remove_prefix(colon + 1);
      }
    };
    if (bin->is_string()) {
      add_dirs(bin->get_string());
    } else if (bin->is_array()) {
      for (const json::value& d : bin->get_array()) {
        if (!d.is_string())
          return sdk::Status::InvalidArgument("CNI exec config: binDir entries must be strings");
        add_dirs(d.get_string());
      }
    } else {
      return sdk::Status::InvalidArgument("CNI exec config: binDir must be a string or array");
    }
    if (options.bin_dirs.empty())
      return sdk::Status::InvalidArgument("CNI exec config: binDir is empty");
  }
  const json::value* conf = o.if_contains("confList");
  if (!conf) return sdk::Status::InvalidArgument("CNI exec config: confList is required");
  sdk::Result<CniNetworkList> list = conf->is_string()
                                         ? LoadCniNetworkList(std::string(conf->get_string()))
                                         : ParseCniNetworkList(json::serialize(*conf));
  if (!list.ok()) return list.status();
  options.network = std::move(*list);
  if (const json::value* cache = o.if_contains("cacheDir")) {
    if (!cache->is_string())
      return sdk::Status::InvalidArgument("CNI exec config: cacheDir must be a string");
    options.cache_dir = std::string(cache->get_string());
  }
  if (const json::value* t = o.if_contains("timeoutMs")) {
    auto ms = t->if_int64();
    if (!ms || *ms <= 0)
      return sdk::Status::InvalidArgument("CNI exec config: timeoutMs must be a positive integer");
    options.timeout = std::chrono::milliseconds(*ms);
  }
  return options;
}

sdk::Result<std::unique_ptr<sdk::NetworkPlugin>> NewCniExecPlugin(const std::string& config_json) {
  try {
    auto options = ParseCniExecConfig(config_json);
    if (!options.ok()) return options.status();
    return std::unique_ptr<sdk::NetworkPlugin>(new CniExecPlugin(std::move(*options)));
  } catch (const std::exception& e) {
    return sdk::Status::Internal(std::string("CNI exec config: ") + e.what());
  }
}

}  // namespace skiff::pluginhost
