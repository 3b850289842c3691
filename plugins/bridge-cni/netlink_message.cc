#include "plugins/bridge-cni/netlink_message.h"

namespace skiff::bridge_cni {

NetlinkMessage::NetlinkMessage(uint16_t type, uint16_t flags, const void* family_header,
                               size_t len) {
  buf_.reserve(512);
  buf_.resize(NLMSG_HDRLEN);
  nlmsghdr* h = header();
  h->nlmsg_type = type;
  h->nlmsg_flags = flags;
  PutRaw(family_header, len);
}

void NetlinkMessage::Align() { buf_.resize(NLMSG_ALIGN(buf_.size()), 0); }

void NetlinkMessage::PutRaw(const void* data, size_t len) {
  Align();
  size_t at = buf_.size();
  buf_.resize(at + len);
  std::memcpy(buf_.data() + at, data, len);
  Align();
  header()->nlmsg_len = static_cast<uint32_t>(buf_.size());
}

void NetlinkMessage::PutAttr(uint16_t type, const void* data, size_t len) {
  Align();
  size_t at = buf_.size();
  buf_.resize(at + RTA_ALIGN(RTA_LENGTH(len)), 0);
  auto* rta = reinterpret_cast<rtattr*>(buf_.data() + at);
  rta->rta_type = type;
  rta->rta_len = static_cast<uint16_t>(RTA_LENGTH(len));
  if (len) std::memcpy(RTA_DATA(rta), data, len);
  header()->nlmsg_len = static_cast<uint32_t>(buf_.size());
}

void NetlinkMessage::PutString(uint16_t type, std::string_view s) {
  std::vector<char> z(s.begin(), s.end());
  z.push_back('\0');
  PutAttr(type, z.data(), z.size());
}

size_t NetlinkMessage::BeginNested(uint16_t type) {
  Align();
  size_t at = buf_.size();
  PutAttr(type | NLA_F_NESTED, nullptr, 0);
  return at;
}

void NetlinkMessage::EndNested(size_t token) {
  Align();
  auto* rta = reinterpret_cast<rtattr*>(buf_.data() + token);
  rta->rta_len = static_cast<uint16_t>(buf_.size() - token);
}

void ForEachAttr(const void* data, size_t len,
                 const std::function<void(uint16_t, const void*, size_t)>& fn) {
  auto* rta = static_cast<const rtattr*>(data);
  int remaining = static_cast<int>(len);
  for (; RTA_OK(rta, remaining); rta = RTA_NEXT(rta, remaining)) {
    fn(rta->rta_type & NLA_TYPE_MASK, RTA_DATA(rta), RTA_PAYLOAD(rta));
  }
}

}  // namespace skiff::bridge_cni
