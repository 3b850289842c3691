// Storage cases, modelled on the CSI sanity suite (csi-sanity): identity, controller
// idempotency and required arguments, node publish with a real mount check, capacity.

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <set>

#include "case_support.h"
#include "storage_context.h"

namespace skiff::conformance {
namespace {

using internal::StorageContext;
using sdk::ControllerCapability;
using sdk::StatusCode;

constexpr char kUnknownVolume[] = "skiff-conformance-no-such-volume";

#define SKIFF_REQUIRE_CONTROLLER(c, capability)                     \
  do {                                                              \
    if (!(c).HasControllerCapability(capability)) {                 \
      GTEST_SKIP() << "the plugin does not advertise " #capability; \
    }                                                               \
  } while (0)

#define SKIFF_REQUIRE_ROOT()                                                   \
  do {                                                                         \
    if (geteuid() != 0) GTEST_SKIP() << "publishing mounts, which needs root"; \
  } while (0)

void PluginInfo(StorageContext& c) {
  auto info = c.storage().GetPluginInfo();
  SKIFF_REQUIRE_OK(info, "GetPluginInfo");
  SKIFF_EXPECT(!info->name.empty(), "GetPluginInfo: name is empty");
  SKIFF_EXPECT(!info->vendor_version.empty(), "GetPluginInfo: vendor_version is empty");
  auto ready = c.storage().Probe();
  SKIFF_REQUIRE_OK(ready, "Probe");
  SKIFF_EXPECT(*ready, "Probe: the plugin reports it is not ready");
}

void Capabilities(StorageContext& c) {
  SKIFF_EXPECT_OK(c.storage().GetPluginCapabilities(), "GetPluginCapabilities");
  SKIFF_EXPECT_OK(c.storage().ControllerGetCapabilities(), "ControllerGetCapabilities");
  SKIFF_EXPECT_OK(c.storage().NodeGetCapabilities(), "NodeGetCapabilities");
  auto node = c.storage().NodeGetInfo();
  SKIFF_REQUIRE_OK(node, "NodeGetInfo");
  SKIFF_EXPECT(!node->node_id.empty(), "NodeGetInfo: node_id is empty");
  SKIFF_EXPECT(node->max_volumes_per_node >= 0, "NodeGetInfo: max_volumes_per_node < 0");
}

void CreateVolumeRequiredArguments(StorageContext& c) {
  SKIFF_REQUIRE_CONTROLLER(c, ControllerCapability::kCreateDeleteVolume);
  auto request = c.VolumeRequest("no-name");
  request.name.clear();
  SKIFF_EXPECT_CODE(c.CreateVolume(request), StatusCode::kInvalidArgument,
                    "CreateVolume without a name");
  request = c.VolumeRequest("no-capabilities");
  request.volume_capabilities.clear();
  SKIFF_EXPECT_CODE(c.CreateVolume(request), StatusCode::kInvalidArgument,
                    "CreateVolume without volume_capabilities");
  SKIFF_EXPECT_CODE(c.storage().DeleteVolume(""), StatusCode::kInvalidArgument,
                    "DeleteVolume without a volume_id");
}

void CreateDeleteVolume(StorageContext& c) {
  SKIFF_REQUIRE_CONTROLLER(c, ControllerCapability::kCreateDeleteVolume);
  auto request = c.VolumeRequest("create-delete");
  auto volume = c.CreateVolume(request);
  SKIFF_REQUIRE_OK(volume, "CreateVolume");
  SKIFF_EXPECT(!volume->volume_id.empty(), "CreateVolume: volume_id is empty");
  SKIFF_EXPECT(volume->capacity_bytes == 0 || volume->capacity_bytes >= c.options().volume_bytes,
               "CreateVolume: capacity_bytes " << volume->capacity_bytes << " is below the "
                                               << c.options().volume_bytes << " required");
  bool listable = c.HasControllerCapability(ControllerCapability::kListVolumes);
  auto listed_has = [&](const std::string& id) {
    auto listed = c.storage().ListVolumes({});
    return listed.ok() && std::any_of(listed->entries.begin(), listed->entries.end(),
                                      [&](const auto& v) { return v.volume_id == id; });
  };
  if (listable) {
    SKIFF_EXPECT(listed_has(volume->volume_id), "ListVolumes does not show a new volume");
  }
  SKIFF_REQUIRE_OK(c.storage().DeleteVolume(volume->volume_id), "DeleteVolume");
  if (listable) {
    SKIFF_EXPECT(!listed_has(volume->volume_id), "ListVolumes still shows a deleted volume");
  }
  SKIFF_EXPECT_OK(c.storage().DeleteVolume(volume->volume_id),
                  "DeleteVolume of a deleted volume (must be idempotent)");
  SKIFF_EXPECT_OK(c.storage().DeleteVolume(kUnknownVolume),
                  "DeleteVolume of an unknown volume_id (must succeed)");
}

void CreateVolumeIsIdempotent(StorageContext& c) {
  SKIFF_REQUIRE_CONTROLLER(c, ControllerCapability::kCreateDeleteVolume);
  auto request = c.VolumeRequest("idempotent");
  auto first = c.CreateVolume(request);
  SKIFF_REQUIRE_OK(first, "CreateVolume");
  auto second = c.CreateVolume(request);
  SKIFF_REQUIRE_OK(second, "CreateVolume again with the same name and size");
  SKIFF_EXPECT(first->volume_id == second->volume_id,
               "the same CreateVolume twice made two volumes: " << first->volume_id << " and "
                                                                << second->volume_id);
}

void SameNameDifferentSizeFails(StorageContext& c) {
  SKIFF_REQUIRE_CONTROLLER(c, ControllerCapability::kCreateDeleteVolume);
  auto request = c.VolumeRequest("resize");
  SKIFF_REQUIRE_OK(c.CreateVolume(request), "CreateVolume");
  request.capacity_range =
      sdk::CapacityRange{c.options().volume_bytes * 4, c.options().volume_bytes * 4};
  SKIFF_EXPECT_CODE(c.CreateVolume(request), StatusCode::kAlreadyExists,
                    "CreateVolume with an existing name and a different size");
}

void ValidateVolumeCapabilities(StorageContext& c) {
  SKIFF_REQUIRE_CONTROLLER(c, ControllerCapability::kCreateDeleteVolume);
  auto volume = c.CreateVolume(c.VolumeRequest("validate"));
  SKIFF_REQUIRE_OK(volume, "CreateVolume");
  sdk::ValidateVolumeCapabilitiesRequest request;
  request.volume_id = volume->volume_id;
  request.volume_capabilities = {StorageContext::MountCapability()};
  auto response = c.storage().ValidateVolumeCapabilities(request);
  SKIFF_REQUIRE_OK(response, "ValidateVolumeCapabilities");
  SKIFF_EXPECT(response->confirmed, "the capability the volume was created with is not confirmed: "
                                        << response->message);

  auto bad = request;
  bad.volume_id.clear();
  SKIFF_EXPECT_CODE(c.storage().ValidateVolumeCapabilities(bad), StatusCode::kInvalidArgument,
                    "ValidateVolumeCapabilities without a volume_id");
  bad = request;
  bad.volume_capabilities.clear();
  SKIFF_EXPECT_CODE(c.storage().ValidateVolumeCapabilities(bad), StatusCode::kInvalidArgument,
                    "ValidateVolumeCapabilities without capabilities");
  bad = request;
  bad.volume_id = kUnknownVolume;
  SKIFF_EXPECT_CODE(c.storage().ValidateVolumeCapabilities(bad), StatusCode::kNotFound,
                    "ValidateVolumeCapabilities of an unknown volume");
}

void ListVolumesPagination(StorageContext& c) {
  SKIFF_REQUIRE_CONTROLLER(c, ControllerCapability::kListVolumes);
  SKIFF_REQUIRE_CONTROLLER(c, ControllerCapability::kCreateDeleteVolume);
  std::set<std::string> created;
  for (int i = 0; i < 3; ++i) {
    auto volume = c.CreateVolume(c.VolumeRequest("page"));
    SKIFF_REQUIRE_OK(volume, "CreateVolume #" << i);
    created.insert(volume->volume_id);
  }
  std::set<std::string> seen;
  sdk::ListVolumesRequest request{1, ""};
  for (int pages = 0; pages < 10000; ++pages) {
    auto page = c.storage().ListVolumes(request);
    SKIFF_REQUIRE_OK(page, "ListVolumes page " << pages);
    SKIFF_REQUIRE(page->entries.size() <= 1,
                  "ListVolumes with max_entries=1 returned " << page->entries.size());
    for (const auto& v : page->entries) seen.insert(v.volume_id);
    if (page->next_token.empty()) break;
    request.starting_token = page->next_token;
  }
  for (const auto& id : created) {
    SKIFF_EXPECT(seen.count(id), "paging through ListVolumes never returned " << id);
  }
  SKIFF_EXPECT_CODE(c.storage().ListVolumes({0, "not-a-token"}), StatusCode::kAborted,
                    "ListVolumes with an invalid starting_token");
}

void Capacity(StorageContext& c) {
  SKIFF_REQUIRE_CONTROLLER(c, ControllerCapability::kGetCapacity);
  sdk::GetCapacityRequest request;
  request.volume_capabilities = {StorageContext::MountCapability()};
  auto before = c.storage().GetCapacity(request);
  SKIFF_REQUIRE_OK(before, "GetCapacity");
  SKIFF_EXPECT(before->available_capacity >= 0, "GetCapacity: available_capacity < 0");
  if (!c.HasControllerCapability(ControllerCapability::kCreateDeleteVolume)) return;
  SKIFF_REQUIRE_OK(c.CreateVolume(c.VolumeRequest("capacity")), "CreateVolume");
  auto after = c.storage().GetCapacity(request);
  SKIFF_REQUIRE_OK(after, "GetCapacity");
  SKIFF_EXPECT(after->available_capacity <= before->available_capacity,
               "available_capacity grew from " << before->available_capacity << " to "
                                               << after->available_capacity
                                               << " after provisioning");
}

void NodePublishRequiredArguments(StorageContext& c) {
  auto request = c.PublishRequest("some-volume", false);
  auto bad = request;
  bad.volume_id.clear();
  SKIFF_EXPECT_CODE(c.storage().NodePublishVolume(bad), StatusCode::kInvalidArgument,
                    "NodePublishVolume without a volume_id");
  bad = request;
  bad.target_path.clear();
  SKIFF_EXPECT_CODE(c.storage().NodePublishVolume(bad), StatusCode::kInvalidArgument,
                    "NodePublishVolume without a target_path");
  bad = request;
  bad.volume_capability.reset();
  SKIFF_EXPECT_CODE(c.storage().NodePublishVolume(bad), StatusCode::kInvalidArgument,
                    "NodePublishVolume without a volume_capability");
  SKIFF_EXPECT_CODE(c.storage().NodeUnpublishVolume({"", request.target_path}),
                    StatusCode::kInvalidArgument, "NodeUnpublishVolume without a volume_id");
  SKIFF_EXPECT_CODE(c.storage().NodeUnpublishVolume({"some-volume", ""}),
                    StatusCode::kInvalidArgument, "NodeUnpublishVolume without a target_path");
}

void PublishUnpublish(StorageContext& c) {
  SKIFF_REQUIRE_ROOT();
  SKIFF_REQUIRE_CONTROLLER(c, ControllerCapability::kCreateDeleteVolume);
  auto volume = c.CreateVolume(c.VolumeRequest("publish"));
  SKIFF_REQUIRE_OK(volume, "CreateVolume");
  auto request = c.PublishRequest(volume->volume_id, false);
  SKIFF_REQUIRE_OK(c.storage().NodePublishVolume(request), "NodePublishVolume");
  auto mounted = internal::IsMounted(request.target_path);
  SKIFF_REQUIRE_OK(mounted, "read the mount table");
  SKIFF_EXPECT(*mounted,
               "after NodePublishVolume, " << request.target_path << " is not a mount point");
  SKIFF_EXPECT_OK(c.storage().NodePublishVolume(request),
                  "NodePublishVolume again with the same arguments (must be idempotent)");

  const std::string probe = request.target_path + "/written-through-target";
  int fd = open(probe.c_str(), O_CREAT | O_WRONLY, 0644);
  SKIFF_EXPECT(fd >= 0, "cannot write into a read-write publish at " << request.target_path);
  if (fd >= 0) close(fd);

  SKIFF_REQUIRE_OK(c.storage().NodeUnpublishVolume({volume->volume_id, request.target_path}),
                   "NodeUnpublishVolume");
  mounted = internal::IsMounted(request.target_path);
  SKIFF_REQUIRE_OK(mounted, "read the mount table");
  SKIFF_EXPECT(!*mounted,
               "after NodeUnpublishVolume, " << request.target_path << " is still a mount point");
  SKIFF_EXPECT_OK(c.storage().NodeUnpublishVolume({volume->volume_id, request.target_path}),
                  "NodeUnpublishVolume again (must be idempotent)");
}

void PublishReadOnly(StorageContext& c) {
  SKIFF_REQUIRE_ROOT();
  SKIFF_REQUIRE_CONTROLLER(c, ControllerCapability::kCreateDeleteVolume);
  auto volume = c.CreateVolume(c.VolumeRequest("readonly"));
  SKIFF_REQUIRE_OK(volume, "CreateVolume");
  auto request = c.PublishRequest(volume->volume_id, true);
  SKIFF_REQUIRE_OK(c.storage().NodePublishVolume(request), "NodePublishVolume readonly");
  bool read_only = false;
  auto mounted = internal::IsMounted(request.target_path, &read_only);
  SKIFF_REQUIRE_OK(mounted, "read the mount table");
  SKIFF_REQUIRE(*mounted, request.target_path << " is not a mount point");
  SKIFF_EXPECT(read_only, "a readonly publish is mounted read-write");
  const std::string probe = request.target_path + "/must-fail";
  int fd = open(probe.c_str(), O_CREAT | O_WRONLY, 0644);
  SKIFF_EXPECT(fd < 0 && errno == EROFS, "writing into a readonly publish did not fail with EROFS");
  if (fd >= 0) close(fd);
  SKIFF_EXPECT_OK(c.storage().NodeUnpublishVolume({volume->volume_id, request.target_path}),
                  "NodeUnpublishVolume");
}

void NodeGetVolumeStats(StorageContext& c) {
  SKIFF_REQUIRE_ROOT();
  if (!c.HasNodeCapability(sdk::NodeCapability::kGetVolumeStats)) {
    GTEST_SKIP() << "the plugin does not advertise GET_VOLUME_STATS";
  }
  SKIFF_REQUIRE_CONTROLLER(c, ControllerCapability::kCreateDeleteVolume);
  auto volume = c.CreateVolume(c.VolumeRequest("stats"));
  SKIFF_REQUIRE_OK(volume, "CreateVolume");
  auto request = c.PublishRequest(volume->volume_id, false);
  SKIFF_REQUIRE_OK(c.storage().NodePublishVolume(request), "NodePublishVolume");
  auto stats = c.storage().NodeGetVolumeStats({volume->volume_id, request.target_path, ""});
  SKIFF_REQUIRE_OK(stats, "NodeGetVolumeStats");
  auto bytes = std::find_if(stats->usage.begin(), stats->usage.end(),
                            [](const auto& u) { return u.unit == sdk::VolumeUsageUnit::kBytes; });
  SKIFF_REQUIRE(bytes != stats->usage.end(), "NodeGetVolumeStats has no BYTES usage");
  SKIFF_EXPECT(bytes->total > 0, "NodeGetVolumeStats: total bytes is " << bytes->total);
  SKIFF_EXPECT_CODE(c.storage().NodeGetVolumeStats({kUnknownVolume, request.target_path, ""}),
                    StatusCode::kNotFound, "NodeGetVolumeStats of an unknown volume");
  SKIFF_EXPECT_CODE(c.storage().NodeGetVolumeStats({"", request.target_path, ""}),
                    StatusCode::kInvalidArgument, "NodeGetVolumeStats without a volume_id");
  SKIFF_EXPECT_OK(c.storage().NodeUnpublishVolume({volume->volume_id, request.target_path}),
                  "NodeUnpublishVolume");
}

const std::vector<internal::Case<StorageContext>>& StorageCases() {
  static const std::vector<internal::Case<StorageContext>> cases = {
      {"PluginInfo", &PluginInfo},
      {"Capabilities", &Capabilities},
      {"CreateVolumeRequiredArguments", &CreateVolumeRequiredArguments},
      {"CreateDeleteVolume", &CreateDeleteVolume},
      {"CreateVolumeIsIdempotent", &CreateVolumeIsIdempotent},
      {"SameNameDifferentSizeFails", &SameNameDifferentSizeFails},
      {"ValidateVolumeCapabilities", &ValidateVolumeCapabilities},
      {"ListVolumesPagination", &ListVolumesPagination},
      {"Capacity", &Capacity},
      {"NodePublishRequiredArguments", &NodePublishRequiredArguments},
      {"PublishUnpublish", &PublishUnpublish},
      {"PublishReadOnly", &PublishReadOnly},
      {"NodeGetVolumeStats", &NodeGetVolumeStats},
  };
  return cases;
}

}  // namespace

void RegisterStorageSuite(StorageFactory factory, StorageSuiteOptions options,
                          const std::string& label) {
  internal::RegisterCases(internal::SuiteName("StorageConformance", label), StorageCases(),
                          std::move(factory), std::move(options));
}

}  // namespace skiff::conformance
