// The agent's exec sessions end to end on loopback: a WebSocket client playing kubectl (v5)
// against ContainerLogServer, whose runtime hands out the URL of a streaming server played by
// this test (v4 only, like containerd 1.6).

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <mutex>
#include <thread>

#include "core/agent/container_log_server.h"
#include "core/agent/executor.h"
#include "core/agent/runtime_config_builder.h"
#include "tests/agent/fake_runtime.h"

namespace skiff::agent {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

std::string Msg(char channel, std::string_view data) {
  return std::string(1, channel) + std::string(data);
}

// A runtime with one running container "c1" of pod default/p; Exec answers stream_url.
class StreamingRuntime : public testing::FakeRuntime {
 public:
  std::string stream_url;  // empty: keep the SDK default (Unimplemented)
  std::mutex mu;
  std::optional<sdk::ExecRequest> last_exec;

  sdk::Result<std::vector<sdk::Container>> ListContainers(
      const sdk::ContainerFilter& filter) noexcept override {
    sdk::Container c;
    c.id = "c1";
    c.state = sdk::ContainerState::kRunning;
    c.labels = {
        {kPodNamespaceLabel, "default"}, {kPodNameLabel, "p"}, {kContainerNameLabel, "main"}};
    for (const auto& [k, v] : filter.label_selector) {
      if (c.labels[k] != v) return std::vector<sdk::Container>{};
    }
    return std::vector<sdk::Container>{c};
  }
  sdk::Result<sdk::ExecSyncResult> ExecSync(const std::string& id,
                                            const std::vector<std::string>& cmd,
                                            std::chrono::seconds) noexcept override {
    if (id != "c1") return sdk::Status::NotFound(id);
    return sdk::ExecSyncResult{"ran " + cmd.back() + "\n", "warn\n", cmd.back() == "fail" ? 3 : 0};
  }
  sdk::Result<std::string> Exec(const sdk::ExecRequest& request) noexcept override {
    std::lock_guard lock(mu);
    last_exec = request;
    if (stream_url.empty()) return sdk::RuntimeService::Exec(request);
    return stream_url;
  }
};

// One-connection streaming server speaking v4.channel.k8s.io: answers stdin "X" with stdout
// "got:X", a resize with stdout "resize:<json>", and stdin "exit" with a Success status and a
// close. Records every channel it saw. With run_alone, it sends stdout "streamed\n", Success and
// closes at once (a command without stdin).
class FakeStreamServer {
 public:
  explicit FakeStreamServer(bool run_alone = false)
      : run_alone_(run_alone), acceptor_(ioc_, {asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] { Serve(); });
  }
  ~FakeStreamServer() {
    beast::error_code ec;
    acceptor_.close(ec);
    thread_.join();
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/exec/tok";
  }
  std::vector<int> channels() {
    std::lock_guard lock(mu_);
    return channels_;
  }
  std::string offered() {
    std::lock_guard lock(mu_);
    return offered_;
  }

 private:
  void Serve() {
    beast::error_code ec;
    tcp::socket socket(ioc_);
    acceptor_.accept(socket, ec);
    if (ec) return;
    websocket::stream<tcp::socket> ws(std::move(socket));
    http::request<http::empty_body> req;
    beast::flat_buffer buf;
    http::read(ws.next_layer(), buf, req, ec);
    if (ec) return;
    {
      std::lock_guard lock(mu_);
      offered_ = std::string(req[http::field::sec_websocket_protocol]);
    }
    ws.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
      res.set(http::field::sec_websocket_protocol, "v4.channel.k8s.io");
    }));
    ws.accept(req, ec);
    if (ec) return;
    ws.binary(true);
    if (run_alone_) {
      ws.write(asio::buffer(Msg(1, "streamed\n")), ec);
      ws.write(asio::buffer(Msg(3, R"({"metadata":{},"status":"Success"})")), ec);
      ws.close(websocket::close_code::normal, ec);
      beast::flat_buffer in;
      while (!ec) ws.read(in, ec);
      return;
    }
    for (;;) {
      beast::flat_buffer in;
      ws.read(in, ec);
      if (ec) return;
      std::string m = beast::buffers_to_string(in.data());
      if (m.empty()) continue;
      {
        std::lock_guard lock(mu_);
        channels_.push_back(static_cast<unsigned char>(m[0]));
      }
      std::string data = m.substr(1);
      if (m[0] == 0 && data == "exit") {
        ws.write(asio::buffer(Msg(3, R"({"metadata":{},"status":"Success"})")), ec);
        ws.close(websocket::close_code::normal, ec);
        // Let the close handshake finish.
        while (!ec) ws.read(in, ec);
        return;
      }
      std::string reply = m[0] == 0 ? "got:" + data : m[0] == 4 ? "resize:" + data : "";
      if (!reply.empty()) ws.write(asio::buffer(Msg(1, reply)), ec);
    }
  }

  bool run_alone_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::mutex mu_;
  std::vector<int> channels_;
  std::string offered_;
};

class ExecSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    runtime_ = std::make_shared<StreamingRuntime>();
    auto server = ContainerLogServer::Start("127.0.0.1", 0, runtime_, executor_);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server.value());
  }

  // kubectl's side: a v5 client on /exec/default/p/main?<query>.
  std::unique_ptr<websocket::stream<tcp::socket>> Connect(const std::string& query,
                                                          std::string* protocol = nullptr) {
    auto ws = std::make_unique<websocket::stream<tcp::socket>>(ioc_);
    ws->next_layer().connect(
        {asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(server_->port())});
    ws->set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
      req.set(http::field::sec_websocket_protocol, "v5.channel.k8s.io, v4.channel.k8s.io");
    }));
    websocket::response_type res;
    ws->handshake(res, "127.0.0.1", "/exec/default/p/main?" + query);
    if (protocol) *protocol = std::string(res[http::field::sec_websocket_protocol]);
    ws->binary(true);
    return ws;
  }

  // The next message, or "" once the session closed.
  static std::string Read(websocket::stream<tcp::socket>& ws) {
    beast::flat_buffer buf;
    beast::error_code ec;
    ws.read(buf, ec);
    if (ec) return "";
    return beast::buffers_to_string(buf.data());
  }

  static std::string StatusOf(const std::string& message) {
    EXPECT_FALSE(message.empty());
    if (message.empty()) return "";
    EXPECT_EQ(message[0], 3);
    return message.substr(1);
  }

  Executor executor_{1};
  std::shared_ptr<StreamingRuntime> runtime_;
  std::unique_ptr<ContainerLogServer> server_;
  asio::io_context ioc_;
};

TEST_F(ExecSessionTest, WithoutStdinOrTtyStreamsThroughTheRuntimeWhenItCan) {
  FakeStreamServer stream(/*run_alone=*/true);
  runtime_->stream_url = stream.url();
  auto ws = Connect("command=ls&stdout=true&stderr=true");
  EXPECT_EQ(Read(*ws), Msg(1, "streamed\n"));  // not ExecSync's "ran ls"
  EXPECT_EQ(boost::json::parse(StatusOf(Read(*ws))).as_object()["status"], "Success");
  EXPECT_EQ(Read(*ws), "");
  std::lock_guard lock(runtime_->mu);
  ASSERT_TRUE(runtime_->last_exec);
  EXPECT_FALSE(runtime_->last_exec->stdin);
  EXPECT_FALSE(runtime_->last_exec->tty);
  EXPECT_TRUE(runtime_->last_exec->stderr);
}

TEST_F(ExecSessionTest, WithoutStreamingServerRunsExecSyncAndSendsOutputAndExitCode) {
  std::string protocol;
  auto ws = Connect("command=sh&command=fail&stdout=true&stderr=true", &protocol);
  EXPECT_EQ(protocol, "v5.channel.k8s.io");
  EXPECT_EQ(Read(*ws), Msg(1, "ran fail\n"));
  EXPECT_EQ(Read(*ws), Msg(2, "warn\n"));
  auto status = boost::json::parse(StatusOf(Read(*ws))).as_object();
  EXPECT_EQ(status["status"], "Failure");
  EXPECT_EQ(status["reason"], "NonZeroExitCode");
  EXPECT_EQ(Read(*ws), "");  // closed
}

TEST_F(ExecSessionTest, InteractiveSessionIsRelayedToTheRuntimesStreamingServer) {
  FakeStreamServer stream;
  runtime_->stream_url = stream.url();
  auto ws = Connect("command=sh&stdin=true&tty=true&stdout=true");
  ws->write(asio::buffer(Msg(0, "echo 1\n")));
  EXPECT_EQ(Read(*ws), Msg(1, "got:echo 1\n"));
  ws->write(asio::buffer(Msg(4, R"({"Width":80,"Height":24})")));
  EXPECT_EQ(Read(*ws), Msg(1, R"(resize:{"Width":80,"Height":24})"));
  // v5's stdin close has no v4 form: not passed on.
  ws->write(asio::buffer(std::string("\xff\x00", 2)));
  ws->write(asio::buffer(Msg(0, "exit")));
  EXPECT_EQ(boost::json::parse(StatusOf(Read(*ws))).as_object()["status"], "Success");
  EXPECT_EQ(Read(*ws), "");  // the runtime closed, so did the agent
  EXPECT_EQ(stream.channels(), (std::vector<int>{0, 4, 0}));
  EXPECT_EQ(stream.offered(), "v5.channel.k8s.io, v4.channel.k8s.io");
  std::lock_guard lock(runtime_->mu);
  ASSERT_TRUE(runtime_->last_exec);
  EXPECT_EQ(runtime_->last_exec->container_id, "c1");
  EXPECT_TRUE(runtime_->last_exec->stdin);
  EXPECT_TRUE(runtime_->last_exec->tty);
  EXPECT_FALSE(runtime_->last_exec->stderr);  // a tty merges stderr into stdout
}

TEST_F(ExecSessionTest, RuntimeWithoutStreamingServerFailsWithAClearStatus) {
  auto ws = Connect("command=sh&stdin=true");
  auto status = boost::json::parse(StatusOf(Read(*ws))).as_object();
  EXPECT_EQ(status["status"], "Failure");
  EXPECT_NE(std::string(status["message"].as_string()).find("interactive exec"), std::string::npos)
      << status;
  EXPECT_EQ(Read(*ws), "");
}

TEST_F(ExecSessionTest, UnreachableStreamingServerFailsWithAClearStatus) {
  {
    // A port nothing listens on any more.
    tcp::acceptor a(ioc_, {asio::ip::make_address("127.0.0.1"), 0});
    runtime_->stream_url = "http://127.0.0.1:" + std::to_string(a.local_endpoint().port()) + "/x";
  }
  auto ws = Connect("command=sh&stdin=true");
  auto status = boost::json::parse(StatusOf(Read(*ws))).as_object();
  EXPECT_NE(std::string(status["message"].as_string()).find("streaming server"), std::string::npos)
      << status;
}

TEST_F(ExecSessionTest, UnknownContainerFailsWithAClearStatus) {
  auto ws = std::make_unique<websocket::stream<tcp::socket>>(ioc_);
  ws->next_layer().connect(
      {asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(server_->port())});
  ws->set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
    req.set(http::field::sec_websocket_protocol, "v4.channel.k8s.io");
  }));
  ws->handshake("127.0.0.1", "/exec/default/p/other?command=true");
  auto status = boost::json::parse(StatusOf(Read(*ws))).as_object();
  EXPECT_NE(std::string(status["message"].as_string()).find("not running"), std::string::npos);
}

TEST_F(ExecSessionTest, StopEndsASessionThatIsStillOpen) {
  FakeStreamServer stream;
  runtime_->stream_url = stream.url();
  auto ws = Connect("command=sh&stdin=true");
  ws->write(asio::buffer(Msg(0, "x")));
  EXPECT_EQ(Read(*ws), Msg(1, "got:x"));
  server_->Stop();  // returns once the session's thread is done
  EXPECT_EQ(Read(*ws), "");
  ws->next_layer().close();
}

}  // namespace
}  // namespace skiff::agent
