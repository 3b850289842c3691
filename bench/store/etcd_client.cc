#include "bench/store/etcd_client.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include "etcd_kv.grpc.pb.h"

namespace skiff::bench {

struct EtcdKvClient::Impl {
  std::vector<std::unique_ptr<etcdserverpb::KV::Stub>> stubs;
};

EtcdKvClient::EtcdKvClient(const std::string& endpoint, int connections)
    : impl_(std::make_unique<Impl>()) {
  for (int i = 0; i < std::max(1, connections); ++i) {
    grpc::ChannelArguments args;
    // Without this, channels to one target share one subchannel, i.e. one TCP connection.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    // etcd is still starting when we connect: retry quickly instead of backing off for long.
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
    auto channel = grpc::CreateCustomChannel(endpoint, grpc::InsecureChannelCredentials(), args);
    impl_->stubs.push_back(etcdserverpb::KV::NewStub(channel));
  }
}

EtcdKvClient::~EtcdKvClient() = default;

namespace {

Status PutOn(etcdserverpb::KV::Stub& stub, std::string_view key, std::string_view value,
             bool wait_for_ready) {
  etcdserverpb::PutRequest request;
  request.set_key(std::string(key));
  request.set_value(std::string(value));
  etcdserverpb::PutResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  context.set_wait_for_ready(wait_for_ready);
  grpc::Status status = stub.Put(&context, request, &response);
  if (!status.ok()) return Status::Unavailable("etcd put: " + status.error_message());
  if (response.header().revision() <= 0) return Status::Internal("etcd put without revision");
  return Status::Ok();
}

}  // namespace

Status EtcdKvClient::Put(int lane, std::string_view key, std::string_view value) {
  auto& stub = impl_->stubs[static_cast<std::size_t>(lane) % impl_->stubs.size()];
  return PutOn(*stub, key, value, /*wait_for_ready=*/false);
}

namespace {

struct AsyncPut {
  int writer = 0;
  std::chrono::steady_clock::time_point start;
  grpc::ClientContext context;
  etcdserverpb::PutRequest request;
  etcdserverpb::PutResponse response;
  grpc::Status status;
  std::unique_ptr<grpc::ClientAsyncResponseReader<etcdserverpb::PutResponse>> reader;
};

}  // namespace

WriteLoadResult EtcdKvClient::RunAsyncPutLoad(int writers, std::chrono::milliseconds warmup,
                                              std::chrono::milliseconds measure,
                                              const std::string& value) {
  using Clock = std::chrono::steady_clock;
  grpc::CompletionQueue queue;
  std::vector<std::uint64_t> next_seq(static_cast<std::size_t>(writers), 0);
  auto issue = [&](int writer) {
    auto* put = new AsyncPut();
    put->writer = writer;
    std::uint64_t seq = next_seq[static_cast<std::size_t>(writer)]++;
    put->request.set_key("/bench/" + std::to_string(writer) + "/" + std::to_string(seq));
    put->request.set_value(value);
    put->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    auto& stub = impl_->stubs[static_cast<std::size_t>(writer) % impl_->stubs.size()];
    put->start = Clock::now();
    put->reader = stub->PrepareAsyncPut(&put->context, put->request, &queue);
    put->reader->StartCall();
    put->reader->Finish(&put->response, &put->status, put);
  };

  Clock::time_point begin = Clock::now() + warmup;
  Clock::time_point end = begin + measure;
  std::vector<double> latencies;
  std::uint64_t errors = 0;
  int in_flight = writers;
  for (int writer = 0; writer < writers; ++writer) issue(writer);
  while (in_flight > 0) {
    void* tag = nullptr;
    bool ok = false;
    if (!queue.Next(&tag, &ok)) break;
    std::unique_ptr<AsyncPut> put(static_cast<AsyncPut*>(tag));
    Clock::time_point now = Clock::now();
    if (now >= begin && now < end) {
      if (ok && put->status.ok() && put->response.header().revision() > 0) {
        latencies.push_back(std::chrono::duration<double, std::milli>(now - put->start).count());
      } else {
        ++errors;
      }
    }
    if (now < end) {
      issue(put->writer);
    } else {
      --in_flight;
    }
  }
  queue.Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (queue.Next(&tag, &ok)) delete static_cast<AsyncPut*>(tag);
  return Summarize(std::move(latencies), errors,
                   std::chrono::duration<double>(end - begin).count());
}

Status EtcdKvClient::WaitReady(std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  Status last;
  while (std::chrono::steady_clock::now() < deadline) {
    bool all_ready = true;
    for (std::size_t lane = 0; lane < impl_->stubs.size(); ++lane) {
      last = PutOn(*impl_->stubs[lane], "/bench/ready", "1", /*wait_for_ready=*/true);
      all_ready = all_ready && last.ok();
    }
    if (all_ready) return Status::Ok();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Status::Unavailable("etcd not ready: " + last.ToString());
}

}  // namespace skiff::bench
