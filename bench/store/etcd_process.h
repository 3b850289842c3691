#pragma once

#include <memory>
#include <string>

#include "core/base/status.h"

namespace skiff::bench {

// A single-member etcd on loopback, on free ports, with its own data directory under
// `base_dir`; stopped and its directory removed on destruction. Not thread-safe.
class EtcdProcess {
 public:
  static Result<std::unique_ptr<EtcdProcess>> Start(const std::string& binary,
                                                    const std::string& base_dir);
  ~EtcdProcess();

  const std::string& client_endpoint() const { return client_endpoint_; }  // "127.0.0.1:port"
  const std::string& data_dir() const { return data_dir_; }

 private:
  EtcdProcess() = default;
  int pid_ = -1;
  std::string dir_;
  std::string data_dir_;
  std::string client_endpoint_;
};

}  // namespace skiff::bench
