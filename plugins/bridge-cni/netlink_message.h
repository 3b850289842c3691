#pragma once

// Builds one rtnetlink request: nlmsghdr, the family header (ifinfomsg, ifaddrmsg, rtmsg) and
// attributes, nested as the kernel expects. Offsets rather than pointers are kept because the
// buffer grows. Also a reader for the attributes of a reply.

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string_view>
#include <vector>

namespace skiff::bridge_cni {

class NetlinkMessage {
 public:
  // `family_header` is copied right after the nlmsghdr (e.g. an ifinfomsg).
  template <typename FamilyHeader>
  NetlinkMessage(uint16_t type, uint16_t flags, const FamilyHeader& family_header)
      : NetlinkMessage(type, flags, &family_header, sizeof(FamilyHeader)) {}

  void PutAttr(uint16_t type, const void* data, size_t len);
  void PutU32(uint16_t type, uint32_t v) { PutAttr(type, &v, sizeof(v)); }
  void PutS32(uint16_t type, int32_t v) { PutAttr(type, &v, sizeof(v)); }
  void PutString(uint16_t type, std::string_view s);  // NUL-terminated, as the kernel wants
  // Raw bytes appended without an attribute header (the ifinfomsg inside VETH_INFO_PEER).
  void PutRaw(const void* data, size_t len);

  // Returns a token for EndNested; everything put in between is inside the nest.
  size_t BeginNested(uint16_t type);
  void EndNested(size_t token);

  nlmsghdr* header() { return reinterpret_cast<nlmsghdr*>(buf_.data()); }
  const void* data() const { return buf_.data(); }
  size_t size() const { return buf_.size(); }

 private:
  NetlinkMessage(uint16_t type, uint16_t flags, const void* family_header, size_t len);
  void Align();

  std::vector<char> buf_;
};

// Calls `fn(type, payload, len)` for each attribute in [data, data+len).
void ForEachAttr(const void* data, size_t len,
                 const std::function<void(uint16_t, const void*, size_t)>& fn);

// The attributes that follow a family header of type T in message `h`.
template <typename T>
void ForEachAttrOf(const nlmsghdr* h,
                   const std::function<void(uint16_t, const void*, size_t)>& fn) {
  const char* start = reinterpret_cast<const char*>(NLMSG_DATA(h)) + NLMSG_ALIGN(sizeof(T));
  const char* end = reinterpret_cast<const char*>(h) + h->nlmsg_len;
  if (end > start) ForEachAttr(start, end - start, fn);
}

}  // namespace skiff::bridge_cni
