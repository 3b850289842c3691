#include "core/controllers/common/expectations.h"

namespace skiff::controllers {

Expectations::Expectations(std::chrono::milliseconds timeout) : timeout_(timeout) {}

void Expectations::Expect(const std::string& key, int adds,
                          const std::vector<std::string>& delete_uids) {
  std::lock_guard lock(mu_);
  Pending& p = pending_[key];
  p.adds = adds;
  p.deletes = std::set<std::string>(delete_uids.begin(), delete_uids.end());
  p.since = std::chrono::steady_clock::now();
}

void Expectations::CreationObserved(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = pending_.find(key);
  if (it != pending_.end() && it->second.adds > 0) --it->second.adds;
}

void Expectations::DeletionObserved(const std::string& key, const std::string& uid) {
  std::lock_guard lock(mu_);
  auto it = pending_.find(key);
  if (it != pending_.end()) it->second.deletes.erase(uid);
}

bool Expectations::Satisfied(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = pending_.find(key);
  if (it == pending_.end()) return true;
  const Pending& p = it->second;
  if (p.adds <= 0 && p.deletes.empty()) return true;
  return std::chrono::steady_clock::now() - p.since >= timeout_;
}

void Expectations::Forget(const std::string& key) {
  std::lock_guard lock(mu_);
  pending_.erase(key);
}

}  // namespace skiff::controllers
