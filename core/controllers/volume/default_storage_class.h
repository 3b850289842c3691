#pragma once

// The StorageClass `skiff server` installs: the default class (annotation
// storageclass.kubernetes.io/is-default-class: "true", so the DefaultStorageClass admission
// gives it to claims that name no class), provisioned by the built-in hostpath driver.

#include <string>

#include "core/client/client.h"

namespace skiff::controllers {

// Creates the class unless one of that name exists (a user's edits are kept).
api::ApiResult<bool> InstallDefaultStorageClass(client::Client& client, const std::string& name,
                                                const std::string& provisioner);

}  // namespace skiff::controllers
