#pragma once

// PresentImages: the images this node's runtime was recently seen to hold, so starting a pod
// does not ask ImageStatus again for an image the previous pod just used (with containerd, a
// gRPC round trip and a content-store lookup on every start). An entry is trusted for `ttl`;
// a failed CreateContainer forgets its image (it may have been removed underneath), so the
// retry asks the runtime again and pulls if needed. Thread-safe: shared by a node's workers.

#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace skiff::agent {

class PresentImages {
 public:
  using Clock = std::chrono::steady_clock;

  explicit PresentImages(Clock::duration ttl) : ttl_(ttl) {}

  bool Has(const std::string& image, Clock::time_point now) const;
  void Add(const std::string& image, Clock::time_point now);
  void Forget(const std::string& image);

 private:
  const Clock::duration ttl_;
  mutable std::mutex mu_;
  std::map<std::string, Clock::time_point> seen_;  // image -> when the runtime last had it
};

}  // namespace skiff::agent
