#pragma once

// A memory store, a registry and an in-process client, with the namespaces a cluster starts
// with, for tests of the cluster-level controllers.

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "core/api/json_fields.h"
#include "core/apiserver/object_meta.h"
#include "core/apiserver/registry.h"
#include "core/client/in_process_client.h"
#include "core/client/informer_factory.h"
#include "core/store/memory_store.h"

namespace skiff::controllers {

namespace json = boost::json;

class ClusterFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = store::NewMemoryStore();
    registry_ = std::make_unique<apiserver::ObjectRegistry>(*store_, api::KindRegistry::Builtin());
    client_ = client::NewInProcessClient(*registry_);
    informers_ = std::make_unique<client::InformerFactory>(*client_);
    for (const char* ns : {"default", "kube-system", "kube-node-lease"}) {
      ASSERT_TRUE(
          client_->Create(Kind("namespaces"), "", json::object{{"metadata", {{"name", ns}}}}).ok());
    }
  }

  static const api::Kind& Kind(const char* resource, const char* group = "",
                               const char* version = "v1") {
    return *api::KindRegistry::Builtin().ByResource(group, version, resource);
  }

  json::object Create(const api::Kind& kind, const std::string& ns, const json::object& obj) {
    auto r = client_->Create(kind, ns, obj);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : json::object{};
  }

  std::optional<json::object> Get(const api::Kind& kind, const std::string& ns,
                                  const std::string& name) {
    auto r = client_->Get(kind, ns, name);
    if (!r.ok()) return std::nullopt;
    return *r;
  }

  void MergeStatus(const api::Kind& kind, const std::string& ns, const std::string& name,
                   const json::object& status) {
    auto r = client_->Patch(kind, ns, name, client::PatchType::kMerge,
                            json::object{{"status", status}}, /*status=*/true);
    ASSERT_TRUE(r.ok()) << r.error().message;
  }

  // Polls until pred holds or the deadline passes; returns whether it held.
  static bool Eventually(const std::function<bool()>& pred,
                         std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return pred();
  }

  std::unique_ptr<store::Store> store_;
  std::unique_ptr<apiserver::ObjectRegistry> registry_;
  std::unique_ptr<client::Client> client_;
  std::unique_ptr<client::InformerFactory> informers_;  // shared by the controllers under test
};

}  // namespace skiff::controllers
