#include "plugins/mock-runtime/image_store.h"

#include <cstdint>
#include <cstdio>
#include <utility>

namespace skiff::mock {
namespace {

constexpr char kDefaultDomain[] = "docker.io";

// A stable 64-hex-digit stand-in for a content digest: FNV-1a under four seeds.
std::string FakeDigest(const std::string& text) {
  std::string hex;
  for (uint64_t seed : {0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL, 0x9e3779b97f4a7c15ULL,
                        0xc2b2ae3d27d4eb4fULL}) {
    uint64_t hash = seed;
    for (unsigned char c : text) hash = (hash ^ c) * 0x100000001b3ULL;
    char part[17];
    std::snprintf(part, sizeof(part), "%016llx", static_cast<unsigned long long>(hash));
    hex += part;
  }
  return hex;
}

std::string StripSha(const std::string& id) {
  return id.rfind("sha256:", 0) == 0 ? id.substr(7) : id;
}

}  // namespace

std::string NormalizeImageReference(const std::string& reference) {
  if (reference.empty()) return reference;
  std::string name = reference;
  std::string suffix;  // ":tag" or "@digest"
  if (auto at = name.find('@'); at != std::string::npos) {
    suffix = name.substr(at);
    name.resize(at);
  } else if (auto colon = name.rfind(':');
             colon != std::string::npos && name.find('/', colon) == std::string::npos) {
    suffix = name.substr(colon);
    name.resize(colon);
  } else {
    suffix = ":latest";
  }
  auto slash = name.find('/');
  std::string first = name.substr(0, slash);
  bool has_domain = slash != std::string::npos &&
                    (first.find_first_of(".:") != std::string::npos || first == "localhost");
  if (!has_domain) {
    name =
        std::string(kDefaultDomain) + "/" + (slash == std::string::npos ? "library/" + name : name);
  }
  return name + suffix;
}

ImageStore::ImageStore(std::vector<std::string> fail_pull_patterns)
    : fail_pull_patterns_(std::move(fail_pull_patterns)) {}

sdk::Result<std::string> ImageStore::Pull(const std::string& reference) {
  if (reference.empty()) return sdk::Status::InvalidArgument("image reference is empty");
  for (const auto& pattern : fail_pull_patterns_) {
    if (reference.find(pattern) != std::string::npos) {
      return sdk::Status::NotFound("pull " + reference + ": failed to resolve reference (mock: " +
                                   "matches failPullImages \"" + pattern + "\")");
    }
  }
  std::string normalized = NormalizeImageReference(reference);
  if (const sdk::Image* image = Lookup(normalized)) return image->id;
  sdk::Image image;
  std::string digest = FakeDigest(normalized);
  image.id = "sha256:" + digest;
  image.repo_tags = {normalized};
  image.repo_digests = {
      normalized.substr(0, normalized.find_first_of(":@", normalized.rfind('/'))) +
      "@sha256:" + FakeDigest(digest)};
  image.size = 1024 * 1024 + normalized.size();
  image.spec.image = image.id;
  by_id_[image.id] = image;
  return image.id;
}

const sdk::Image* ImageStore::Lookup(const std::string& reference_or_id) const {
  if (reference_or_id.empty()) return nullptr;
  std::string normalized = NormalizeImageReference(reference_or_id);
  for (const auto& [id, image] : by_id_) {
    if (StripSha(id) == StripSha(reference_or_id)) return &image;
    for (const auto& tag : image.repo_tags) {
      if (tag == normalized) return &image;
    }
    for (const auto& digest : image.repo_digests) {
      if (digest == reference_or_id || digest == normalized) return &image;
    }
  }
  return nullptr;
}

std::optional<sdk::Image> ImageStore::Find(const std::string& reference_or_id) const {
  const sdk::Image* image = Lookup(reference_or_id);
  if (!image) return std::nullopt;
  return *image;
}

std::vector<sdk::Image> ImageStore::List(const sdk::ImageFilter& filter) const {
  std::vector<sdk::Image> images;
  if (!filter.image.image.empty()) {
    if (const sdk::Image* image = Lookup(filter.image.image)) images.push_back(*image);
    return images;
  }
  for (const auto& [id, image] : by_id_) images.push_back(image);
  return images;
}

void ImageStore::Remove(const std::string& reference_or_id) {
  if (const sdk::Image* image = Lookup(reference_or_id)) by_id_.erase(image->id);
}

}  // namespace skiff::mock
