#include "wire/message_contents.hpp"

namespace reload::wire {

const char* message_code_name(std::uint16_t code) noexcept {
  switch (static_cast<MessageCode>(code)) {
    case MessageCode::probe_req: return "probe_req";
    case MessageCode::probe_ans: return "probe_ans";
    case MessageCode::attach_req: return "attach_req";
    case MessageCode::attach_ans: return "attach_ans";
    case MessageCode::store_req: return "store_req";
    case MessageCode::store_ans: return "store_ans";
    case MessageCode::fetch_req: return "fetch_req";
    case MessageCode::fetch_ans: return "fetch_ans";
    case MessageCode::find_req: return "find_req";
    case MessageCode::find_ans: return "find_ans";
    case MessageCode::join_req: return "join_req";
    case MessageCode::join_ans: return "join_ans";
    case MessageCode::leave_req: return "leave_req";
    case MessageCode::leave_ans: return "leave_ans";
    case MessageCode::update_req: return "update_req";
    case MessageCode::update_ans: return "update_ans";
    case MessageCode::route_query_req: return "route_query_req";
    case MessageCode::route_query_ans: return "route_query_ans";
    case MessageCode::ping_req: return "ping_req";
    case MessageCode::ping_ans: return "ping_ans";
    case MessageCode::stat_req: return "stat_req";
    case MessageCode::stat_ans: return "stat_ans";
    case MessageCode::app_attach_req: return "app_attach_req";
    case MessageCode::app_attach_ans: return "app_attach_ans";
    case MessageCode::config_update_req: return "config_update_req";
    case MessageCode::config_update_ans: return "config_update_ans";
    case MessageCode::exp_a_req: return "exp_a_req";
    case MessageCode::exp_a_ans: return "exp_a_ans";
    case MessageCode::exp_b_req: return "exp_b_req";
    case MessageCode::exp_b_ans: return "exp_b_ans";
    case MessageCode::error: return "error";
  }
  return nullptr;
}

void decode(Reader& r, MessageExtension& e, const CodecContext&) {
  e.type = r.u16("MessageExtension.type");
  e.critical = r.boolean("MessageExtension.critical");
  e.extension_contents = r.opaque(4, "MessageExtension.extension_contents");
}

void encode(Writer& w, const MessageExtension& e) {
  w.u16(e.type);
  w.boolean(e.critical);
  w.opaque(4, e.extension_contents, "MessageExtension.extension_contents");
}

void decode(Reader& r, MessageContents& c, const CodecContext& ctx) {
  c.message_code = r.u16("MessageContents.message_code");
  if (r.ok() && c.message_code == 0) {
    r.fail_at(r.offset() - 2, codec_errc::invalid_value, "MessageContents.message_code");
    return;
  }
  c.message_body = r.opaque(4, "MessageContents.message_body");
  Reader ext = r.sub(4, "MessageContents.extensions");
  c.extensions.clear();
  while (ext.more()) {
    MessageExtension e;
    decode(ext, e, ctx);
    if (ext.ok()) c.extensions.push_back(e);
  }
}

void encode(Writer& w, const MessageContents& c) {
  w.u16(c.message_code);
  w.opaque(4, c.message_body, "MessageContents.message_body");
  auto len = w.length_prefix(4, "MessageContents.extensions");
  for (const auto& e : c.extensions) encode(w, e);
}

}  // namespace reload::wire
