#include "core/agent/present_images.h"

namespace skiff::agent {

bool PresentImages::Has(const std::string& image, Clock::time_point now) const {
  std::lock_guard lock(mu_);
  auto it = seen_.find(image);
  return it != seen_.end() && now - it->second < ttl_;
}

void PresentImages::Add(const std::string& image, Clock::time_point now) {
  std::lock_guard lock(mu_);
  // Expired entries go when another image is added, so the map stays as small as the set of
  // images in use.
  std::erase_if(seen_, [&](const auto& kv) { return now - kv.second >= ttl_; });
  seen_[image] = now;
}

void PresentImages::Forget(const std::string& image) {
  std::lock_guard lock(mu_);
  seen_.erase(image);
}

}  // namespace skiff::agent
