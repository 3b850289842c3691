#include "core/apiserver/stream_lanes.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace skiff::apiserver {
namespace {

// Records every chunk written to it and the thread that wrote it.
class RecordingStream final : public ResponseStream {
 public:
  void Write(std::string chunk) override { Record(std::move(chunk)); }
  void Write(std::shared_ptr<const std::string> chunk) override { Record(*chunk); }
  void Close() override {}
  void OnClose(std::function<void()>) override {}

  std::vector<std::string> chunks() const {
    std::lock_guard lock(mu_);
    return chunks_;
  }
  std::vector<std::thread::id> writers() const {
    std::lock_guard lock(mu_);
    return writers_;
  }

 private:
  void Record(std::string chunk) {
    std::lock_guard lock(mu_);
    chunks_.push_back(std::move(chunk));
    writers_.push_back(std::this_thread::get_id());
  }
  mutable std::mutex mu_;
  std::vector<std::string> chunks_;
  std::vector<std::thread::id> writers_;
};

std::vector<std::shared_ptr<const std::string>> Chunks(std::initializer_list<std::string> texts) {
  std::vector<std::shared_ptr<const std::string>> out;
  for (const auto& t : texts) out.push_back(std::make_shared<const std::string>(t));
  return out;
}

TEST(StreamLanesTest, AssignsLanesRoundRobin) {
  StreamLanes lanes(3);
  std::vector<std::size_t> got;
  for (int i = 0; i < 7; ++i) got.push_back(lanes.Assign());
  EXPECT_EQ(got, (std::vector<std::size_t>{0, 1, 2, 0, 1, 2, 0}));
  StreamLanes one(1);
  EXPECT_EQ(one.Assign(), 0u);
  EXPECT_EQ(one.Assign(), 0u);
}

TEST(StreamLanesTest, LaneZeroWritesOnTheCallersThreadOthersOnTheirOwn) {
  StreamLanes lanes(2);
  auto direct = std::make_shared<RecordingStream>();
  auto queued = std::make_shared<RecordingStream>();
  lanes.Write(0, direct, Chunks({"a"}));
  // Lane 0 has written before Write returns.
  ASSERT_EQ(direct->chunks(), (std::vector<std::string>{"a"}));
  EXPECT_EQ(direct->writers()[0], std::this_thread::get_id());

  std::atomic<bool> done{false};
  std::thread::id done_on;
  lanes.Write(1, queued, Chunks({"b", "c"}), [&] {
    done_on = std::this_thread::get_id();
    done = true;
  });
  for (int i = 0; i < 2000 && !done; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_TRUE(done);
  EXPECT_EQ(queued->chunks(), (std::vector<std::string>{"b", "c"}));
  EXPECT_NE(queued->writers()[0], std::this_thread::get_id());
  EXPECT_EQ(queued->writers()[1], queued->writers()[0]);
  EXPECT_EQ(done_on, queued->writers()[0]);  // after its chunks, on the same thread
}

TEST(StreamLanesTest, EachStreamGetsItsChunksInOrderUnderConcurrentWriters) {
  constexpr int kStreams = 12, kWritesPerStream = 300;
  std::vector<std::shared_ptr<RecordingStream>> streams;
  std::vector<std::size_t> lane_of;
  std::vector<std::string> done_order[kStreams];
  std::mutex done_mu;
  {
    StreamLanes lanes(3);
    for (int s = 0; s < kStreams; ++s) {
      streams.push_back(std::make_shared<RecordingStream>());
      lane_of.push_back(lanes.Assign());
    }
    // One writer thread per stream, as one store dispatcher serves each watch; the streams'
    // writers run at once, so the lanes' queues see interleaved writes.
    std::vector<std::thread> writers;
    for (int s = 0; s < kStreams; ++s) {
      writers.emplace_back([&, s] {
        for (int i = 0; i < kWritesPerStream; ++i) {
          std::string tag = std::to_string(i);
          lanes.Write(lane_of[s], streams[s], Chunks({tag + "a", tag + "b"}), [&, s, tag] {
            std::lock_guard lock(done_mu);
            done_order[s].push_back(tag);
          });
        }
      });
    }
    for (auto& w : writers) w.join();
  }  // the destructor sends what is still queued
  for (int s = 0; s < kStreams; ++s) {
    std::vector<std::string> want, want_done;
    for (int i = 0; i < kWritesPerStream; ++i) {
      want.push_back(std::to_string(i) + "a");
      want.push_back(std::to_string(i) + "b");
      want_done.push_back(std::to_string(i));
    }
    EXPECT_EQ(streams[s]->chunks(), want) << "stream " << s << " on lane " << lane_of[s];
    EXPECT_EQ(done_order[s], want_done) << "stream " << s;
  }
}

}  // namespace
}  // namespace skiff::apiserver
