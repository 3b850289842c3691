// The chunked response stream of HttpServer: writes from several threads, shared chunks and
// chunks larger than the socket takes at once (the direct send's partial path) all arrive
// whole, framed and in each writer's order. Also HeaderListHas, the header token lookup of the
// WebSocket upgrade paths.

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/apiserver/http_server.h"

namespace skiff::apiserver {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

// What each writer thread sends: small lines and, every `big_every` lines, a big block.
std::vector<std::string> WriterChunks(char tag, int lines, int big_every, std::size_t big_size) {
  std::vector<std::string> chunks;
  for (int i = 0; i < lines; ++i) {
    chunks.push_back(std::string(1, tag) + std::to_string(i) + "\n");
    if (big_every > 0 && i % big_every == 0) {
      std::string big(big_size, tag);
      big.back() = '\n';
      chunks.push_back(std::move(big));
    }
  }
  return chunks;
}

class HttpStreamTest : public ::testing::Test {
 protected:
  // Starts a server whose every request streams what `writers` threads write, then closes.
  void Serve(std::vector<std::vector<std::string>> writers) {
    writers_ = std::move(writers);
    HttpServerOptions options;
    options.port = 0;
    auto server = HttpServer::Start(options, [this](std::shared_ptr<HttpExchange> exchange) {
      std::shared_ptr<ResponseStream> stream = exchange->StartStream(200, "text/plain");
      auto remaining = std::make_shared<std::atomic<int>>(static_cast<int>(writers_.size()));
      std::lock_guard lock(threads_mu_);
      for (const std::vector<std::string>& chunks : writers_) {
        threads_.emplace_back([stream, remaining, &chunks] {
          for (std::size_t i = 0; i < chunks.size(); ++i) {
            // Alternate the two Write overloads: copied text and shared bytes.
            if (i % 2 == 0) {
              stream->Write(chunks[i]);
            } else {
              stream->Write(std::make_shared<const std::string>(chunks[i]));
            }
          }
          if (remaining->fetch_sub(1) == 1) stream->Close();
        });
      }
    });
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server.value());
  }

  // The whole de-chunked body of one GET.
  std::string Fetch() {
    asio::io_context io;
    beast::tcp_stream conn(io);
    conn.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()));
    http::request<http::empty_body> request{http::verb::get, "/stream", 11};
    request.set(http::field::host, "127.0.0.1");
    http::write(conn, request);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);
    beast::error_code ec;
    http::read(conn, buffer, parser, ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_TRUE(parser.get().chunked());
    return parser.get().body();
  }

  void TearDown() override {
    {
      std::lock_guard lock(threads_mu_);
      for (std::thread& thread : threads_) thread.join();
    }
    if (server_) server_->Stop();
  }

  std::vector<std::vector<std::string>> writers_;
  std::unique_ptr<HttpServer> server_;
  std::mutex threads_mu_;
  std::vector<std::thread> threads_;
};

TEST_F(HttpStreamTest, OneWriterSmallAndOversizedChunksArriveInOrder) {
  // 4 MiB blocks do not fit the socket buffers: sends go part direct, part queued.
  std::vector<std::string> chunks = WriterChunks('a', 200, 50, 4 << 20);
  std::string expected;
  for (const std::string& chunk : chunks) expected += chunk;
  Serve({chunks});
  std::string body = Fetch();
  ASSERT_EQ(body.size(), expected.size());
  EXPECT_TRUE(body == expected);
}

TEST_F(HttpStreamTest, ConcurrentWritersKeepTheirOwnOrder) {
  std::vector<std::vector<std::string>> writers;
  for (char tag : {'a', 'b', 'c', 'd'}) writers.push_back(WriterChunks(tag, 2000, 500, 1 << 20));
  Serve(writers);
  std::string body = Fetch();

  // Split the body back into chunks-as-lines: each writer's lines must come in its order.
  std::vector<std::size_t> next(4, 0);
  std::size_t start = 0;
  while (start < body.size()) {
    std::size_t end = body.find('\n', start);
    ASSERT_NE(end, std::string::npos);
    std::string line = body.substr(start, end + 1 - start);
    start = end + 1;
    int writer = line[0] - 'a';
    ASSERT_GE(writer, 0);
    ASSERT_LT(writer, 4);
    const std::vector<std::string>& chunks = writers[static_cast<std::size_t>(writer)];
    std::size_t& at = next[static_cast<std::size_t>(writer)];
    ASSERT_LT(at, chunks.size());
    ASSERT_TRUE(line == chunks[at]) << "writer " << line[0] << " chunk " << at;
    ++at;
  }
  for (std::size_t w = 0; w < 4; ++w) EXPECT_EQ(next[w], writers[w].size()) << "writer " << w;
}

TEST(HeaderListHas, FindsATokenInACommaSeparatedValue) {
  EXPECT_TRUE(HeaderListHas("keep-alive, Upgrade", "upgrade", false));
  EXPECT_TRUE(HeaderListHas("WebSocket", "websocket", false));
  EXPECT_FALSE(HeaderListHas("WebSocket", "websocket", true));
  EXPECT_TRUE(HeaderListHas("v5.channel.k8s.io,\tv4.channel.k8s.io ", "v4.channel.k8s.io", true));
  EXPECT_FALSE(HeaderListHas("v4.channel.k8s.io", "v5.channel.k8s.io", true));
  EXPECT_FALSE(HeaderListHas("websockets", "websocket", false));
  EXPECT_FALSE(HeaderListHas("", "websocket", false));
}

}  // namespace
}  // namespace skiff::apiserver
