// A safe Python pickle virtual machine: it decodes every opcode of protocols
// 0-5 that data-only pickles use into a tree of plain values and NEVER
// executes anything. Where Python's unpickler would import and call a global
// (GLOBAL, STACK_GLOBAL, INST, OBJ, REDUCE, NEWOBJ, NEWOBJ_EX, BUILD), this VM
// only records what would have happened, as an Object value:
//   Object{class: module.name, args, kwargs, state, appended items, set items}.
// A global is resolved only if the caller's allow-list names it exactly
// (module and qualified name compared separately, so "a.b"+"c" never matches
// "a"+"b.c"); anything else throws core::InputError naming it and the offset:
//   "x.pkl: pickle refers to os.system, which is not allowed (offset 12)".
//
// A handful of allowed helpers that only rebuild plain data are evaluated by
// the VM itself (no Python involved), so consumers see the data directly
// (each still has to be on the allow-list; PickleAllowList::DataBasics has them):
//   copyreg._reconstructor(cls, base, state) -> Object{class: cls, args: () or (state,)}
//   copyreg.__newobj__(cls, *args)          -> Object{class: cls, args}
//   copyreg.__newobj_ex__(cls, args, kw)     -> Object{class: cls, args, kwargs}
//   _codecs.encode(str, "latin1")            -> Bytes (how protocols 0-2 store bytes)
//   builtins.bytes(), bytearray(...), set(list), frozenset(list)
//   functools.partial(f, *a, **kw)(*b)       -> what f(*a, *b, **kw) records
// Python 2 module names are mapped as Python's unpickler maps them
// (__builtin__ -> builtins, copy_reg -> copyreg) before the allow-list check.
//
// Values live in an arena owned by PickleDocument; children are plain
// pointers, so shared and even cyclic references (legal in pickles) cost
// nothing and leak nothing. Code that walks the tree must bound its own depth.
#pragma once
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "io/input.h"

namespace botrecon::io {

enum class PickleKind : uint8_t {
  kNone,
  kBool,
  kInt,     // fits in int64
  kBigInt,  // larger integers: `text` holds little-endian two's-complement bytes
  kFloat,
  kStr,  // `text` is UTF-8 (Python 2 str pickles that are pure ASCII land here too)
  kBytes,
  kByteArray,
  kTuple,
  kList,
  kDict,
  kSet,
  kFrozenSet,
  kGlobal,  // a reference to an allowed class or function: `text` = module, `name`
  kObject,  // what calling/constructing a global would have produced
};

struct PickleValue;
using PickleRef = const PickleValue*;

// The parts of a container or object value.
struct PickleBody {
  std::vector<PickleRef> items;                          // tuple/list/set items; object: APPEND(S)
  std::vector<std::pair<PickleRef, PickleRef>> entries;  // dict entries; object: SETITEM(S)
  PickleRef callable = nullptr;                          // object: the kGlobal called or constructed
  PickleRef args = nullptr;                              // object: a kTuple of positional args
  PickleRef kwargs = nullptr;                            // object: a kDict (NEWOBJ_EX) or nullptr
  PickleRef state = nullptr;                             // object: BUILD argument or nullptr
};

struct PickleValue {
  PickleKind kind = PickleKind::kNone;
  bool boolean = false;
  int64_t integer = 0;
  double real = 0;
  std::string_view text;       // str, bytes, bytearray, bigint; global: module
  std::string_view name;       // global: qualified name
  PickleBody* body = nullptr;  // tuple, list, dict, set, frozenset, object
  uint64_t offset = 0;         // offset of the opcode that made it (for messages)

  bool IsNone() const { return kind == PickleKind::kNone; }
  bool IsString() const { return kind == PickleKind::kStr; }
  bool IsSequence() const { return kind == PickleKind::kTuple || kind == PickleKind::kList; }
  bool IsObject() const { return kind == PickleKind::kObject; }
  bool IsGlobal(std::string_view module, std::string_view qualname) const {
    return kind == PickleKind::kGlobal && text == module && name == qualname;
  }
  // Object whose class (or called function) is module.qualname.
  bool IsObjectOf(std::string_view module, std::string_view qualname) const {
    return kind == PickleKind::kObject && body->callable->IsGlobal(module, qualname);
  }
  // "module.name" for a global or an object's class; a kind name otherwise.
  std::string TypeName() const;
  // Items of a tuple/list/set, the APPENDed items of an object (empty otherwise).
  const std::vector<PickleRef>& Items() const;
  // An object's positional args (empty otherwise).
  const std::vector<PickleRef>& Args() const;
  // Dict (or object SETITEM(S)) lookup by string key; the last match wins, as in Python.
  PickleRef Find(std::string_view key) const;
};

const char* PickleKindName(PickleKind kind);

// Globals a pickle may refer to.
class PickleAllowList {
 public:
  PickleAllowList& Allow(std::string_view module, std::string_view qualname);
  bool Allows(std::string_view module, std::string_view qualname) const;
  // The helpers that plain data (bytes on old protocols, sets, bytearrays,
  // objects pickled with copyreg) needs; see the list in pickle_vm.cc.
  static PickleAllowList DataBasics();
  // Every entry as "module.qualname", sorted (for documentation and tests).
  std::vector<std::string> Entries() const;

 private:
  std::unordered_set<std::string> keys_;  // module + '\n' + qualname
};

struct PickleLimits {
  // Nesting of MARKs (tuples/lists/dicts being built at once).
  size_t max_mark_depth = 1000;
  // Entries in the memo (PUT/MEMOIZE).
  size_t max_memo = size_t{1} << 26;
  // Values on the stack at once.
  size_t max_stack = size_t{1} << 26;
  // Values created in all (each opcode makes at most one, ~70 bytes; containers
  // ~80 more). Memory grows with the input only through opcodes actually present.
  size_t max_values = size_t{1} << 27;
};

// The decoded tree and the storage behind it. Views in the values point into
// the input file (kept alive here) or into owned_ strings.
class PickleDocument {
 public:
  PickleRef root() const { return root_; }
  int protocol() const { return protocol_; }
  const std::shared_ptr<const FileBuffer>& file() const { return file_; }
  const std::string& source_name() const { return file_->name(); }

 private:
  friend class PickleMachine;
  std::shared_ptr<const FileBuffer> file_;
  std::deque<PickleValue> values_;
  std::deque<PickleBody> bodies_;
  std::deque<std::string> owned_;
  PickleRef root_ = nullptr;
  int protocol_ = 0;
};

// Runs the pickle in `file` (up to its STOP opcode) and returns the tree.
// Throws core::InputError("NAME: what (offset N)") on a damaged pickle or a
// global outside `allow`.
std::shared_ptr<const PickleDocument> RunPickle(std::shared_ptr<const FileBuffer> file, const PickleAllowList& allow,
                                                const PickleLimits& limits = {});

// Debug rendering of a value, e.g. "numpy.dtype('f8', False, True) state=(3, '<', ...)".
// Depth and length are bounded, so cycles and huge arrays are safe.
std::string PickleDebugString(PickleRef value, int max_depth = 6);

}  // namespace botrecon::io
