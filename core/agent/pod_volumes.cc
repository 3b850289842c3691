#include "core/agent/pod_volumes.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

#include "core/api/json_fields.h"

namespace skiff::agent {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

const api::Kind& KindOf(const char* resource) {
  return *api::KindRegistry::Builtin().ByResource("", "v1", resource);
}

Status WriteFile(const fs::path& path, std::string_view content) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  std::ofstream out(path, std::ios::trunc | std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) return Status::Internal("cannot write " + path.string());
  return Status::Ok();
}

// Projects a ConfigMap's or Secret's keys (or the `items` chosen) as files under dir.
Status Project(const json::object& source, const json::object& data, bool base64,
               const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::Internal("cannot create " + dir.string() + ": " + ec.message());
  auto write = [&](const std::string& key, const std::string& path) -> Status {
    const json::value* v = data.if_contains(key);
    if (!v || !v->is_string()) return Status::NotFound("key " + key + " not found");
    std::string content(v->as_string());
    if (base64) {
      auto decoded = DecodeBase64(content);
      if (!decoded) return Status::InvalidArgument("key " + key + " is not valid base64");
      content = *decoded;
    }
    return WriteFile(dir / path, content);
  };
  if (const json::array* items = api::FindArray(source, "items")) {
    for (const auto& item : *items) {
      if (!item.is_object()) continue;
      Status s = write(std::string(api::GetString(item.as_object(), "key")),
                       std::string(api::GetString(item.as_object(), "path")));
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }
  for (const auto& kv : data) {
    Status s = write(std::string(kv.key()), std::string(kv.key()));
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

std::optional<std::string> DecodeBase64(std::string_view in) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  int bits = 0;
  unsigned buffer = 0;
  for (char c : in) {
    if (c == '=') break;
    if (c == '\n' || c == '\r') continue;
    int v = val(c);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  return out;
}

PodVolumes::PodVolumes(client::Client& client, std::shared_ptr<sdk::StoragePlugin> storage,
                       std::string root_dir)
    : client_(client), storage_(std::move(storage)), root_dir_(std::move(root_dir)) {}

std::string PodVolumes::PodDir(const std::string& pod_uid) const {
  return (fs::path(root_dir_) / "pods" / pod_uid).string();
}

Result<std::map<std::string, std::string>> PodVolumes::Setup(const client::Object& pod) {
  std::map<std::string, std::string> paths;
  std::string pod_dir = PodDir(std::string(api::GetString(pod, "metadata.uid")));
  std::error_code ec;
  fs::create_directories(pod_dir, ec);
  if (ec) return Status::Internal("cannot create " + pod_dir + ": " + ec.message());
  if (const json::array* volumes = api::FindArray(pod, "spec.volumes")) {
    for (const auto& v : *volumes) {
      if (!v.is_object()) continue;
      std::string name(api::GetString(v.as_object(), "name"));
      auto path = SetupOne(pod, v.as_object(), pod_dir);
      if (!path.ok()) {
        std::string msg = "volume \"" + name + "\": " + path.status().message();
        return path.status().code() == Status::Code::kNotFound ? Status::NotFound(msg)
                                                               : Status::Unavailable(msg);
      }
      paths[name] = *path;
    }
  }
  return paths;
}

Result<std::string> PodVolumes::SetupOne(const client::Object& pod, const json::object& volume,
                                         const std::string& pod_dir) {
  std::string name(api::GetString(volume, "name"));
  std::string ns(api::GetString(pod, "metadata.namespace"));
  std::error_code ec;
  if (volume.contains("emptyDir")) {
    fs::path dir = fs::path(pod_dir) / "volumes" / "empty-dir" / name;
    fs::create_directories(dir, ec);
    if (ec) return Status::Internal("cannot create " + dir.string() + ": " + ec.message());
    return dir.string();
  }
  if (const json::object* hp = api::FindObject(volume, "hostPath")) {
    std::string path(api::GetString(*hp, "path"));
    std::string type(api::GetString(*hp, "type"));
    if (type == "DirectoryOrCreate") fs::create_directories(path, ec);
    if ((type == "Directory" || type == "DirectoryOrCreate") && !fs::is_directory(path)) {
      return Status::NotFound("hostPath " + path + " is not a directory");
    }
    if (type == "File" && !fs::is_regular_file(path)) {
      return Status::NotFound("hostPath " + path + " is not a file");
    }
    return path;
  }
  if (const json::object* cm = api::FindObject(volume, "configMap")) {
    std::string cm_name(api::GetString(*cm, "name"));
    auto obj = client_.Get(KindOf("configmaps"), ns, cm_name);
    fs::path dir = fs::path(pod_dir) / "volumes" / "configmap" / name;
    if (!obj.ok()) {
      if (api::GetBool(*cm, "optional")) return (fs::create_directories(dir, ec), dir.string());
      return Status::NotFound("configmap \"" + cm_name + "\" not found");
    }
    const json::object* data = api::FindObject(*obj, "data");
    Status s = Project(*cm, data ? *data : json::object{}, false, dir);
    if (!s.ok()) return s;
    return dir.string();
  }
  if (const json::object* sec = api::FindObject(volume, "secret")) {
    std::string sec_name(api::GetString(*sec, "secretName"));
    auto obj = client_.Get(KindOf("secrets"), ns, sec_name);
    fs::path dir = fs::path(pod_dir) / "volumes" / "secret" / name;
    if (!obj.ok()) {
      if (api::GetBool(*sec, "optional")) return (fs::create_directories(dir, ec), dir.string());
      return Status::NotFound("secret \"" + sec_name + "\" not found");
    }
    const json::object* data = api::FindObject(*obj, "data");
    Status s = Project(*sec, data ? *data : json::object{}, true, dir);
    if (!s.ok()) return s;
    return dir.string();
  }
  if (const json::object* pvc = api::FindObject(volume, "persistentVolumeClaim")) {
    return SetupClaim(pod, name, std::string(api::GetString(*pvc, "claimName")), pod_dir,
                      api::GetBool(*pvc, "readOnly"));
  }
  return Status::InvalidArgument("unsupported volume type");
}

Result<std::string> PodVolumes::SetupClaim(const client::Object& pod, const std::string& name,
                                           const std::string& claim, const std::string& pod_dir,
                                           bool read_only) {
  if (!storage_) return Status::Unavailable("no storage plugin is configured on this node");
  std::string ns(api::GetString(pod, "metadata.namespace"));
  auto pvc = client_.Get(KindOf("persistentvolumeclaims"), ns, claim);
  if (!pvc.ok()) return Status::NotFound("persistentvolumeclaim \"" + claim + "\" not found");
  std::string pv_name(api::GetString(*pvc, "spec.volumeName"));
  if (pv_name.empty())
    return Status::Unavailable("persistentvolumeclaim \"" + claim + "\" is not bound");
  auto pv = client_.Get(KindOf("persistentvolumes"), "", pv_name);
  if (!pv.ok()) return Status::NotFound("persistentvolume \"" + pv_name + "\" not found");
  const json::object* csi = api::FindObject(*pv, "spec.csi");
  if (!csi) return Status::InvalidArgument("persistentvolume \"" + pv_name + "\" has no spec.csi");
  std::string volume_id(api::GetString(*csi, "volumeHandle"));
  sdk::StringMap context;
  if (const json::object* attrs = api::FindObject(*csi, "volumeAttributes")) {
    for (const auto& kv : *attrs) {
      if (kv.value().is_string())
        context[std::string(kv.key())] = std::string(kv.value().as_string());
    }
  }
  sdk::VolumeCapability cap;
  cap.mount = sdk::MountVolume{};
  cap.access_mode = sdk::AccessMode::kSingleNodeWriter;

  bool stage = false;
  if (auto caps = storage_->NodeGetCapabilities(); caps.ok()) {
    for (auto c : *caps) stage = stage || c == sdk::NodeCapability::kStageUnstageVolume;
  }
  fs::path staging = fs::path(root_dir_) / "plugins" / "csi" / "staging" / volume_id;
  fs::path target = fs::path(pod_dir) / "volumes" / "csi" / name;
  std::error_code ec;
  if (stage) {
    fs::create_directories(staging, ec);
    sdk::NodeStageVolumeRequest req;
    req.volume_id = volume_id;
    req.staging_target_path = staging.string();
    req.volume_capability = cap;
    req.volume_context = context;
    if (sdk::Status s = storage_->NodeStageVolume(req); !s.ok()) {
      return Status::Unavailable("NodeStageVolume: " + s.ToString());
    }
  }
  fs::create_directories(target.parent_path(), ec);
  sdk::NodePublishVolumeRequest pub;
  pub.volume_id = volume_id;
  pub.staging_target_path = stage ? staging.string() : "";
  pub.target_path = target.string();
  pub.volume_capability = cap;
  pub.readonly = read_only;
  pub.volume_context = context;
  if (sdk::Status s = storage_->NodePublishVolume(pub); !s.ok()) {
    return Status::Unavailable("NodePublishVolume: " + s.ToString());
  }
  // Recorded so TearDown (maybe in a later agent process) knows what to unpublish.
  std::ofstream(fs::path(pod_dir) / ("csi-" + name + ".json"))
      << json::serialize(json::object{{"volumeId", volume_id},
                                      {"targetPath", target.string()},
                                      {"stagingPath", stage ? staging.string() : ""}});
  return target.string();
}

Status PodVolumes::TearDown(const std::string& pod_uid) {
  fs::path dir = PodDir(pod_uid);
  std::error_code ec;
  if (!fs::exists(dir, ec)) return Status::Ok();
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string file = entry.path().filename().string();
    if (!file.starts_with("csi-") || !file.ends_with(".json")) continue;
    std::ifstream in(entry.path());
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    boost::system::error_code jec;
    json::value rec = json::parse(text, jec);
    if (jec || !rec.is_object() || !storage_) continue;
    const json::object& r = rec.as_object();
    sdk::NodeUnpublishVolumeRequest unpub{std::string(api::GetString(r, "volumeId")),
                                          std::string(api::GetString(r, "targetPath"))};
    if (sdk::Status s = storage_->NodeUnpublishVolume(unpub); !s.ok()) {
      return Status::Unavailable("NodeUnpublishVolume: " + s.ToString());
    }
    if (std::string staging(api::GetString(r, "stagingPath")); !staging.empty()) {
      sdk::NodeUnstageVolumeRequest unstage{unpub.volume_id, staging};
      if (sdk::Status s = storage_->NodeUnstageVolume(unstage); !s.ok()) {
        return Status::Unavailable("NodeUnstageVolume: " + s.ToString());
      }
    }
    fs::remove(entry.path(), ec);
  }
  fs::remove_all(dir, ec);
  if (ec) return Status::Internal("cannot remove " + dir.string() + ": " + ec.message());
  return Status::Ok();
}

std::vector<std::string> PodVolumes::PodUidsOnDisk() const {
  std::vector<std::string> uids;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(fs::path(root_dir_) / "pods", ec)) {
    uids.push_back(entry.path().filename().string());
  }
  return uids;
}

}  // namespace skiff::agent
