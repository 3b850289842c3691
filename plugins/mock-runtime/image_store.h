#pragma once

// The mock runtime's images: pulling records an image under its normalized reference
// (docker.io/library/busybox:latest), with a fake but stable id and digest. Not thread-safe;
// the runtime serialises access.

#include <skiff/sdk/runtime_types.h>
#include <skiff/sdk/status.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace skiff::mock {

// Docker's reference rules: default domain docker.io, "library/" for official images, and
// ":latest" when neither tag nor digest is given.
std::string NormalizeImageReference(const std::string& reference);

class ImageStore {
 public:
  explicit ImageStore(std::vector<std::string> fail_pull_patterns);

  // Returns the image id.
  sdk::Result<std::string> Pull(const std::string& reference);
  // By reference (normalized) or by id.
  std::optional<sdk::Image> Find(const std::string& reference_or_id) const;
  std::vector<sdk::Image> List(const sdk::ImageFilter& filter) const;
  void Remove(const std::string& reference_or_id);

 private:
  const sdk::Image* Lookup(const std::string& reference_or_id) const;

  std::vector<std::string> fail_pull_patterns_;
  std::map<std::string, sdk::Image> by_id_;
};

}  // namespace skiff::mock
