#pragma once

// CycleState: what plugins compute in PreFilter/PreScore and read again per node in
// Filter/Score, for one pod's scheduling cycle; plus which plugins asked to be skipped.
// Keyed by the plugin's address: a handful of entries, so a flat vector beats a map.
// Used by one thread at a time (the scheduling cycle, then its binding cycle).

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

namespace skiff::scheduler {

class Plugin;

class CycleState {
 public:
  struct Data {
    virtual ~Data() = default;
  };

  void Write(const Plugin* owner, std::unique_ptr<Data> data) {
    for (auto& [k, v] : data_) {
      if (k == owner) {
        v = std::move(data);
        return;
      }
    }
    data_.emplace_back(owner, std::move(data));
  }
  // Null when the plugin wrote nothing (or something of another type).
  template <typename T>
  T* Read(const Plugin* owner) const {
    for (const auto& [k, v] : data_) {
      if (k == owner) return dynamic_cast<T*>(v.get());
    }
    return nullptr;
  }

  void SkipFilter(const Plugin* p) { skip_filter_.push_back(p); }
  bool FilterSkipped(const Plugin* p) const { return Contains(skip_filter_, p); }
  void SkipScore(const Plugin* p) { skip_score_.push_back(p); }
  bool ScoreSkipped(const Plugin* p) const { return Contains(skip_score_, p); }

 private:
  static bool Contains(const std::vector<const Plugin*>& v, const Plugin* p) {
    return std::find(v.begin(), v.end(), p) != v.end();
  }
  std::vector<std::pair<const Plugin*, std::unique_ptr<Data>>> data_;
  std::vector<const Plugin*> skip_filter_;
  std::vector<const Plugin*> skip_score_;
};

}  // namespace skiff::scheduler
