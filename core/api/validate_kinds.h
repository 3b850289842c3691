#pragma once

// Create-time validation of each built-in kind's own fields (metadata is checked by the
// caller), and the update rules on top. One function per kind; pure.

#include <boost/json/object.hpp>
#include <string>

#include "core/api/field_errors.h"
#include "core/api/selectors.h"

namespace skiff::api {

// PodSpec at path ("spec", "spec.template.spec").
void ValidatePodSpec(const boost::json::object& spec, const std::string& path, FieldErrors& errs);
// A pod template of a workload: labels must match the selector (when there is one),
// restartPolicy one of `restart_policies`, and no activeDeadlineSeconds for pods that always
// restart. `owner` names the kind in messages.
void ValidateWorkloadTemplate(const boost::json::object& tmpl, const std::string& path,
                              const LabelSelector* selector, std::string_view owner,
                              FieldErrors& errs,
                              const std::vector<std::string_view>& restart_policies = {"Always"});

void ValidatePod(const boost::json::object& obj, FieldErrors& errs);
void ValidateDeployment(const boost::json::object& obj, FieldErrors& errs);
void ValidateReplicaSet(const boost::json::object& obj, FieldErrors& errs);
void ValidateJob(const boost::json::object& obj, FieldErrors& errs);
// A Job's spec at path ("spec", or "spec.jobTemplate.spec" of a CronJob, whose Jobs get their
// selector when they are created).
void ValidateJobSpec(const boost::json::object& spec, const std::string& path, bool has_selector,
                     FieldErrors& errs);
void ValidateCronJob(const boost::json::object& obj, FieldErrors& errs);
void ValidateDaemonSet(const boost::json::object& obj, FieldErrors& errs);
void ValidateStatefulSet(const boost::json::object& obj, FieldErrors& errs);
void ValidateReplicationController(const boost::json::object& obj, FieldErrors& errs);
void ValidateControllerRevision(const boost::json::object& obj, FieldErrors& errs);
void ValidateService(const boost::json::object& obj, FieldErrors& errs);
void ValidateEndpoints(const boost::json::object& obj, FieldErrors& errs);
void ValidateConfigMap(const boost::json::object& obj, FieldErrors& errs);
void ValidateSecret(const boost::json::object& obj, FieldErrors& errs);
void ValidateNamespace(const boost::json::object& obj, FieldErrors& errs);
void ValidateNode(const boost::json::object& obj, FieldErrors& errs);
void ValidateEvent(const boost::json::object& obj, FieldErrors& errs);
void ValidateLease(const boost::json::object& obj, FieldErrors& errs);
void ValidatePersistentVolume(const boost::json::object& obj, FieldErrors& errs);
void ValidatePersistentVolumeClaim(const boost::json::object& obj, FieldErrors& errs);
void ValidateStorageClass(const boost::json::object& obj, FieldErrors& errs);

// Update rules (immutable fields) of the kinds that have them.
void ValidatePodUpdate(const boost::json::object& updated, const boost::json::object& old,
                       FieldErrors& errs);
void ValidateWorkloadUpdate(const boost::json::object& updated, const boost::json::object& old,
                            FieldErrors& errs);
void ValidateStatefulSetUpdate(const boost::json::object& updated, const boost::json::object& old,
                               FieldErrors& errs);
// selector, template and completions are immutable.
void ValidateJobUpdate(const boost::json::object& updated, const boost::json::object& old,
                       FieldErrors& errs);
void ValidateControllerRevisionUpdate(const boost::json::object& updated,
                                      const boost::json::object& old,
                                      FieldErrors& errs);  // `data` is immutable
void ValidateServiceUpdate(const boost::json::object& updated, const boost::json::object& old,
                           FieldErrors& errs);
void ValidateImmutableData(const boost::json::object& updated, const boost::json::object& old,
                           FieldErrors& errs);  // ConfigMap and Secret `immutable: true`
void ValidateSecretUpdate(const boost::json::object& updated, const boost::json::object& old,
                          FieldErrors& errs);
void ValidateClaimUpdate(const boost::json::object& updated, const boost::json::object& old,
                         FieldErrors& errs);
void ValidateVolumeUpdate(const boost::json::object& updated, const boost::json::object& old,
                          FieldErrors& errs);
void ValidateNodeUpdate(const boost::json::object& updated, const boost::json::object& old,
                        FieldErrors& errs);
void ValidateStorageClassUpdate(const boost::json::object& updated, const boost::json::object& old,
                                FieldErrors& errs);

}  // namespace skiff::api
