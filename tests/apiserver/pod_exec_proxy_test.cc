// SpliceUpgrade on loopback: the agent sees the forwarded request, bytes flow both ways and a
// half-close passes through; an unreachable agent becomes a 503 Status.

#include "core/apiserver/pod_exec_proxy.h"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <string>
#include <thread>

namespace skiff::apiserver {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

std::string ReadAll(tcp::socket& s) {
  std::string out;
  char buf[4096];
  boost::system::error_code ec;
  for (;;) {
    std::size_t n = s.read_some(asio::buffer(buf), ec);
    if (ec) return out;
    out.append(buf, n);
  }
}

std::string ReadExactly(tcp::socket& s, std::size_t n) {
  std::string out(n, '\0');
  asio::read(s, asio::buffer(out));
  return out;
}

class SpliceTest : public ::testing::Test {
 protected:
  // A connected pair: `client` is kubectl's end, the other end goes to SpliceUpgrade.
  void Connect(tcp::socket& client, tcp::socket& server_end) {
    tcp::acceptor a(ioc_, {asio::ip::make_address("127.0.0.1"), 0});
    client.connect(a.local_endpoint());
    a.accept(server_end);
  }

  // Runs the splice of `server_end` to 127.0.0.1:port on a thread of its own.
  void Splice(tcp::socket& server_end, unsigned short port, std::string request,
              std::string buffered) {
    UpgradedConnection conn{server_end.release(), std::move(buffered)};
    thread_ = std::thread([this, conn = std::move(conn), port, request]() mutable {
      SpliceUpgrade(splice_ioc_, std::move(conn), "127.0.0.1", std::to_string(port),
                    std::move(request));
      splice_ioc_.run();
    });
  }

  void TearDown() override {
    if (thread_.joinable()) thread_.join();
  }

  asio::io_context ioc_, splice_ioc_;
  std::thread thread_;
};

TEST_F(SpliceTest, ForwardsTheRequestThenBytesBothWaysAndHalfCloses) {
  tcp::acceptor agent(ioc_, {asio::ip::make_address("127.0.0.1"), 0});
  tcp::socket client(ioc_), server_end(ioc_);
  Connect(client, server_end);
  Splice(server_end, agent.local_endpoint().port(), "GET /exec/a/b/c HTTP/1.1\r\n\r\n", "early");
  tcp::socket agent_side(ioc_);
  agent.accept(agent_side);
  EXPECT_EQ(ReadExactly(agent_side, 33), "GET /exec/a/b/c HTTP/1.1\r\n\r\nearly");
  asio::write(agent_side, asio::buffer(std::string("HTTP/1.1 101 Switching\r\n\r\n")));
  EXPECT_EQ(ReadExactly(client, 26), "HTTP/1.1 101 Switching\r\n\r\n");
  asio::write(client, asio::buffer(std::string("up")));
  EXPECT_EQ(ReadExactly(agent_side, 2), "up");
  asio::write(agent_side, asio::buffer(std::string("down")));
  agent_side.shutdown(tcp::socket::shutdown_send);  // the agent is done
  EXPECT_EQ(ReadAll(client), "down");               // ... and the client sees its FIN
  asio::write(client, asio::buffer(std::string("last")));
  client.shutdown(tcp::socket::shutdown_send);
  EXPECT_EQ(ReadAll(agent_side), "last");
}

TEST_F(SpliceTest, UnreachableAgentAnswersA503Status) {
  unsigned short port;
  {
    tcp::acceptor gone(ioc_, {asio::ip::make_address("127.0.0.1"), 0});
    port = gone.local_endpoint().port();
  }
  tcp::socket client(ioc_), server_end(ioc_);
  Connect(client, server_end);
  Splice(server_end, port, "GET / HTTP/1.1\r\n\r\n", "");
  std::string answer = ReadAll(client);
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 503")) << answer;
  EXPECT_NE(answer.find("cannot reach the node agent"), std::string::npos) << answer;
}

}  // namespace
}  // namespace skiff::apiserver
