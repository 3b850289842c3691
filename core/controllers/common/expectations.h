#pragma once

// Expectations: what a controller is waiting to see in its informer after its own writes, per
// controller key ("namespace/name"). While creations or deletions it issued have not been
// observed, the controller must not act on the (stale) cache again, or it would over-create or
// over-delete. Creations are counted; deletions are tracked by pod uid so that a pod seen both
// as "terminating" and as "deleted" is counted once. Expectations older than the timeout count
// as satisfied (a lost watch event must not wedge a controller). Thread-safe.

#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace skiff::controllers {

class Expectations {
 public:
  explicit Expectations(std::chrono::milliseconds timeout = std::chrono::minutes(5));

  // Replaces the expectations of key: `adds` creations and the deletion of `delete_uids`.
  void Expect(const std::string& key, int adds, const std::vector<std::string>& delete_uids);
  // A creation of key's was seen (or failed, so it will never be seen).
  void CreationObserved(const std::string& key);
  // The deletion of uid was seen (or failed).
  void DeletionObserved(const std::string& key, const std::string& uid);
  // True when nothing is pending, the key was never expected, or the expectation expired.
  bool Satisfied(const std::string& key) const;
  // Forgets key (its controller object is gone).
  void Forget(const std::string& key);

 private:
  struct Pending {
    int adds = 0;
    std::set<std::string> deletes;
    std::chrono::steady_clock::time_point since;
  };
  const std::chrono::milliseconds timeout_;
  mutable std::mutex mu_;
  std::map<std::string, Pending> pending_;
};

}  // namespace skiff::controllers
