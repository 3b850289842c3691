#include "core/agent/probe_https.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace skiff::agent {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

ProbeAttempt HttpsGetProbe(const ProbeSpec& spec, const std::string& host) {
  error_code ec;
  const asio::ip::address address = asio::ip::make_address(host, ec);
  const std::string host_port =
      (address.is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(spec.port);
  const std::string get = "Get \"https://" + host_port + spec.path + "\": ";
  if (ec) return {false, get + "not an IP address: " + host};

  asio::io_context io;
  ssl::context tls(ssl::context::tls_client);
  tls.set_verify_mode(ssl::verify_none);  // the kubelet does not verify probe certificates
  beast::ssl_stream<beast::tcp_stream> stream(io, tls);
  // One deadline for connect, handshake, request and response header, as spec.timeout is.
  beast::get_lowest_layer(stream).expires_after(spec.timeout);

  http::request<http::empty_body> request{http::verb::get, spec.path, 11};
  request.set(http::field::host, host_port);
  request.set(http::field::user_agent, "kube-probe/1.32");
  request.set(http::field::accept, "*/*");
  request.set(http::field::connection, "close");
  for (const auto& [name, value] : spec.headers) request.set(name, value);
  beast::flat_buffer buffer;
  http::response_parser<http::empty_body> response;

  std::string failure;
  auto fail = [&](const char* step, const error_code& e) {
    failure = get + step + (e == beast::error::timeout ? "timeout" : e.message());
  };
  beast::get_lowest_layer(stream).async_connect(
      tcp::endpoint(address, static_cast<unsigned short>(spec.port)), [&](const error_code& e) {
        if (e) return fail("dial tcp: ", e);
        stream.async_handshake(ssl::stream_base::client, [&](const error_code& e) {
          if (e) return fail("TLS handshake: ", e);
          http::async_write(stream, request, [&](const error_code& e, std::size_t) {
            if (e) return fail("write: ", e);
            // The header carries the status code; a body is not needed.
            http::async_read_header(stream, buffer, response,
                                    [&](const error_code& e, std::size_t) {
                                      if (e) fail("read: ", e);
                                    });
          });
        });
      });
  io.run();
  if (!failure.empty()) return {false, failure};
  unsigned code = response.get().result_int();
  if (code >= 200 && code < 400) return {true, ""};
  return {false, "HTTP probe failed with statuscode: " + std::to_string(code)};
}

}  // namespace skiff::agent
