// skiff-bridge: the bridge plugin as a standard CNI plugin binary (spec 1.0, plus STATUS and
// GC from 1.1). The command and attachment come from CNI_* variables, the network config
// from stdin; the result or error JSON goes to stdout, logs to stderr.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <string>

#include "core/pluginhost/cni_protocol.h"
#include "plugins/bridge-cni/bridge_plugin.h"

namespace {

namespace json = boost::json;
namespace cni = skiff::pluginhost;
namespace sdk = skiff::sdk;

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

int Fail(int code, const std::string& msg, const std::string& version,
         const std::string& details = {}) {
  std::cout << cni::CniErrorToJson({code, msg, details}, version) << std::endl;
  return 1;
}

int FailStatus(const sdk::Status& s, const std::string& version, int code_override = 0) {
  return Fail(code_override ? code_override : cni::CniCodeForStatus(s), std::string(s.message()),
              version, std::string(sdk::StatusCodeName(s.code())));
}

bool Supported(const sdk::NetworkVersionInfo& info, const std::string& version) {
  for (const std::string& v : info.supported_versions) {
    if (v == version) return true;
  }
  return false;
}

int Run() {
  const std::string command = Env("CNI_COMMAND");
  std::string input((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());

  boost::system::error_code ec;
  json::value conf = json::parse(input.empty() ? "{}" : input, ec);
  std::string version = "1.0.0";
  if (!ec && conf.is_object()) {
    if (auto* v = conf.get_object().if_contains("cniVersion"); v && v->is_string()) {
      version = std::string(v->get_string());
    }
  }

  const sdk::NetworkVersionInfo info = skiff::bridge_cni::BridgePluginVersion();
  if (command == "VERSION") {
    std::cout << cni::VersionInfoToJson(info) << std::endl;
    return 0;
  }
  if (ec || !conf.is_object()) {
    return Fail(cni::kCniDecodeFailure, "network config on stdin is not a JSON object", version,
                ec ? ec.message() : "");
  }
  if (!Supported(info, version)) {
    return Fail(cni::kCniIncompatibleVersion, "cniVersion " + version + " is not supported",
                version);
  }

  auto plugin = skiff::bridge_cni::NewBridgePlugin(input);
  if (!plugin.ok()) return FailStatus(plugin.status(), version, cni::kCniInvalidNetworkConfig);

  sdk::NetworkAttachment a;
  a.container_id = Env("CNI_CONTAINERID");
  a.netns = Env("CNI_NETNS");
  a.ifname = Env("CNI_IFNAME");
  a.args = cni::ParseCniArgs(Env("CNI_ARGS"));
  a.config_json = input;  // carries prevResult for CHECK
  for (const auto& [k, v] : a.args) {
    if (k == "K8S_POD_NAME") a.pod_name = v;
    if (k == "K8S_POD_NAMESPACE") a.pod_namespace = v;
  }
  auto require = [&](bool netns) -> std::string {
    if (a.container_id.empty()) return "CNI_CONTAINERID";
    if (a.ifname.empty()) return "CNI_IFNAME";
    if (netns && a.netns.empty()) return "CNI_NETNS";
    return "";
  };

  if (command == "ADD") {
    if (auto missing = require(true); !missing.empty()) {
      return Fail(cni::kCniInvalidEnvironment, missing + " is required for ADD", version);
    }
    auto result = (*plugin)->Add(a);
    if (!result.ok()) return FailStatus(result.status(), version);
    std::cout << cni::NetworkResultToJson(*result, version) << std::endl;
    return 0;
  }
  if (command == "DEL") {
    if (auto missing = require(false); !missing.empty()) {
      return Fail(cni::kCniInvalidEnvironment, missing + " is required for DEL", version);
    }
    sdk::Status s = (*plugin)->Del(a);
    return s.ok() ? 0 : FailStatus(s, version);
  }
  if (command == "CHECK") {
    if (auto missing = require(true); !missing.empty()) {
      return Fail(cni::kCniInvalidEnvironment, missing + " is required for CHECK", version);
    }
    sdk::Status s = (*plugin)->Check(a);
    return s.ok() ? 0 : FailStatus(s, version);
  }
  if (command == "STATUS") {
    sdk::Status s = (*plugin)->GetStatus();
    return s.ok() ? 0 : FailStatus(s, version, cni::kCniPluginNotAvailable);
  }
  if (command == "GC") {
    std::vector<sdk::AttachmentKey> valid;
    if (auto* list = conf.get_object().if_contains("cni.dev/valid-attachments")) {
      if (!list->is_array()) {
        return Fail(cni::kCniInvalidNetworkConfig, "cni.dev/valid-attachments must be an array",
                    version);
      }
      for (const json::value& e : list->get_array()) {
        if (!e.is_object()) continue;
        sdk::AttachmentKey k;
        if (auto* id = e.get_object().if_contains("containerID"); id && id->is_string()) {
          k.container_id = std::string(id->get_string());
        }
        if (auto* ifn = e.get_object().if_contains("ifname"); ifn && ifn->is_string()) {
          k.ifname = std::string(ifn->get_string());
        }
        valid.push_back(std::move(k));
      }
    }
    sdk::Status s = (*plugin)->GC(valid);
    return s.ok() ? 0 : FailStatus(s, version);
  }
  return Fail(cni::kCniInvalidEnvironment,
              "CNI_COMMAND \"" + command + "\" is not one of ADD, DEL, CHECK, STATUS, GC, VERSION",
              version);
}

}  // namespace

int main() {
  // stdout is the protocol channel: every log line goes to stderr.
  spdlog::set_default_logger(spdlog::stderr_color_mt("skiff-bridge"));
  spdlog::set_level(spdlog::level::warn);
  try {
    return Run();
  } catch (const std::exception& e) {
    return Fail(cni::kCniPluginSpecific, std::string("skiff-bridge: ") + e.what(), "1.0.0");
  }
}
