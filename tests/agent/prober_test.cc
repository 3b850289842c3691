#include "core/agent/prober.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <string>
#include <thread>

#include "core/agent/pod_status_builder.h"
#include "core/api/json_fields.h"
#include "tests/agent/fake_runtime.h"

namespace skiff::agent {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

json::object Obj(const char* text) { return json::parse(text).as_object(); }

// A loopback TCP listener; answers each connection with `reply` (if any) and closes it.
class Listener {
 public:
  explicit Listener(std::string reply) : reply_(std::move(reply)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    listen(fd_, 8);
    thread_ = std::thread([this] {
      for (;;) {
        int c = accept(fd_, nullptr, nullptr);
        if (c < 0) return;
        char buf[2048];
        ssize_t n = recv(c, buf, sizeof buf, 0);
        if (n > 0) request_.assign(buf, static_cast<std::size_t>(n));
        if (!reply_.empty()) (void)send(c, reply_.data(), reply_.size(), MSG_NOSIGNAL);
        close(c);
      }
    });
  }
  ~Listener() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  int port() const { return port_; }
  std::string request() const { return request_; }

 private:
  std::string reply_;
  int fd_ = -1;
  int port_ = 0;
  std::string request_;
  std::thread thread_;
};

class ExecRuntime : public testing::FakeRuntime {
 public:
  int exit_code = 0;
  std::vector<std::string> last_cmd;
  sdk::Result<sdk::ExecSyncResult> ExecSync(const std::string&, const std::vector<std::string>& cmd,
                                            std::chrono::seconds) noexcept override {
    last_cmd = cmd;
    return sdk::ExecSyncResult{"", exit_code ? "boom" : "", exit_code};
  }
};

TEST(ProberTest, ParsesDefaultsAndNamedPorts) {
  json::object container = Obj(R"({"ports":[{"name":"http","containerPort":8080}]})");
  auto s = ParseProbe(Obj(R"({"httpGet":{"port":"http","path":"healthz"}})"), container);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->kind, ProbeSpec::Kind::kHttpGet);
  EXPECT_EQ(s->port, 8080);
  EXPECT_EQ(s->path, "/healthz");
  EXPECT_EQ(s->period, 10s);
  EXPECT_EQ(s->timeout, 1s);
  EXPECT_EQ(s->failure_threshold, 3);
  EXPECT_EQ(s->success_threshold, 1);
  auto t = ParseProbe(Obj(R"({"tcpSocket":{"port":80},"periodSeconds":2,"failureThreshold":1,
                             "initialDelaySeconds":5})"),
                      container);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->kind, ProbeSpec::Kind::kTcpSocket);
  EXPECT_EQ(t->period, 2s);
  EXPECT_EQ(t->initial_delay, 5s);
  EXPECT_FALSE(ParseProbe(Obj(R"({"httpGet":{"port":"nope"}})"), container).ok());
  EXPECT_FALSE(ParseProbe(Obj(R"({"httpGet":{"port":80,"scheme":"FTP"}})"), container).ok());
  EXPECT_FALSE(ParseProbe(Obj(R"({"exec":{"command":[]}})"), container).ok());
  EXPECT_FALSE(ParseProbe(Obj(R"({"periodSeconds":3})"), container).ok());
}

TEST(ProberTest, TrackerAppliesDelayAndThresholds) {
  ProbeSpec spec;
  spec.initial_delay = 5s;
  spec.period = 2s;
  spec.failure_threshold = 2;
  spec.success_threshold = 2;
  auto t0 = Clock::now();
  ProbeTracker t(spec, false, t0);
  EXPECT_FALSE(t.Due(t0 + 4s));
  EXPECT_TRUE(t.Due(t0 + 5s));
  EXPECT_FALSE(t.Record({true, ""}, t0 + 5s));  // one success of two
  EXPECT_FALSE(t.result());
  EXPECT_FALSE(t.Due(t0 + 6s));
  EXPECT_TRUE(t.Record({true, ""}, t0 + 7s));
  EXPECT_TRUE(t.result());
  EXPECT_FALSE(t.Record({false, "no"}, t0 + 9s));  // one failure of two
  EXPECT_TRUE(t.result());
  EXPECT_FALSE(t.failed());
  EXPECT_TRUE(t.Record({false, "still no"}, t0 + 11s));
  EXPECT_FALSE(t.result());
  EXPECT_TRUE(t.failed());
  EXPECT_EQ(t.last_message(), "still no");
}

TEST(ProberTest, TcpSocketConnectsOrFails) {
  ExecRuntime rt;
  auto spec = ParseProbe(Obj(R"({"tcpSocket":{"port":1}})"), {});
  ASSERT_TRUE(spec.ok());
  {
    Listener l("");
    spec->port = l.port();
    EXPECT_TRUE(RunProbeOnce(*spec, rt, "c1", "127.0.0.1").success);
  }
  // The listener is gone: nothing accepts on that port any more.
  ProbeAttempt a = RunProbeOnce(*spec, rt, "c1", "127.0.0.1");
  EXPECT_FALSE(a.success);
  EXPECT_NE(a.message.find("refused"), std::string::npos) << a.message;
}

TEST(ProberTest, HttpGetJudgesTheStatusCode) {
  ExecRuntime rt;
  auto spec = ParseProbe(Obj(R"({"httpGet":{"port":1,"path":"/ready",
                         "httpHeaders":[{"name":"X-Probe","value":"yes"}]}})"),
                         {});
  ASSERT_TRUE(spec.ok());
  {
    Listener ok("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n");
    spec->port = ok.port();
    EXPECT_TRUE(RunProbeOnce(*spec, rt, "c1", "127.0.0.1").success);
    EXPECT_TRUE(ok.request().starts_with("GET /ready HTTP/1.1\r\n")) << ok.request();
    EXPECT_NE(ok.request().find("X-Probe: yes\r\n"), std::string::npos);
  }
  {
    Listener bad("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n");
    spec->port = bad.port();
    ProbeAttempt a = RunProbeOnce(*spec, rt, "c1", "127.0.0.1");
    EXPECT_FALSE(a.success);
    EXPECT_NE(a.message.find("500"), std::string::npos) << a.message;
  }
  {
    Listener silent("");  // closes without answering
    spec->port = silent.port();
    EXPECT_FALSE(RunProbeOnce(*spec, rt, "c1", "127.0.0.1").success);
  }
}

TEST(ProberTest, ExecUsesTheRuntimesExecSync) {
  ExecRuntime rt;
  auto spec = ParseProbe(Obj(R"({"exec":{"command":["cat","/tmp/healthy"]}})"), {});
  ASSERT_TRUE(spec.ok());
  EXPECT_TRUE(RunProbeOnce(*spec, rt, "c1", "").success);
  EXPECT_EQ(rt.last_cmd, (std::vector<std::string>{"cat", "/tmp/healthy"}));
  rt.exit_code = 1;
  ProbeAttempt a = RunProbeOnce(*spec, rt, "c1", "");
  EXPECT_FALSE(a.success);
  EXPECT_NE(a.message.find("boom"), std::string::npos) << a.message;
}

TEST(ProberTest, ReadinessDecidesTheReadyCondition) {
  PodObservation obs;
  ObservedContainer c;
  c.name = "web";
  c.current.emplace();
  c.current->id = "id1";
  c.current->state = sdk::ContainerState::kRunning;
  c.current->started_at = 1'700'000'000'000'000'000;
  c.probe_ready = false;
  obs.containers = {c};
  json::object pod{{"spec", {{"restartPolicy", "Always"}}}};
  auto ready = [&](const json::object& status) {
    for (const auto& cond : *api::FindArray(status, "conditions")) {
      if (api::GetString(cond.as_object(), "type") == "Ready") {
        return std::string(api::GetString(cond.as_object(), "status"));
      }
    }
    return std::string();
  };
  json::object not_ready = BuildPodStatus(pod, obs, {}, "2024-01-01T00:00:00Z");
  EXPECT_EQ(api::GetString(not_ready, "phase"), "Running");
  EXPECT_EQ(ready(not_ready), "False");
  EXPECT_FALSE(
      api::GetBool(api::FindArray(not_ready, "containerStatuses")->at(0).as_object(), "ready"));
  obs.containers[0].probe_ready = true;
  EXPECT_EQ(ready(BuildPodStatus(pod, obs, {}, "2024-01-01T00:00:00Z")), "True");
}

}  // namespace
}  // namespace skiff::agent
