#pragma once

// PodVolumes: makes a pod's volumes exist on the node before its sandbox starts, and removes
// them after it stops. emptyDir is a directory under the pod's dir; hostPath is the host path
// (created for DirectoryOrCreate); configMap and secret are projected as one file per key;
// a persistentVolumeClaim goes through the storage plugin (NodeStage when it has the
// capability, then NodePublish), and what was published is recorded in the pod's dir so a
// restarted agent can unpublish it. Thread-safe for different pods.

#include <skiff/sdk/storage.h>

#include <map>
#include <memory>
#include <string>

#include "core/base/status.h"
#include "core/client/client.h"

namespace skiff::agent {

class PodVolumes {
 public:
  // storage may be null (a PVC volume then fails with a clear message).
  PodVolumes(client::Client& client, std::shared_ptr<sdk::StoragePlugin> storage,
             std::string root_dir);

  // volume name -> host path of each volume of the pod.
  Result<std::map<std::string, std::string>> Setup(const client::Object& pod);
  // Unpublishes/unstages recorded CSI volumes and removes the pod's directory.
  Status TearDown(const std::string& pod_uid);
  // The pod directory of every pod this node still holds volumes for.
  std::vector<std::string> PodUidsOnDisk() const;

  std::string PodDir(const std::string& pod_uid) const;

 private:
  Result<std::string> SetupOne(const client::Object& pod, const boost::json::object& volume,
                               const std::string& pod_dir);
  Result<std::string> SetupClaim(const client::Object& pod, const std::string& name,
                                 const std::string& claim, const std::string& pod_dir,
                                 bool read_only);

  client::Client& client_;
  const std::shared_ptr<sdk::StoragePlugin> storage_;
  const std::string root_dir_;
};

// Standard base64 (the encoding of Secret data); invalid input gives nullopt.
std::optional<std::string> DecodeBase64(std::string_view in);

}  // namespace skiff::agent
