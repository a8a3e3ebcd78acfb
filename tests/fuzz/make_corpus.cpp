// Writes the seed corpus of every fuzz target into DIR/<target>/ (the committed corpus in
// tests/fuzz/corpus was made with it): valid encodings built with the codec itself, so the
// fuzzers start from inputs that get past the first checks.
//   build/tests/fuzz/make_corpus tests/fuzz/corpus
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "sample_messages.hpp"
#include "wire/body.hpp"
#include "wire/codec.hpp"
#include "wire/message.hpp"
#include "wire/fragmentation.hpp"
#include "wire/header_view.hpp"
#include "wire/framing.hpp"

namespace fs = std::filesystem;
using namespace reload::wire;

namespace {
void write(const fs::path& dir, const std::string& name, Bytes b) {
  fs::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary)
      .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

Buffer framed(std::uint32_t seq, Bytes message) {
  return encode_to_buffer(FramedMessage{FramedData{seq, message}}).value();
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_corpus DIR\n");
    return 2;
  }
  fs::path root(argv[1]);
  CodecContext ctx;
  ctx.data_models = &reload::test::sample_data_models();
  auto messages = reload::test::sample_messages();
  int i = 0;
  for (const auto& [name, code, bytes] : messages) {
    write(root / "message", name, bytes);
    write(root / "header_rewrite", name, bytes);
    if (auto m = decode_message(bytes, ctx)) {
      Buffer body{static_cast<std::uint8_t>(code >> 8), static_cast<std::uint8_t>(code)};
      body.insert(body.end(), m->contents.message_body.begin(), m->contents.message_body.end());
      write(root / "body", name, body);
      if (auto store = decode_body(code, m->contents.message_body, ctx)) {
        if (auto* req = std::get_if<StoreReq>(&*store))
          for (const auto& k : req->kind_data)
            for (const auto& v : k.values) {
              auto model = model_of(v.value);
              if (!model) continue;
              Buffer seed{static_cast<std::uint8_t>(static_cast<int>(*model) - 1)};
              auto enc = encode_to_buffer(v).value();
              seed.insert(seed.end(), enc.begin(), enc.end());
              write(root / "stored_data", name + "_" + std::to_string(k.kind), seed);
              if (auto* e = std::get_if<DictionaryEntry>(&v.value); e && k.kind == 5)
                write(root / "xmpp_location", name, e->value.value);
            }
      }
    }
    // A stream of two frames and an ack, delivered in pieces of (i % 64) + 1 bytes.
    Buffer stream{static_cast<std::uint8_t>(i)};
    for (auto part : {framed(1, bytes), encode_to_buffer(FramedMessage{FramedAck{1, 3}}).value(),
                      framed(2, bytes)})
      stream.insert(stream.end(), part.begin(), part.end());
    write(root / "frame_stream", name, stream);
    // The message's fragments, each with a u16 length prefix, last one first.
    std::size_t limit = peek_header(bytes).value().header_size + min_fragment_body;
    if (auto frags = fragment_message(bytes, limit); frags && frags->size() > 1) {
      Buffer seq;
      for (auto it = frags->rbegin(); it != frags->rend(); ++it) {
        seq.push_back(static_cast<std::uint8_t>(it->size() >> 8));
        seq.push_back(static_cast<std::uint8_t>(it->size()));
        seq.insert(seq.end(), it->begin(), it->end());
      }
      write(root / "reassembly", name, seq);
    }
    ++i;
  }
  std::printf("wrote seeds for %d messages under %s\n", i, root.c_str());
  return 0;
}
