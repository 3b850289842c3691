// The machine's floor for watch_latency's fan-out: the same number of loopback TCP
// connections, one reader thread reading them all with epoll (as `watch_latency --reader
// epoll`), and per event one line of the same size sent on every connection, from `--senders`
// threads (the calling one and senders - 1 woken per event, as the API server's StreamLanes).
// No HTTP, no JSON, no store, no durable write: what is left is the kernel's cost of 1,000
// sends and reads and the scheduler's, so watch_latency's figures can be read against it.
// Latency = each line read - the moment the event's sends began.
// Usage: fanout_floor [--sockets 1000] [--events 200] [--senders 1] [--bytes 420]

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"watch fan-out floor: raw loopback sends"};
  int sockets = 1000, events = 200, senders = 1, bytes = 420;
  app.add_option("--sockets", sockets);
  app.add_option("--events", events);
  app.add_option("--senders", senders)->check(CLI::Range(1, 16));
  app.add_option("--bytes", bytes)->check(CLI::Range(1, 65536));
  CLI11_PARSE(app, argc, argv);

  int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (bind(listener, reinterpret_cast<sockaddr*>(&addr), len) != 0 || listen(listener, 4096) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::perror("listen");
    return 1;
  }
  std::vector<int> server_ends, client_ends;
  int ep = epoll_create1(0);
  for (int i = 0; i < sockets; ++i) {
    int c = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(c, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      std::perror("connect");
      return 1;
    }
    int s = accept(listener, nullptr, nullptr);
    int one = 1;
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = static_cast<std::uint32_t>(client_ends.size());
    epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
    server_ends.push_back(s);
    client_ends.push_back(c);
  }

  const std::string line(static_cast<std::size_t>(bytes - 1), 'x');
  const std::string message = line + "\n";
  std::vector<Clock::time_point> began(static_cast<std::size_t>(events));
  std::atomic<int> current{-1};
  std::vector<double> latencies, last(static_cast<std::size_t>(events), 0.0);
  latencies.reserve(static_cast<std::size_t>(sockets) * static_cast<std::size_t>(events));
  std::atomic<long> received{0};
  std::atomic<bool> stop{false};

  std::thread reader([&] {
    std::vector<epoll_event> ready(256);
    std::vector<char> buffer(65536);
    while (!stop) {
      int n = epoll_wait(ep, ready.data(), static_cast<int>(ready.size()), 50);
      auto now = Clock::now();
      for (int k = 0; k < n; ++k) {
        int fd = client_ends[ready[static_cast<std::size_t>(k)].data.u32];
        ssize_t got = recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
        if (got <= 0) continue;
        // One line per event and connection; a read holds at most the lines sent so far.
        int lines = static_cast<int>(std::count(buffer.data(), buffer.data() + got, '\n'));
        int e = current.load();
        for (int l = 0; l < lines; ++l) {
          double ms = Ms(now - began[static_cast<std::size_t>(e)]);
          latencies.push_back(ms);
          last[static_cast<std::size_t>(e)] = std::max(last[static_cast<std::size_t>(e)], ms);
        }
        received += lines;
      }
    }
  });

  // Sender t sends to connections t, t + senders, ...; thread 0 is this one.
  auto send_share = [&](int t) {
    for (std::size_t i = static_cast<std::size_t>(t); i < server_ends.size();
         i += static_cast<std::size_t>(senders)) {
      send(server_ends[i], message.data(), message.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    }
  };
  std::mutex mu;
  std::condition_variable cv;
  int go = -1;  // the event the helper senders are to send
  std::vector<std::thread> helpers;
  for (int t = 1; t < senders; ++t) {
    helpers.emplace_back([&, t] {
      int sent = -1;
      while (true) {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return go != sent; });
        sent = go;
        lock.unlock();
        if (sent == events) return;
        send_share(t);
      }
    });
  }
  for (int e = 0; e < events; ++e) {
    began[static_cast<std::size_t>(e)] = Clock::now();
    current = e;
    {
      std::lock_guard lock(mu);
      go = e;
    }
    cv.notify_all();
    send_share(0);
    // The next event once this one is read everywhere, 20 ms apart as watch_latency's writes.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto deadline = Clock::now() + std::chrono::seconds(10);
    while (received < static_cast<long>(sockets) * (e + 1) && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  {
    std::lock_guard lock(mu);
    go = events;
  }
  cv.notify_all();
  for (auto& h : helpers) h.join();
  stop = true;
  reader.join();
  for (int fd : server_ends) close(fd);
  for (int fd : client_ends) close(fd);
  close(ep);
  close(listener);

  const long want = static_cast<long>(sockets) * events;
  std::printf(
      "floor: sockets=%d events=%d senders=%d bytes=%d read=%zu/%ld p50=%.2fms p99=%.2fms "
      "max=%.2fms; last read of each event p50=%.2fms p90=%.2fms\n",
      sockets, events, senders, bytes, latencies.size(), want, Percentile(latencies, 0.5),
      Percentile(latencies, 0.99), Percentile(latencies, 1.0), Percentile(last, 0.5),
      Percentile(last, 0.9));
  return static_cast<long>(latencies.size()) == want ? 0 : 1;
}
