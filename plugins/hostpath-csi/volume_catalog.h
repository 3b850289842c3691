#pragma once

// What the hostpath driver has provisioned and where it is published, persisted as JSON
// (written to a temporary file, then renamed) so a restarted driver knows its volumes.
// Not thread-safe; the driver serialises access.

#include <skiff/sdk/status.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace skiff::hostpath {

struct VolumeRecord {
  std::string id;
  std::string name;
  int64_t capacity_bytes = 0;
  std::map<std::string, bool> published;  // target path -> read-only
};

class VolumeCatalog {
 public:
  // Reads `file` if it exists; an empty catalog otherwise.
  static sdk::Result<VolumeCatalog> Open(std::filesystem::path file);

  const VolumeRecord* FindById(const std::string& id) const;
  const VolumeRecord* FindByName(const std::string& name) const;
  const std::map<std::string, VolumeRecord>& volumes() const { return volumes_; }
  int64_t allocated_bytes() const;

  // Reads the file again: another driver instance on the same root (the API server's
  // provisioner, next to a node agent's driver) may have added volumes. Unchanged on error.
  sdk::Status Reload();

  // Both persist before returning.
  sdk::Status Put(VolumeRecord record);
  sdk::Status Erase(const std::string& id);

 private:
  explicit VolumeCatalog(std::filesystem::path file) : file_(std::move(file)) {}
  sdk::Status Save() const;

  std::filesystem::path file_;
  std::map<std::string, VolumeRecord> volumes_;  // by id
};

}  // namespace skiff::hostpath
