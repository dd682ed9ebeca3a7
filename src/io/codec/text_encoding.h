// Text in encodings other than UTF-8: UTF-16 input (Excel's "Unicode text"
// export, PowerShell's Out-File) is transcoded to UTF-8 as it is read, so the
// text readers only ever see UTF-8.
#pragma once
#include <memory>
#include <string_view>

#include "io/byte_stream.h"

namespace botrecon::io {

enum class TextEncoding { kUtf8, kUtf16Le, kUtf16Be };

// The encoding announced by a byte order mark at the start of `head` (UTF-8,
// with or without its mark, when there is no UTF-16 mark).
TextEncoding DetectTextEncoding(std::string_view head);

// "UTF-8", "UTF-16LE", "UTF-16BE".
const char* TextEncodingName(TextEncoding encoding);

// A stream of the UTF-8 text `inner` holds in `encoding` (UTF-16: its byte
// order mark dropped; surrogate pairs joined; an unpaired surrogate or a
// final odd byte becomes U+FFFD). kUtf8 returns `inner` itself.
std::unique_ptr<ByteStream> MakeUtf8Stream(std::unique_ptr<ByteStream> inner, TextEncoding encoding);

}  // namespace botrecon::io
