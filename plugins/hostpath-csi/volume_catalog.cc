#include "plugins/hostpath-csi/volume_catalog.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <fstream>
#include <optional>
#include <sstream>

namespace skiff::hostpath {
namespace json = boost::json;

sdk::Result<VolumeCatalog> VolumeCatalog::Open(std::filesystem::path file) {
  VolumeCatalog catalog(std::move(file));
  std::ifstream in(catalog.file_);
  if (!in) return catalog;
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  json::value root = json::parse(text.str(), ec);
  const std::string where = "volume catalog " + catalog.file_.string();
  if (ec || !root.is_object() || !root.as_object().contains("volumes") ||
      !root.at("volumes").is_array()) {
    return sdk::Status::Internal(where + " is corrupt");
  }
  for (const json::value& v : root.at("volumes").as_array()) {
    const json::object* o = v.if_object();
    if (!o || !o->contains("id") || !o->at("id").is_string() || !o->contains("name") ||
        !o->at("name").is_string() || !o->contains("capacityBytes") ||
        !o->at("capacityBytes").is_int64()) {
      return sdk::Status::Internal(where + " has a malformed volume entry");
    }
    VolumeRecord record{o->at("id").as_string().c_str(),
                        o->at("name").as_string().c_str(),
                        o->at("capacityBytes").as_int64(),
                        {}};
    if (const json::value* published = o->if_contains("published");
        published && published->is_object()) {
      for (const auto& [target, readonly] : published->as_object()) {
        record.published[std::string(target)] = readonly.is_bool() && readonly.as_bool();
      }
    }
    catalog.volumes_[record.id] = std::move(record);
  }
  return catalog;
}

const VolumeRecord* VolumeCatalog::FindById(const std::string& id) const {
  auto it = volumes_.find(id);
  return it == volumes_.end() ? nullptr : &it->second;
}

const VolumeRecord* VolumeCatalog::FindByName(const std::string& name) const {
  for (const auto& [id, record] : volumes_) {
    if (record.name == name) return &record;
  }
  return nullptr;
}

int64_t VolumeCatalog::allocated_bytes() const {
  int64_t total = 0;
  for (const auto& [id, record] : volumes_) total += record.capacity_bytes;
  return total;
}

sdk::Status VolumeCatalog::Put(VolumeRecord record) {
  std::string id = record.id;
  auto previous = volumes_.find(id);
  std::optional<VolumeRecord> undo;
  if (previous != volumes_.end()) undo = previous->second;
  volumes_[id] = std::move(record);
  sdk::Status st = Save();
  if (!st.ok()) {
    if (undo) {
      volumes_[id] = std::move(*undo);
    } else {
      volumes_.erase(id);
    }
  }
  return st;
}

sdk::Status VolumeCatalog::Erase(const std::string& id) {
  auto it = volumes_.find(id);
  if (it == volumes_.end()) return sdk::Status::Ok();
  VolumeRecord undo = it->second;
  volumes_.erase(it);
  sdk::Status st = Save();
  if (!st.ok()) volumes_[id] = std::move(undo);
  return st;
}

sdk::Status VolumeCatalog::Reload() {
  auto fresh = Open(file_);
  if (!fresh.ok()) return fresh.status();
  volumes_ = std::move(fresh->volumes_);
  return sdk::Status::Ok();
}

sdk::Status VolumeCatalog::Save() const {
  json::array list;
  for (const auto& [id, record] : volumes_) {
    json::object published;
    for (const auto& [target, readonly] : record.published) published[target] = readonly;
    list.push_back(json::object{{"id", record.id},
                                {"name", record.name},
                                {"capacityBytes", record.capacity_bytes},
                                {"published", std::move(published)}});
  }
  std::filesystem::path temp = file_;
  temp += ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << json::serialize(json::object{{"volumes", std::move(list)}});
    out.flush();
    if (!out) return sdk::Status::Internal("write " + temp.string());
  }
  std::error_code ec;
  std::filesystem::rename(temp, file_, ec);
  if (ec) return sdk::Status::Internal("rename " + temp.string() + ": " + ec.message());
  return sdk::Status::Ok();
}

}  // namespace skiff::hostpath
