#include "io/formats/pickle/pickle_vm.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <unordered_map>

#include "core/error.h"
#include "core/text.h"

namespace botrecon::io {
namespace {

// Opcodes of protocols 0-5 (names as in CPython's pickletools).
enum Op : uint8_t {
  kMark = '(',
  kStop = '.',
  kPop = '0',
  kPopMark = '1',
  kDup = '2',
  kFloat = 'F',
  kInt = 'I',
  kBinInt = 'J',
  kBinInt1 = 'K',
  kLong = 'L',
  kBinInt2 = 'M',
  kNone = 'N',
  kPersId = 'P',
  kBinPersId = 'Q',
  kReduce = 'R',
  kString = 'S',
  kBinString = 'T',
  kShortBinString = 'U',
  kUnicode = 'V',
  kBinUnicode = 'X',
  kAppend = 'a',
  kBuild = 'b',
  kGlobal = 'c',
  kDict = 'd',
  kEmptyDict = '}',
  kAppends = 'e',
  kGet = 'g',
  kBinGet = 'h',
  kInst = 'i',
  kLongBinGet = 'j',
  kList = 'l',
  kEmptyList = ']',
  kObj = 'o',
  kPut = 'p',
  kBinPut = 'q',
  kLongBinPut = 'r',
  kSetItem = 's',
  kTuple = 't',
  kEmptyTuple = ')',
  kSetItems = 'u',
  kBinFloat = 'G',
  kProto = 0x80,
  kNewObj = 0x81,
  kExt1 = 0x82,
  kExt2 = 0x83,
  kExt4 = 0x84,
  kTuple1 = 0x85,
  kTuple2 = 0x86,
  kTuple3 = 0x87,
  kNewTrue = 0x88,
  kNewFalse = 0x89,
  kLong1 = 0x8a,
  kLong4 = 0x8b,
  kBinBytes = 'B',
  kShortBinBytes = 'C',
  kShortBinUnicode = 0x8c,
  kBinUnicode8 = 0x8d,
  kBinBytes8 = 0x8e,
  kEmptySet = 0x8f,
  kAddItems = 0x90,
  kFrozenSet = 0x91,
  kNewObjEx = 0x92,
  kStackGlobal = 0x93,
  kMemoize = 0x94,
  kFrame = 0x95,
  kByteArray8 = 0x96,
  kNextBuffer = 0x97,
  kReadOnlyBuffer = 0x98,
};

constexpr uint8_t kHighestProtocol = 5;

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

// ---------------------------------------------------------------------------
// Values

const char* PickleKindName(PickleKind kind) {
  switch (kind) {
    case PickleKind::kNone:
      return "None";
    case PickleKind::kBool:
      return "bool";
    case PickleKind::kInt:
      return "int";
    case PickleKind::kBigInt:
      return "int";
    case PickleKind::kFloat:
      return "float";
    case PickleKind::kStr:
      return "str";
    case PickleKind::kBytes:
      return "bytes";
    case PickleKind::kByteArray:
      return "bytearray";
    case PickleKind::kTuple:
      return "tuple";
    case PickleKind::kList:
      return "list";
    case PickleKind::kDict:
      return "dict";
    case PickleKind::kSet:
      return "set";
    case PickleKind::kFrozenSet:
      return "frozenset";
    case PickleKind::kGlobal:
      return "global";
    case PickleKind::kObject:
      return "object";
  }
  return "?";
}

std::string PickleValue::TypeName() const {
  if (kind == PickleKind::kGlobal) return std::string(text) + "." + std::string(name);
  if (kind == PickleKind::kObject) return body->callable->TypeName();
  return PickleKindName(kind);
}

const std::vector<PickleRef>& PickleValue::Items() const {
  static const std::vector<PickleRef> kEmpty;
  return body != nullptr ? body->items : kEmpty;
}

const std::vector<PickleRef>& PickleValue::Args() const {
  static const std::vector<PickleRef> kEmpty;
  return kind == PickleKind::kObject && body->args != nullptr ? body->args->body->items : kEmpty;
}

PickleRef PickleValue::Find(std::string_view key) const {
  if (body == nullptr) return nullptr;
  for (auto it = body->entries.rbegin(); it != body->entries.rend(); ++it) {
    if (it->first->kind == PickleKind::kStr && it->first->text == key) return it->second;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------
// Allow-list

PickleAllowList& PickleAllowList::Allow(std::string_view module, std::string_view qualname) {
  std::string key(module);
  key += '\n';
  key += qualname;
  keys_.insert(std::move(key));
  return *this;
}

bool PickleAllowList::Allows(std::string_view module, std::string_view qualname) const {
  std::string key(module);
  key += '\n';
  key += qualname;
  return keys_.count(key) != 0;
}

// Helpers that rebuild plain data; the VM evaluates them itself (see the header).
PickleAllowList PickleAllowList::DataBasics() {
  PickleAllowList list;
  list.Allow("builtins", "object")  // base class argument of copyreg._reconstructor
      .Allow("builtins", "bytes")
      .Allow("builtins", "bytearray")
      .Allow("builtins", "set")
      .Allow("builtins", "frozenset")
      .Allow("builtins", "slice")  // kept as an Object record with args (start, stop, step)
      .Allow("copyreg", "_reconstructor")
      .Allow("copyreg", "__newobj__")
      .Allow("copyreg", "__newobj_ex__")
      .Allow("functools", "partial")  // calls through it are flattened (see CallPartial)
      .Allow("_codecs", "encode");
  return list;
}

std::vector<std::string> PickleAllowList::Entries() const {
  std::vector<std::string> out;
  for (const auto& key : keys_) {
    std::string entry = key;
    entry[entry.find('\n')] = '.';
    out.push_back(std::move(entry));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// ---------------------------------------------------------------------------
// The machine

class PickleMachine {
 public:
  PickleMachine(std::shared_ptr<const FileBuffer> file, const PickleAllowList& allow, const PickleLimits& limits)
      : doc_(std::make_shared<PickleDocument>()), allow_(allow), limits_(limits) {
    doc_->file_ = std::move(file);
    data_ = doc_->file_->bytes();
    none_ = NewValue(PickleKind::kNone, 0);
    true_ = NewValue(PickleKind::kBool, 0);
    true_->boolean = true;
    false_ = NewValue(PickleKind::kBool, 0);
  }

  std::shared_ptr<const PickleDocument> Run() {
    while (pos_ < data_.size()) {
      op_offset_ = pos_;
      auto op = static_cast<uint8_t>(data_[pos_++]);
      if (op == kStop) {
        doc_->root_ = Pop();
        return doc_;
      }
      Step(op);
    }
    Fail(data_.empty() ? "empty pickle" : "truncated pickle: no STOP opcode before the end");
  }

 private:
  [[noreturn]] void Fail(const std::string& what) const {
    throw core::InputError(doc_->source_name() + ": " + what + " (offset " + std::to_string(op_offset_) + ")");
  }

  // --- input ---------------------------------------------------------------
  std::string_view Take(uint64_t n, const char* what) {
    if (n > data_.size() - pos_) {
      Fail(std::string("truncated pickle: ") + what + " needs " + std::to_string(n) + " bytes, " +
           std::to_string(data_.size() - pos_) + " remain");
    }
    std::string_view out = data_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  uint64_t ReadUnsigned(int n, const char* what) {
    std::string_view bytes = Take(n, what);
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(bytes[i]);
    return v;
  }
  std::string_view ReadLine(const char* what) {
    size_t end = data_.find('\n', pos_);
    if (end == std::string_view::npos) Fail(std::string("truncated pickle: ") + what + " has no end of line");
    std::string_view line = data_.substr(pos_, end - pos_);
    pos_ = end + 1;
    line = core::ChompCr(line);
    return line;
  }

  // --- values --------------------------------------------------------------
  PickleValue* NewValue(PickleKind kind, uint64_t offset) {
    if (doc_->values_.size() >= limits_.max_values) {
      Fail("pickle makes more than " + std::to_string(limits_.max_values) + " values");
    }
    PickleValue& v = doc_->values_.emplace_back();
    v.kind = kind;
    v.offset = offset;
    return &v;
  }
  PickleValue* NewContainer(PickleKind kind) {
    PickleValue* v = NewValue(kind, op_offset_);
    v->body = &doc_->bodies_.emplace_back();
    return v;
  }
  PickleValue* NewText(PickleKind kind, std::string_view text) {
    PickleValue* v = NewValue(kind, op_offset_);
    v->text = text;
    return v;
  }
  PickleValue* NewOwnedText(PickleKind kind, std::string text) {
    return NewText(kind, doc_->owned_.emplace_back(std::move(text)));
  }
  PickleValue* NewInt(int64_t i) {
    PickleValue* v = NewValue(PickleKind::kInt, op_offset_);
    v->integer = i;
    return v;
  }
  PickleValue* NewObject(PickleRef callable, std::vector<PickleRef> args, PickleRef kwargs) {
    PickleValue* tuple = NewContainer(PickleKind::kTuple);
    tuple->body->items = std::move(args);
    PickleValue* obj = NewContainer(PickleKind::kObject);
    obj->body->callable = callable;
    obj->body->args = tuple;
    obj->body->kwargs = kwargs;
    return obj;
  }

  // --- stack ---------------------------------------------------------------
  size_t Fence() const { return marks_.empty() ? 0 : marks_.back(); }
  void Push(PickleValue* v) {
    if (stack_.size() >= limits_.max_stack)
      Fail("pickle stack exceeds " + std::to_string(limits_.max_stack) + " values");
    stack_.push_back(v);
  }
  PickleValue* Pop() {
    if (stack_.size() <= Fence()) Fail("pickle stack underflow");
    PickleValue* v = stack_.back();
    stack_.pop_back();
    return v;
  }
  PickleValue* Top() {
    if (stack_.size() <= Fence()) Fail("pickle stack underflow");
    return stack_.back();
  }
  std::vector<PickleRef> PopMark() {
    if (marks_.empty()) Fail("pickle has no MARK where one is needed");
    size_t base = marks_.back();
    marks_.pop_back();
    std::vector<PickleRef> items(stack_.begin() + static_cast<std::ptrdiff_t>(base), stack_.end());
    stack_.resize(base);
    return items;
  }

  // --- globals -------------------------------------------------------------
  PickleValue* ResolveGlobal(std::string_view module, std::string_view qualname) {
    std::string written = std::string(module) + "." + std::string(qualname);
    if (doc_->protocol_ < 3) {  // Python's fix_imports for pickles written by Python 2
      if (module == "__builtin__") module = "builtins";
      if (module == "copy_reg") module = "copyreg";
    }
    if (!allow_.Allows(module, qualname)) Fail("pickle refers to " + written + ", which is not allowed");
    PickleValue* v = NewValue(PickleKind::kGlobal, op_offset_);
    v->text = module;
    v->name = qualname;
    return v;
  }

  std::string_view Latin1FromUtf8(std::string_view utf8) {
    std::string out;
    out.reserve(utf8.size());
    for (size_t i = 0; i < utf8.size(); ++i) {
      auto c = static_cast<unsigned char>(utf8[i]);
      if (c < 0x80) {
        out += static_cast<char>(c);
      } else if ((c == 0xC2 || c == 0xC3) && i + 1 < utf8.size() &&
                 (static_cast<unsigned char>(utf8[i + 1]) & 0xC0) == 0x80) {
        out += static_cast<char>(((c & 0x03) << 6) | (static_cast<unsigned char>(utf8[i + 1]) & 0x3F));
        ++i;
      } else {
        Fail("_codecs.encode: text is not encodable as latin-1");
      }
    }
    return doc_->owned_.emplace_back(std::move(out));
  }

  // What calling `callable(*args)` would produce (REDUCE, INST, OBJ).
  PickleValue* Call(PickleRef callable, std::vector<PickleRef> args) {
    if (callable->IsObjectOf("functools", "partial")) return CallPartial(callable, std::move(args));
    if (callable->kind != PickleKind::kGlobal) {
      std::string what = callable->IsObject() ? "a " + callable->TypeName() + " object"
                                              : std::string("a value of type ") + PickleKindName(callable->kind);
      Fail("pickle calls " + what + "; only allowed globals may be called");
    }
    auto arg_is = [&](size_t i, PickleKind kind) { return args.size() > i && args[i]->kind == kind; };
    if (callable->IsGlobal("copyreg", "_reconstructor")) {
      if (args.size() != 3 || !arg_is(0, PickleKind::kGlobal))
        Fail("copyreg._reconstructor needs (class, base, state)");
      std::vector<PickleRef> ctor_args;
      if (!args[1]->IsGlobal("builtins", "object")) ctor_args.push_back(args[2]);
      return NewObject(args[0], std::move(ctor_args), nullptr);
    }
    if (callable->IsGlobal("copyreg", "__newobj__")) {
      if (!arg_is(0, PickleKind::kGlobal)) Fail("copyreg.__newobj__ needs a class as first argument");
      return NewObject(args[0], std::vector<PickleRef>(args.begin() + 1, args.end()), nullptr);
    }
    if (callable->IsGlobal("copyreg", "__newobj_ex__")) {
      if (args.size() != 3 || !arg_is(0, PickleKind::kGlobal) || !arg_is(1, PickleKind::kTuple) ||
          !arg_is(2, PickleKind::kDict)) {
        Fail("copyreg.__newobj_ex__ needs (class, tuple, dict)");
      }
      return NewObject(args[0], args[1]->body->items, args[2]);
    }
    if (callable->IsGlobal("_codecs", "encode")) {
      if (args.empty() || args.size() > 2 || !arg_is(0, PickleKind::kStr) ||
          (args.size() == 2 && args[1]->kind != PickleKind::kStr)) {
        Fail("_codecs.encode needs (str, encoding)");
      }
      std::string_view encoding = args.size() == 2 ? args[1]->text : "utf-8";
      if (encoding == "latin1" || encoding == "latin-1" || encoding == "iso-8859-1") {
        return NewText(PickleKind::kBytes, Latin1FromUtf8(args[0]->text));
      }
      if (encoding == "utf-8" || encoding == "utf8") return NewText(PickleKind::kBytes, args[0]->text);
      Fail("_codecs.encode with unsupported encoding '" + std::string(encoding) + "'");
    }
    if (callable->IsGlobal("builtins", "bytes") || callable->IsGlobal("builtins", "bytearray")) {
      PickleKind kind = callable->name == "bytes" ? PickleKind::kBytes : PickleKind::kByteArray;
      if (args.empty()) return NewText(kind, {});
      if (args.size() == 1 && (arg_is(0, PickleKind::kBytes) || arg_is(0, PickleKind::kByteArray))) {
        return NewText(kind, args[0]->text);
      }
      if (args.size() == 2 && arg_is(0, PickleKind::kStr) && arg_is(1, PickleKind::kStr) &&
          (args[1]->text == "latin-1" || args[1]->text == "latin1")) {
        return NewText(kind, Latin1FromUtf8(args[0]->text));
      }
      Fail("builtins." + std::string(callable->name) + " with unsupported arguments");
    }
    if (callable->IsGlobal("builtins", "set") || callable->IsGlobal("builtins", "frozenset")) {
      PickleValue* set = NewContainer(callable->name == "set" ? PickleKind::kSet : PickleKind::kFrozenSet);
      if (args.size() == 1 &&
          (args[0]->IsSequence() || args[0]->kind == PickleKind::kSet || args[0]->kind == PickleKind::kFrozenSet)) {
        set->body->items = args[0]->body->items;
      } else if (!args.empty()) {
        Fail("builtins." + std::string(callable->name) + " needs a list");
      }
      return set;
    }
    return NewObject(callable, std::move(args), nullptr);
  }

  // functools.partial(func, *pargs, **kw)(*args) -> what func(*pargs, *args, **kw) makes.
  // (pandas 1.3 pickles its blocks as partial(new_block, ndim=2)(values, placement).)
  PickleValue* CallPartial(PickleRef partial, std::vector<PickleRef> args) {
    PickleRef func = nullptr;
    std::vector<PickleRef> all_args;
    PickleRef kwargs = nullptr;
    PickleRef state = partial->body->state;
    if (state != nullptr && state->kind == PickleKind::kTuple && state->Items().size() == 4) {
      const auto& parts = state->Items();  // (func, args, keywords, __dict__)
      func = parts[0];
      if (parts[1]->kind == PickleKind::kTuple) {
        all_args = parts[1]->Items();
      } else if (!parts[1]->IsNone()) {
        Fail("functools.partial state has bad arguments");
      }
      if (parts[2]->kind == PickleKind::kDict) {
        kwargs = parts[2];
      } else if (!parts[2]->IsNone()) {
        Fail("functools.partial state has bad keywords");
      }
    } else if (!partial->Args().empty()) {
      func = partial->Args()[0];
      all_args.assign(partial->Args().begin() + 1, partial->Args().end());
    }
    if (func == nullptr || func->kind != PickleKind::kGlobal) {
      Fail("functools.partial must wrap an allowed global");
    }
    all_args.insert(all_args.end(), args.begin(), args.end());
    PickleValue* result = Call(func, std::move(all_args));
    if (kwargs != nullptr && !kwargs->body->entries.empty()) {
      if (result->kind != PickleKind::kObject || result->body->kwargs != nullptr) {
        Fail("functools.partial with keywords around " + func->TypeName() + " is not supported");
      }
      result->body->kwargs = kwargs;
    }
    return result;
  }

  // --- text opcodes of protocol 0 --------------------------------------------
  int64_t ParseDecimal(std::string_view text, const char* what) {
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc::result_out_of_range) Fail(std::string(what) + " value out of the 64-bit range");
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
      Fail(std::string("bad ") + what + " value '" + std::string(text.substr(0, 40)) + "'");
    }
    return v;
  }

  // Decimal text -> little-endian two's-complement bytes (protocol 0 LONG beyond 64 bits).
  PickleValue* BigIntFromDecimal(std::string_view text) {
    bool negative = !text.empty() && text.front() == '-';
    if (negative || (!text.empty() && text.front() == '+')) text.remove_prefix(1);
    if (text.empty()) Fail("bad LONG value");
    if (text.size() > 1000) Fail("LONG value has more than 1000 digits");  // conversion is quadratic
    std::vector<uint8_t> mag{0};
    for (char c : text) {
      if (c < '0' || c > '9') Fail("bad LONG value");
      unsigned carry = static_cast<unsigned>(c - '0');
      for (auto& byte : mag) {
        unsigned v = byte * 10u + carry;
        byte = static_cast<uint8_t>(v & 0xFF);
        carry = v >> 8;
      }
      if (carry != 0) mag.push_back(static_cast<uint8_t>(carry));
    }
    mag.push_back(0);  // room for the sign bit
    if (negative) {
      unsigned carry = 1;
      for (auto& byte : mag) {
        unsigned v = static_cast<uint8_t>(~byte) + carry;
        byte = static_cast<uint8_t>(v & 0xFF);
        carry = v >> 8;
      }
    }
    return NewOwnedText(PickleKind::kBigInt, std::string(mag.begin(), mag.end()));
  }

  // Python 2 str repr: quoted, with backslash escapes (codecs.escape_decode).
  std::string UnquoteString(std::string_view line) {
    if (line.size() < 2 || (line.front() != '\'' && line.front() != '"') || line.back() != line.front()) {
      Fail("STRING opcode argument is not a quoted string");
    }
    std::string_view s = line.substr(1, line.size() - 2);
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] != '\\' || i + 1 == s.size()) {
        out += s[i];
        continue;
      }
      char e = s[++i];
      switch (e) {
        case '\n':
          break;
        case '\\':
          out += '\\';
          break;
        case '\'':
          out += '\'';
          break;
        case '"':
          out += '"';
          break;
        case 'a':
          out += '\a';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'v':
          out += '\v';
          break;
        case 'x': {
          if (i + 2 >= s.size() || HexDigit(s[i + 1]) < 0 || HexDigit(s[i + 2]) < 0) {
            Fail("bad \\x escape in STRING");
          }
          out += static_cast<char>(HexDigit(s[i + 1]) * 16 + HexDigit(s[i + 2]));
          i += 2;
          break;
        }
        default:
          if (e >= '0' && e <= '7') {
            int v = e - '0';
            for (int k = 0; k < 2 && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '7'; ++k) {
              v = v * 8 + (s[++i] - '0');
            }
            out += static_cast<char>(v & 0xFF);
          } else {
            out += '\\';
            out += e;
          }
      }
    }
    return out;
  }

  // raw-unicode-escape (protocol 0 UNICODE): bytes are latin-1 code points,
  // except \uXXXX and \UXXXXXXXX after an odd run of backslashes.
  std::string RawUnicodeEscapeToUtf8(std::string_view s) {
    std::string out;
    size_t backslashes = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      if (c == '\\' && backslashes % 2 == 0 && i + 1 < s.size() && (s[i + 1] == 'u' || s[i + 1] == 'U')) {
        size_t digits = s[i + 1] == 'u' ? 4 : 8;
        if (i + 2 + digits > s.size()) Fail("truncated \\u escape in UNICODE");
        uint32_t cp = 0;
        for (size_t k = 0; k < digits; ++k) {
          int d = HexDigit(s[i + 2 + k]);
          if (d < 0) Fail("bad \\u escape in UNICODE");
          cp = cp * 16 + static_cast<uint32_t>(d);
        }
        if (cp > 0x10FFFF) Fail("\\U escape out of the Unicode range in UNICODE");
        AppendUtf8(out, cp);
        i += 1 + digits;
        backslashes = 0;
        continue;
      }
      backslashes = c == '\\' ? backslashes + 1 : 0;
      AppendUtf8(out, static_cast<unsigned char>(c));
    }
    return out;
  }

  // Python 2 str: str if it is ASCII (Python 3's default encoding), else bytes.
  PickleValue* Py2String(std::string_view raw, bool owned) {
    PickleKind kind = IsAscii(raw) ? PickleKind::kStr : PickleKind::kBytes;
    return owned ? NewOwnedText(kind, std::string(raw)) : NewText(kind, raw);
  }

  // --- memo ----------------------------------------------------------------
  void Put(uint64_t key) {
    PickleValue* top = Top();
    if (memo_.size() >= limits_.max_memo && memo_.count(key) == 0) {
      Fail("pickle memo exceeds " + std::to_string(limits_.max_memo) + " entries");
    }
    memo_[key] = top;
  }
  void Get(uint64_t key) {
    auto it = memo_.find(key);
    if (it == memo_.end()) Fail("pickle memo has no entry " + std::to_string(key));
    Push(it->second);
  }

  PickleValue* Tuple(std::vector<PickleRef> items) {
    PickleValue* t = NewContainer(PickleKind::kTuple);
    t->body->items = std::move(items);
    return t;
  }

  void AddItems(PickleValue* target, std::vector<PickleRef> items, const char* op) {
    if (target->kind != PickleKind::kList && target->kind != PickleKind::kObject) {
      Fail(std::string(op) + " on a " + PickleKindName(target->kind));
    }
    auto& dest = target->body->items;
    dest.insert(dest.end(), items.begin(), items.end());
  }

  void AddEntries(PickleValue* target, const std::vector<PickleRef>& kv, const char* op) {
    if (target->kind != PickleKind::kDict && target->kind != PickleKind::kObject) {
      Fail(std::string(op) + " on a " + PickleKindName(target->kind));
    }
    if (kv.size() % 2 != 0) Fail(std::string(op) + " with an odd number of items");
    for (size_t i = 0; i < kv.size(); i += 2) target->body->entries.emplace_back(kv[i], kv[i + 1]);
  }

  // Framing and the stack: protocol, frames, marks, pop and dup. Returns false for other opcodes.
  bool StepStack(uint8_t op) {
    switch (op) {
      case kProto: {
        auto version = static_cast<uint8_t>(Take(1, "PROTO")[0]);
        if (version > kHighestProtocol) Fail("unsupported pickle protocol " + std::to_string(version));
        doc_->protocol_ = version;
        return true;
      }
      case kFrame: {
        uint64_t length = ReadUnsigned(8, "FRAME");
        if (length > data_.size() - pos_) {
          Fail("truncated pickle: FRAME of " + std::to_string(length) + " bytes, " +
               std::to_string(data_.size() - pos_) + " remain");
        }
        return true;
      }
      case kMark:
        if (marks_.size() >= limits_.max_mark_depth) {
          Fail("pickle nesting exceeds " + std::to_string(limits_.max_mark_depth) + " levels");
        }
        marks_.push_back(stack_.size());
        return true;
      case kPop:
        if (stack_.size() == Fence() && !marks_.empty()) {
          marks_.pop_back();  // as CPython: POP of an empty frame drops the MARK
        } else {
          Pop();
        }
        return true;
      case kPopMark:
        PopMark();
        return true;
      case kDup:
        Push(Top());
        return true;

      // --- constants and numbers
      default:
        return false;
    }
    return true;
  }

  // Scalars: None, booleans, integers and floats. Returns false for other opcodes.
  bool StepScalar(uint8_t op) {
    switch (op) {
      case kNone:
        Push(none_);
        return true;
      case kNewTrue:
        Push(true_);
        return true;
      case kNewFalse:
        Push(false_);
        return true;
      case kBinInt:
        Push(NewInt(static_cast<int32_t>(ReadUnsigned(4, "BININT"))));
        return true;
      case kBinInt1:
        Push(NewInt(static_cast<int64_t>(ReadUnsigned(1, "BININT1"))));
        return true;
      case kBinInt2:
        Push(NewInt(static_cast<int64_t>(ReadUnsigned(2, "BININT2"))));
        return true;
      case kLong1:
      case kLong4: {
        uint64_t n = op == kLong1 ? ReadUnsigned(1, "LONG1") : ReadUnsigned(4, "LONG4");
        if (op == kLong4 && n > 0x7FFFFFFF) Fail("LONG4 with a negative length");
        std::string_view bytes = Take(n, "LONG");
        if (n <= 8) {
          uint64_t u = 0;
          for (size_t i = n; i-- > 0;) u = (u << 8) | static_cast<unsigned char>(bytes[i]);
          if (n > 0 && n < 8 && (static_cast<unsigned char>(bytes[n - 1]) & 0x80) != 0) u |= ~uint64_t{0} << (8 * n);
          Push(NewInt(static_cast<int64_t>(u)));
        } else {
          Push(NewText(PickleKind::kBigInt, bytes));
        }
        return true;
      }
      case kBinFloat: {
        std::string_view bytes = Take(8, "BINFLOAT");
        uint64_t u = 0;
        for (char c : bytes) u = (u << 8) | static_cast<unsigned char>(c);  // big-endian
        PickleValue* f = NewValue(PickleKind::kFloat, op_offset_);
        f->real = std::bit_cast<double>(u);
        Push(f);
        return true;
      }

      // --- strings and bytes
      default:
        return false;
    }
    return true;
  }

  // Numbers written as text (protocol 0): INT, LONG, FLOAT. Returns false for other opcodes.
  bool StepTextNumber(uint8_t op) {
    switch (op) {
      case kInt: {
        std::string_view line = ReadLine("INT");
        if (line == "00" || line == "01") {
          Push(line == "01" ? true_ : false_);
        } else {
          Push(NewInt(ParseDecimal(line, "INT")));
        }
        return true;
      }
      case kLong: {
        std::string_view line = ReadLine("LONG");
        if (!line.empty() && line.back() == 'L') line.remove_suffix(1);
        int64_t v = 0;
        std::string_view digits = !line.empty() && line.front() == '+' ? line.substr(1) : line;
        if (core::ParseWhole(digits, v)) {
          Push(NewInt(v));
        } else {
          Push(BigIntFromDecimal(line));
        }
        return true;
      }
      case kFloat: {
        std::string_view line = ReadLine("FLOAT");
        double v = 0;
        auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), v);
        if ((ec != std::errc() && ec != std::errc::result_out_of_range) || end != line.data() + line.size()) {
          Fail("bad FLOAT value '" + std::string(line.substr(0, 40)) + "'");
        }
        PickleValue* f = NewValue(PickleKind::kFloat, op_offset_);
        f->real = v;
        Push(f);
        return true;
      }
      default:
        return false;
    }
    return true;
  }

  // Strings, bytes and buffers. Returns false for other opcodes.
  bool StepText(uint8_t op) {
    switch (op) {
      case kString:
        Push(Py2String(UnquoteString(ReadLine("STRING")), true));
        return true;
      case kBinString: {
        uint64_t n = ReadUnsigned(4, "BINSTRING");
        if (n > 0x7FFFFFFF) Fail("BINSTRING with a negative length");
        Push(Py2String(Take(n, "BINSTRING"), false));
        return true;
      }
      case kShortBinString:
        Push(Py2String(Take(ReadUnsigned(1, "SHORT_BINSTRING"), "SHORT_BINSTRING"), false));
        return true;
      case kUnicode:
        Push(NewOwnedText(PickleKind::kStr, RawUnicodeEscapeToUtf8(ReadLine("UNICODE"))));
        return true;
      case kShortBinUnicode:
        Push(NewText(PickleKind::kStr, Take(ReadUnsigned(1, "SHORT_BINUNICODE"), "SHORT_BINUNICODE")));
        return true;
      case kBinUnicode:
        Push(NewText(PickleKind::kStr, Take(ReadUnsigned(4, "BINUNICODE"), "BINUNICODE")));
        return true;
      case kBinUnicode8:
        Push(NewText(PickleKind::kStr, Take(ReadUnsigned(8, "BINUNICODE8"), "BINUNICODE8")));
        return true;
      case kShortBinBytes:
        Push(NewText(PickleKind::kBytes, Take(ReadUnsigned(1, "SHORT_BINBYTES"), "SHORT_BINBYTES")));
        return true;
      case kBinBytes:
        Push(NewText(PickleKind::kBytes, Take(ReadUnsigned(4, "BINBYTES"), "BINBYTES")));
        return true;
      case kBinBytes8:
        Push(NewText(PickleKind::kBytes, Take(ReadUnsigned(8, "BINBYTES8"), "BINBYTES8")));
        return true;
      case kByteArray8:
        Push(NewText(PickleKind::kByteArray, Take(ReadUnsigned(8, "BYTEARRAY8"), "BYTEARRAY8")));
        return true;
      case kNextBuffer:
        Fail("pickle uses out-of-band buffers (NEXT_BUFFER), which are not supported");
      case kReadOnlyBuffer:
        Top();
        return true;

      // --- containers
      default:
        return false;
    }
    return true;
  }

  // Tuples, lists, dicts and sets. Returns false for other opcodes.
  bool StepContainer(uint8_t op) {
    switch (op) {
      case kEmptyTuple:
        Push(Tuple({}));
        return true;
      case kTuple1: {
        PickleValue* a = Pop();
        Push(Tuple({a}));
        return true;
      }
      case kTuple2: {
        PickleValue* b = Pop();
        PickleValue* a = Pop();
        Push(Tuple({a, b}));
        return true;
      }
      case kTuple3: {
        PickleValue* c = Pop();
        PickleValue* b = Pop();
        PickleValue* a = Pop();
        Push(Tuple({a, b, c}));
        return true;
      }
      case kTuple:
        Push(Tuple(PopMark()));
        return true;
      case kEmptyList:
        Push(NewContainer(PickleKind::kList));
        return true;
      case kList: {
        PickleValue* list = NewContainer(PickleKind::kList);
        list->body->items = PopMark();
        Push(list);
        return true;
      }
      case kAppend: {
        PickleValue* item = Pop();
        AddItems(Top(), {item}, "APPEND");
        return true;
      }
      case kAppends: {
        std::vector<PickleRef> items = PopMark();
        AddItems(Top(), std::move(items), "APPENDS");
        return true;
      }
      default:
        return false;
    }
    return true;
  }

  // Dicts and sets. Returns false for other opcodes.
  bool StepDictSet(uint8_t op) {
    switch (op) {
      case kEmptyDict:
        Push(NewContainer(PickleKind::kDict));
        return true;
      case kDict: {
        std::vector<PickleRef> kv = PopMark();
        PickleValue* dict = NewContainer(PickleKind::kDict);
        AddEntries(dict, kv, "DICT");
        Push(dict);
        return true;
      }
      case kSetItem: {
        PickleValue* value = Pop();
        PickleValue* key = Pop();
        AddEntries(Top(), {key, value}, "SETITEM");
        return true;
      }
      case kSetItems: {
        std::vector<PickleRef> kv = PopMark();
        AddEntries(Top(), kv, "SETITEMS");
        return true;
      }
      case kEmptySet:
        Push(NewContainer(PickleKind::kSet));
        return true;
      case kAddItems: {
        std::vector<PickleRef> items = PopMark();
        PickleValue* set = Top();
        if (set->kind != PickleKind::kSet) Fail(std::string("ADDITEMS on a ") + PickleKindName(set->kind));
        set->body->items.insert(set->body->items.end(), items.begin(), items.end());
        return true;
      }
      case kFrozenSet: {
        PickleValue* set = NewContainer(PickleKind::kFrozenSet);
        set->body->items = PopMark();
        Push(set);
        return true;
      }

      // --- memo
      default:
        return false;
    }
    return true;
  }

  // The memo: put and get. Returns false for other opcodes.
  bool StepMemo(uint8_t op) {
    switch (op) {
      case kPut:
        Put(static_cast<uint64_t>(ParseDecimal(ReadLine("PUT"), "PUT")));
        return true;
      case kBinPut:
        Put(ReadUnsigned(1, "BINPUT"));
        return true;
      case kLongBinPut:
        Put(ReadUnsigned(4, "LONG_BINPUT"));
        return true;
      case kMemoize:
        Put(memo_.size());
        return true;
      case kGet:
        Get(static_cast<uint64_t>(ParseDecimal(ReadLine("GET"), "GET")));
        return true;
      case kBinGet:
        Get(ReadUnsigned(1, "BINGET"));
        return true;
      case kLongBinGet:
        Get(ReadUnsigned(4, "LONG_BINGET"));
        return true;

      // --- globals and objects
      default:
        return false;
    }
    return true;
  }

  // Globals and objects: global, inst, obj, reduce, newobj, build. Returns false for other opcodes.
  bool StepObject(uint8_t op) {
    switch (op) {
      case kGlobal: {
        std::string_view module = ReadLine("GLOBAL");
        std::string_view name = ReadLine("GLOBAL");
        Push(ResolveGlobal(module, name));
        return true;
      }
      case kStackGlobal: {
        PickleValue* name = Pop();
        PickleValue* module = Pop();
        if (module->kind != PickleKind::kStr || name->kind != PickleKind::kStr) {
          Fail("STACK_GLOBAL needs two strings");
        }
        Push(ResolveGlobal(module->text, name->text));
        return true;
      }
      case kInst: {
        std::string_view module = ReadLine("INST");
        std::string_view name = ReadLine("INST");
        PickleValue* cls = ResolveGlobal(module, name);
        Push(Call(cls, PopMark()));
        return true;
      }
      case kObj: {
        std::vector<PickleRef> items = PopMark();
        if (items.empty()) Fail("OBJ without a class");
        PickleRef cls = items.front();
        Push(Call(cls, std::vector<PickleRef>(items.begin() + 1, items.end())));
        return true;
      }
      case kReduce: {
        PickleValue* args = Pop();
        PickleValue* callable = Pop();
        if (args->kind != PickleKind::kTuple) Fail("REDUCE arguments are not a tuple");
        Push(Call(callable, args->body->items));
        return true;
      }
      case kNewObj: {
        PickleValue* args = Pop();
        PickleValue* cls = Pop();
        if (cls->kind != PickleKind::kGlobal) Fail("NEWOBJ on something that is not an allowed class");
        if (args->kind != PickleKind::kTuple) Fail("NEWOBJ arguments are not a tuple");
        Push(NewObject(cls, args->body->items, nullptr));
        return true;
      }
      case kNewObjEx: {
        PickleValue* kwargs = Pop();
        PickleValue* args = Pop();
        PickleValue* cls = Pop();
        if (cls->kind != PickleKind::kGlobal) Fail("NEWOBJ_EX on something that is not an allowed class");
        if (args->kind != PickleKind::kTuple || kwargs->kind != PickleKind::kDict) {
          Fail("NEWOBJ_EX needs a tuple and a dict");
        }
        Push(NewObject(cls, args->body->items, kwargs));
        return true;
      }
      case kBuild: {
        PickleValue* state = Pop();
        PickleValue* target = Top();
        if (target->kind != PickleKind::kObject) Fail(std::string("BUILD on a ") + PickleKindName(target->kind));
        target->body->state = state;
        return true;
      }
      default:
        return false;
    }
    return true;
  }

  void Step(uint8_t op) {
    if (StepStack(op) || StepScalar(op) || StepTextNumber(op) || StepText(op) || StepContainer(op) || StepDictSet(op) ||
        StepMemo(op) || StepObject(op)) {
      return;
    }
    switch (op) {
      case kPersId:
      case kBinPersId:
        Fail("pickle uses persistent IDs, which are not supported");
      case kExt1:
      case kExt2:
      case kExt4:
        Fail("pickle uses the copyreg extension registry, which is not supported");
      default: {
        static const char* kHex = "0123456789abcdef";
        Fail(std::string("unknown pickle opcode 0x") + kHex[op >> 4] + kHex[op & 15]);
      }
    }
  }

  std::shared_ptr<PickleDocument> doc_;
  const PickleAllowList& allow_;
  PickleLimits limits_;
  std::string_view data_;
  size_t pos_ = 0;
  size_t op_offset_ = 0;
  std::vector<PickleValue*> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint64_t, PickleValue*> memo_;
  PickleValue* none_;
  PickleValue* true_;
  PickleValue* false_;
};

std::shared_ptr<const PickleDocument> RunPickle(std::shared_ptr<const FileBuffer> file, const PickleAllowList& allow,
                                                const PickleLimits& limits) {
  PickleMachine machine(std::move(file), allow, limits);
  return machine.Run();
}

// ---------------------------------------------------------------------------
// Debug rendering

namespace {

constexpr size_t kRenderMaxItems = 8;
constexpr size_t kRenderMaxText = 40;

void Render(PickleRef v, int depth, std::string& out);

// A string or bytes value as Python would show it, cut after kRenderMaxText bytes.
void RenderQuoted(std::string_view prefix, std::string_view text, std::string& out) {
  out += prefix;
  out += '\'';
  for (char c : text.substr(0, kRenderMaxText)) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7F || c == '\'' || c == '\\') {
      static const char* kHex = "0123456789abcdef";
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  if (text.size() > kRenderMaxText) out += "...(" + std::to_string(text.size()) + " bytes)";
  out += '\'';
}

// The first kRenderMaxItems of `items` between `open` and `close`, each to `depth`.
void RenderSequence(const std::vector<PickleRef>& items, char open, char close, int depth, std::string& out) {
  out += open;
  for (size_t i = 0; i < items.size() && i < kRenderMaxItems; ++i) {
    if (i > 0) out += ", ";
    Render(items[i], depth, out);
  }
  if (items.size() > kRenderMaxItems) out += ", ...(" + std::to_string(items.size()) + " items)";
  out += close;
}

// The first kRenderMaxItems entries of a dict, keys and values to `depth`.
void RenderDict(PickleRef v, int depth, std::string& out) {
  out += '{';
  const auto& entries = v->body->entries;
  for (size_t i = 0; i < entries.size() && i < kRenderMaxItems; ++i) {
    if (i > 0) out += ", ";
    Render(entries[i].first, depth, out);
    out += ": ";
    Render(entries[i].second, depth, out);
  }
  if (entries.size() > kRenderMaxItems) out += ", ...(" + std::to_string(entries.size()) + " entries)";
  out += '}';
}

// An object: its type, constructor arguments, kwargs, state and items, to `depth`.
void RenderObject(PickleRef v, int depth, std::string& out) {
  out += v->TypeName();
  RenderSequence(v->body->args->body->items, '(', ')', depth, out);
  if (v->body->kwargs != nullptr) {
    out += " kwargs=";
    Render(v->body->kwargs, depth, out);
  }
  if (v->body->state != nullptr) {
    out += " state=";
    Render(v->body->state, depth, out);
  }
  if (!v->body->items.empty()) {
    out += " items=";
    RenderSequence(v->body->items, '[', ']', depth, out);
  }
}

// A value without parts (None, numbers, strings, globals); false for containers.
bool RenderScalar(PickleRef v, std::string& out) {
  switch (v->kind) {
    case PickleKind::kNone:
      out += "None";
      return true;
    case PickleKind::kBool:
      out += v->boolean ? "True" : "False";
      return true;
    case PickleKind::kInt:
      out += std::to_string(v->integer);
      return true;
    case PickleKind::kBigInt:
      out += "<" + std::to_string(v->text.size()) + "-byte int>";
      return true;
    case PickleKind::kFloat: {
      char buf[32];
      auto res = std::to_chars(buf, buf + sizeof buf, v->real);
      out.append(buf, res.ptr);
      return true;
    }
    case PickleKind::kStr:
      RenderQuoted("", v->text, out);
      return true;
    case PickleKind::kBytes:
      RenderQuoted("b", v->text, out);
      return true;
    case PickleKind::kByteArray:
      RenderQuoted("bytearray(b", v->text, out);
      out += ')';
      return true;
    case PickleKind::kGlobal:
      out += v->TypeName();
      return true;
    default:
      return false;
  }
}

// A container, its parts to `depth` - 1.
void RenderContainer(PickleRef v, int depth, std::string& out) {
  switch (v->kind) {
    case PickleKind::kTuple:
      RenderSequence(v->body->items, '(', ')', depth - 1, out);
      return;
    case PickleKind::kList:
      RenderSequence(v->body->items, '[', ']', depth - 1, out);
      return;
    case PickleKind::kSet:
      RenderSequence(v->body->items, '{', '}', depth - 1, out);
      return;
    case PickleKind::kFrozenSet:
      out += "frozenset";
      RenderSequence(v->body->items, '{', '}', depth - 1, out);
      return;
    case PickleKind::kDict:
      RenderDict(v, depth - 1, out);
      return;
    case PickleKind::kObject:
      RenderObject(v, depth - 1, out);
      return;
    default:
      return;
  }
}

void Render(PickleRef v, int depth, std::string& out) {
  if (out.size() > 4000) {
    out += "...";
    return;
  }
  if (RenderScalar(v, out)) return;
  if (depth <= 0) {
    out += "<";
    out += v->kind == PickleKind::kObject ? v->TypeName() : PickleKindName(v->kind);
    out += ">";
    return;
  }
  RenderContainer(v, depth, out);
}

}  // namespace

std::string PickleDebugString(PickleRef value, int max_depth) {
  std::string out;
  if (value == nullptr) return "<null>";
  Render(value, max_depth, out);
  return out;
}

}  // namespace botrecon::io
