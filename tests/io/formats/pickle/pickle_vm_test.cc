#include "io/formats/pickle/pickle_vm.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "core/error.h"
#include "io/formats.h"
#include "io/formats/pickle/pickle_numpy.h"

namespace botrecon::io {
namespace {

using namespace std::string_literals;

std::shared_ptr<const PickleDocument> RunBytes(const std::string& bytes,
                                               const PickleAllowList& allow = PickleAllowList::DataBasics(),
                                               const PickleLimits& limits = {}) {
  return RunPickle(FileBuffer::FromString("t.pkl", bytes), allow, limits);
}

std::string ErrorOf(const std::string& bytes, const PickleAllowList& allow = PickleAllowList::DataBasics(),
                    const PickleLimits& limits = {}) {
  try {
    RunBytes(bytes, allow, limits);
  } catch (const core::InputError& e) {
    return e.what();
  }
  return "no error";
}

// SHORT_BINUNICODE of `s` (protocol 4+).
std::string U(const std::string& s) { return "\x8c"s + static_cast<char>(s.size()) + s; }
// STACK_GLOBAL module.name (protocol 4+).
std::string SG(const std::string& module, const std::string& name) { return U(module) + U(name) + "\x93"; }

// ---------------------------------------------------------------------------
// Opcodes

TEST(PickleVm, Protocol0TextOpcodes) {
  // [1, 2.5, "a'b\n", u"é\\", True, False, 12345678901234567890, -7, "x"]
  auto doc = RunBytes(
      "(lp0\nI1\naF2.5\naS'a\\'b\\n'\np1\naV\\u00e9\\u005c\np2\naI01\naI00\naL12345678901234567890L\naL-7L\nag1\na.");
  PickleRef root = doc->root();
  ASSERT_EQ(root->kind, PickleKind::kList);
  const auto& items = root->Items();
  ASSERT_EQ(items.size(), 9u);
  EXPECT_EQ(items[0]->integer, 1);
  EXPECT_EQ(items[1]->real, 2.5);
  EXPECT_EQ(items[2]->kind, PickleKind::kStr);
  EXPECT_EQ(items[2]->text, "a'b\n");
  EXPECT_EQ(items[3]->text, "\xc3\xa9\\");
  EXPECT_EQ(items[4]->kind, PickleKind::kBool);
  EXPECT_TRUE(items[4]->boolean);
  EXPECT_FALSE(items[5]->boolean);
  EXPECT_EQ(items[6]->kind, PickleKind::kBigInt);
  EXPECT_EQ(items[6]->text, "\xd2\x0a\x1f\xeb\x8c\xa9\x54\xab\x00"s);  // 12345678901234567890 little-endian + sign byte
  EXPECT_EQ(items[7]->integer, -7);
  EXPECT_EQ(items[8], items[2]);  // g1: the memoized object itself
  EXPECT_EQ(doc->protocol(), 0);
}

TEST(PickleVm, Protocol0DictTupleAndPopMark) {
  auto doc = RunBytes("(dp0\nS'k'\n(I1\nI2\ntsS'gone'\n0(I9\n1S'v'\nN20s.");
  PickleRef root = doc->root();
  ASSERT_EQ(root->kind, PickleKind::kDict);
  ASSERT_EQ(root->body->entries.size(), 2u);
  PickleRef k = root->Find("k");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->kind, PickleKind::kTuple);
  EXPECT_EQ(k->Items().size(), 2u);
  // SETITEM with key 'v' and value None (after DUP and POP).
  EXPECT_TRUE(root->Find("v")->IsNone());
}

TEST(PickleVm, Protocol1And2Binary) {
  // protocol 2: (BININT1 5, BININT2 300, BININT -2, LONG1 -129, LONG1 2^64 (9 bytes), BINFLOAT -0.5, NEWTRUE, NONE)
  std::string p = "\x80\x02("s + "K\x05" + "M\x2c\x01" + "J\xfe\xff\xff\xff" + "\x8a\x02\x7f\xff" +
                  "\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00\x01"s + "G\xbf\xe0\x00\x00\x00\x00\x00\x00"s + "\x88N" +
                  "T\x03\x00\x00\x00"
                  "abc"s +
                  "U\x02\xff\xfe" + "t.";
  auto doc = RunBytes(p);
  const auto& t = doc->root()->Items();
  ASSERT_EQ(t.size(), 10u);
  EXPECT_EQ(t[0]->integer, 5);
  EXPECT_EQ(t[1]->integer, 300);
  EXPECT_EQ(t[2]->integer, -2);
  EXPECT_EQ(t[3]->integer, -129);
  EXPECT_EQ(t[4]->kind, PickleKind::kBigInt);
  EXPECT_EQ(t[4]->text.size(), 9u);
  EXPECT_EQ(t[5]->real, -0.5);
  EXPECT_TRUE(t[6]->boolean);
  EXPECT_TRUE(t[7]->IsNone());
  EXPECT_EQ(t[8]->kind, PickleKind::kStr);    // Python 2 str, ASCII
  EXPECT_EQ(t[9]->kind, PickleKind::kBytes);  // Python 2 str, not ASCII
  EXPECT_EQ(doc->protocol(), 2);
}

TEST(PickleVm, Protocol3To5BytesAndStrings) {
  std::string p = "\x80\x05\x95\x38\x00\x00\x00\x00\x00\x00\x00("s + "C\x02hi" + "B\x01\x00\x00\x00z"s +
                  "\x8e\x01\x00\x00\x00\x00\x00\x00\x00y"s + "\x96\x02\x00\x00\x00\x00\x00\x00\x00\x00\x01"s + "\x98" +
                  "X\x02\x00\x00\x00\xc3\xa9"s + "\x8d\x01\x00\x00\x00\x00\x00\x00\x00q"s + U("s") + "\x94t.";
  auto doc = RunBytes(p);
  const auto& t = doc->root()->Items();
  ASSERT_EQ(t.size(), 7u);
  EXPECT_EQ(t[0]->kind, PickleKind::kBytes);
  EXPECT_EQ(t[0]->text, "hi");
  EXPECT_EQ(t[1]->text, "z");
  EXPECT_EQ(t[2]->text, "y");
  EXPECT_EQ(t[3]->kind, PickleKind::kByteArray);
  EXPECT_EQ(t[3]->text, "\x00\x01"s);
  EXPECT_EQ(t[4]->text, "\xc3\xa9");
  EXPECT_EQ(t[5]->text, "q");
  EXPECT_EQ(t[6]->text, "s");
}

TEST(PickleVm, SetsFrozensetsAndNewObjEx) {
  std::string p = "\x80\x04\x8f(K\x01K\x02\x90(K\x03\x91" + SG("copyreg", "__newobj__") + ")}\x92\x87.";
  PickleAllowList allow = PickleAllowList::DataBasics();
  auto doc = RunBytes(p, allow);
  const auto& t = doc->root()->Items();
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0]->kind, PickleKind::kSet);
  EXPECT_EQ(t[0]->Items().size(), 2u);
  EXPECT_EQ(t[1]->kind, PickleKind::kFrozenSet);
  EXPECT_EQ(t[2]->kind, PickleKind::kObject);  // NEWOBJ_EX(copyreg.__newobj__, (), {}) recorded, not run
  EXPECT_TRUE(t[2]->IsObjectOf("copyreg", "__newobj__"));
  EXPECT_NE(t[2]->body->kwargs, nullptr);
}

TEST(PickleVm, MemoSharingAndCycles) {
  // L = []; L.append(L); (L, L) -- cyclic and shared; MEMOIZE, BINPUT, LONG_BINPUT, BINGET, LONG_BINGET.
  std::string p = "\x80\x04]\x94h\x00\x61q\x05r\x07\x00\x00\x00h\x05j\x07\x00\x00\x00\x86."s;
  auto doc = RunBytes(p);
  PickleRef pair = doc->root();
  ASSERT_EQ(pair->kind, PickleKind::kTuple);
  PickleRef list = pair->Items()[0];
  EXPECT_EQ(pair->Items()[1], list);
  EXPECT_EQ(list->Items().at(0), list);
  std::string debug = PickleDebugString(pair);
  EXPECT_LT(debug.size(), 200u);  // bounded despite the cycle
  EXPECT_NE(debug.find("[[[[["), std::string::npos);
}

TEST(PickleVm, DataHelpersAreEvaluatedNotCalled) {
  // Protocol 2 bytes: _codecs.encode(u'\xff\x00A', 'latin1'); bytearray(b'xy'); set([1]); frozenset([]);
  // copyreg._reconstructor(cls, object, None); __builtin__ mapped to builtins on protocol 2.
  PickleAllowList allow = PickleAllowList::DataBasics();
  allow.Allow("numpy", "dtype");
  std::string p =
      "\x80\x02(c_codecs\nencode\nX\x04\x00\x00\x00\xc3\xbf\x00"
      "AX\x06\x00\x00\x00latin1\x86R"s +
      "c__builtin__\nbytearray\nC\x02xy\x85R" + "c__builtin__\nset\n]K\x01\x61\x85R" +
      "c__builtin__\nfrozenset\n]\x85R" + "ccopy_reg\n_reconstructor\ncnumpy\ndtype\nc__builtin__\nobject\nN\x87R" +
      "t.";
  auto doc = RunBytes(p, allow);
  const auto& t = doc->root()->Items();
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t[0]->kind, PickleKind::kBytes);
  EXPECT_EQ(t[0]->text,
            "\xff\x00"
            "A"s);
  EXPECT_EQ(t[1]->kind, PickleKind::kByteArray);
  EXPECT_EQ(t[1]->text, "xy");
  EXPECT_EQ(t[2]->kind, PickleKind::kSet);
  EXPECT_EQ(t[2]->Items().size(), 1u);
  EXPECT_EQ(t[3]->kind, PickleKind::kFrozenSet);
  EXPECT_TRUE(t[4]->IsObjectOf("numpy", "dtype"));
  EXPECT_TRUE(t[4]->Args().empty());
}

TEST(PickleVm, PartialCallsAreFlattened) {
  // partial(numpy.dtype, 'f8', align=False)(True) -> Object numpy.dtype('f8', True) with kwargs {align: False}.
  PickleAllowList allow = PickleAllowList::DataBasics();
  allow.Allow("numpy", "dtype");
  std::string p = "\x80\x04" + SG("functools", "partial") + SG("numpy", "dtype") + "\x85R(" + SG("numpy", "dtype") +
                  U("f8") + "\x85}" + U("align") + "\x89sNtb\x88\x85R.";
  auto doc = RunBytes(p, allow);
  PickleRef obj = doc->root();
  ASSERT_TRUE(obj->IsObjectOf("numpy", "dtype")) << PickleDebugString(obj);
  ASSERT_EQ(obj->Args().size(), 2u);
  EXPECT_EQ(obj->Args()[0]->text, "f8");
  EXPECT_TRUE(obj->Args()[1]->boolean);
  ASSERT_NE(obj->body->kwargs, nullptr);
  EXPECT_FALSE(obj->body->kwargs->Find("align")->boolean);
}

TEST(PickleVm, ObjectsRecordArgsStateAndItems) {
  PickleAllowList allow = PickleAllowList::DataBasics();
  allow.Allow("collections", "OrderedDict");
  std::string p = "\x80\x04" + SG("collections", "OrderedDict") + ")R(" + U("a") + "K\x01u" + "}" + U("x") + "K\x02sb.";
  auto doc = RunBytes(p, allow);
  PickleRef obj = doc->root();
  EXPECT_EQ(obj->TypeName(), "collections.OrderedDict");
  EXPECT_EQ(obj->Find("a")->integer, 1);
  EXPECT_EQ(obj->body->state->Find("x")->integer, 2);
  EXPECT_EQ(PickleDebugString(obj), "collections.OrderedDict() state={'x': 2}");
}

TEST(PickleVm, NumpyArraysBothForms) {
  PickleAllowList allow = PickleAllowList::DataBasics();
  AllowNumpyArrays(allow);
  // _frombuffer(bytearray(<2 x big-endian int16>), dtype('i2') with '>' byte order, (2,), 'C')
  std::string dtype =
      SG("numpy", "dtype") + U("i2") + "\x89\x88\x87R(K\x03" + U(">") + "NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb"s;
  std::string p = "\x80\x05" + SG("numpy.core.numeric", "_frombuffer") +
                  "(\x96\x04\x00\x00\x00\x00\x00\x00\x00\x01\x02\xff\xfe"s + dtype + "K\x02\x85" + U("C") + "tR.";
  auto doc = RunBytes(p, allow);
  NumpyArray a = ReadNumpyArray(doc->root(), "t.pkl", "array");
  EXPECT_EQ(a.size, 2u);
  EXPECT_TRUE(a.dtype.big_endian);
  EXPECT_EQ(a.NumberAt(0), 258);
  EXPECT_EQ(a.NumberAt(1), -2);
  // Lying shape: 3 elements of 2 bytes need 6 bytes, 4 given.
  std::string bad = p;
  bad.replace(bad.find("K\x02\x85"), 3, "K\x03\x85");
  auto bad_doc = RunBytes(bad, allow);
  try {
    ReadNumpyArray(bad_doc->root(), "t.pkl", "array");
    ADD_FAILURE();
  } catch (const core::InputError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(
                  "t.pkl: array: numpy array data has 4 bytes, shape and dtype 'i2' need 6 (offset ", 0),
              0u)
        << e.what();
  }
}

// ---------------------------------------------------------------------------
// Damage and limits

TEST(PickleVm, DamageMessages) {
  EXPECT_EQ(ErrorOf(""), "t.pkl: empty pickle (offset 0)");
  EXPECT_EQ(ErrorOf("\x80\x04K"), "t.pkl: truncated pickle: BININT1 needs 1 bytes, 0 remain (offset 2)");
  EXPECT_EQ(ErrorOf("\x80\x04N"), "t.pkl: truncated pickle: no STOP opcode before the end (offset 2)");
  EXPECT_EQ(ErrorOf("\x80\x04X\xff\xff\xff\x7f"
                    "ab."),
            "t.pkl: truncated pickle: BINUNICODE needs 2147483647 bytes, 3 remain (offset 2)");
  EXPECT_EQ(ErrorOf("\x80\x04\x8e\xff\xff\xff\xff\xff\xff\xff\xff."),
            "t.pkl: truncated pickle: BINBYTES8 needs 18446744073709551615 bytes, 1 remain (offset 2)");
  EXPECT_EQ(ErrorOf("\x80\x04\x95\x00\x00\x00\x00\x00\x00\x01\x00N."s),
            "t.pkl: truncated pickle: FRAME of 281474976710656 bytes, 2 remain (offset 2)");
  EXPECT_EQ(ErrorOf("\x80\x04."), "t.pkl: pickle stack underflow (offset 2)");
  EXPECT_EQ(ErrorOf("\x80\x04(N\x86."), "t.pkl: pickle stack underflow (offset 4)");  // TUPLE2 across a MARK
  EXPECT_EQ(ErrorOf("\x80\x04Ne."), "t.pkl: pickle has no MARK where one is needed (offset 3)");
  EXPECT_EQ(ErrorOf("\x80\x04h\x05."), "t.pkl: pickle memo has no entry 5 (offset 2)");
  EXPECT_EQ(ErrorOf("\x80\x04}N\x61."), "t.pkl: APPEND on a dict (offset 4)");
  EXPECT_EQ(ErrorOf("\x80\x04]N\x62."), "t.pkl: BUILD on a list (offset 4)");
  EXPECT_EQ(ErrorOf("\x80\x04}(Nu."), "t.pkl: SETITEMS with an odd number of items (offset 5)");
  EXPECT_EQ(ErrorOf("\x80\x04\xff."), "t.pkl: unknown pickle opcode 0xff (offset 2)");
  EXPECT_EQ(ErrorOf("\x80\x05\x97."),
            "t.pkl: pickle uses out-of-band buffers (NEXT_BUFFER), which are not supported (offset 2)");
  EXPECT_EQ(ErrorOf("\x80\x02\x82\x01."),
            "t.pkl: pickle uses the copyreg extension registry, which is not supported (offset 2)");
  EXPECT_EQ(ErrorOf("\x80\x02Q."), "t.pkl: pickle uses persistent IDs, which are not supported (offset 2)");
  EXPECT_EQ(ErrorOf("I12x\n."), "t.pkl: bad INT value '12x' (offset 0)");
  EXPECT_EQ(ErrorOf("I99999999999999999999\n."), "t.pkl: INT value out of the 64-bit range (offset 0)");
  EXPECT_EQ(ErrorOf("S'abc\n."), "t.pkl: STRING opcode argument is not a quoted string (offset 0)");
  EXPECT_EQ(ErrorOf("Vab\\u12\n."), "t.pkl: truncated \\u escape in UNICODE (offset 0)");
  EXPECT_EQ(ErrorOf("Fnotanumber\n."), "t.pkl: bad FLOAT value 'notanumber' (offset 0)");
  EXPECT_EQ(ErrorOf("cos"), "t.pkl: truncated pickle: GLOBAL has no end of line (offset 0)");
  EXPECT_EQ(ErrorOf("\x80\x04K\x01K\x02\x93."), "t.pkl: STACK_GLOBAL needs two strings (offset 6)");
  EXPECT_EQ(ErrorOf("\x80\x04K\x01)R."),
            "t.pkl: pickle calls a value of type int; only allowed globals may be called (offset 5)");
  EXPECT_EQ(ErrorOf("\x80\x04K\x01K\x02R."), "t.pkl: REDUCE arguments are not a tuple (offset 6)");
}

TEST(PickleVm, Limits) {
  PickleLimits limits;
  limits.max_mark_depth = 3;
  limits.max_memo = 2;
  limits.max_stack = 4;
  EXPECT_EQ(ErrorOf("\x80\x04((((t.", PickleAllowList::DataBasics(), limits),
            "t.pkl: pickle nesting exceeds 3 levels (offset 5)");
  EXPECT_EQ(ErrorOf("\x80\x04N\x94\x94N\x94.", PickleAllowList::DataBasics(), limits),
            "t.pkl: pickle memo exceeds 2 entries (offset 6)");
  EXPECT_EQ(ErrorOf("\x80\x04NNNNN.", PickleAllowList::DataBasics(), limits),
            "t.pkl: pickle stack exceeds 4 values (offset 6)");
  PickleLimits few_values;
  few_values.max_values = 5;  // 3 are the shared None/True/False
  EXPECT_EQ(ErrorOf("\x80\x04K\x01K\x02K\x03.", PickleAllowList::DataBasics(), few_values),
            "t.pkl: pickle makes more than 5 values (offset 6)");
  // Default limits: deep MARK nesting stops at 1000.
  EXPECT_EQ(ErrorOf("\x80\x04" + std::string(2000, '(')), "t.pkl: pickle nesting exceeds 1000 levels (offset 1002)");
}

// ---------------------------------------------------------------------------
// Malicious pickles: every way of naming a forbidden callable is rejected,
// with the name in the message, before anything could run.

struct Evil {
  const char* what;
  std::string bytes;
  std::string message;
};

std::vector<Evil> EvilPickles(const std::string& path) {
  std::string cmd = "touch " + path;
  auto bu = [](const std::string& s) {  // BINUNICODE
    uint32_t n = static_cast<uint32_t>(s.size());
    return "X"s + std::string(reinterpret_cast<const char*>(&n), 4) + s;
  };
  return {
      {"GLOBAL os.system (protocol 0)", "cos\nsystem\n(S'" + cmd + "'\ntR.",
       "pickle refers to os.system, which is not allowed (offset 0)"},
      {"STACK_GLOBAL os.system", "\x80\x04" + SG("os", "system") + bu(cmd) + "\x85R.",
       "pickle refers to os.system, which is not allowed (offset 14)"},
      {"INST os.system", "(S'" + cmd + "'\nios\nsystem\n.",
       "pickle refers to os.system, which is not allowed (offset " + std::to_string(cmd.size() + 5) + ")"},
      {"OBJ os.system", "(cos\nsystem\nS'" + cmd + "'\no.",
       "pickle refers to os.system, which is not allowed (offset 1)"},
      {"builtins.eval", "\x80\x04" + SG("builtins", "eval") + bu("__import__('os').system('" + cmd + "')") + "\x85R.",
       "pickle refers to builtins.eval, which is not allowed (offset 18)"},
      {"builtins.exec", "\x80\x04" + SG("builtins", "exec") + bu("open('" + path + "', 'w')") + "\x85R.",
       "pickle refers to builtins.exec, which is not allowed (offset 18)"},
      {"subprocess.Popen",
       "\x80\x04" + SG("subprocess", "Popen") + "]" + bu("touch") + "\x61" + bu(path) + "\x61\x85R.",
       "pickle refers to subprocess.Popen, which is not allowed (offset 21)"},
      {"posix.system",
       "\x80\x02"
       "cposix\nsystem\n" +
           bu(cmd) + "\x85R.",
       "pickle refers to posix.system, which is not allowed (offset 2)"},
      {"__builtin__.eval (Python 2 name)",
       "\x80\x02"
       "c__builtin__\neval\n" +
           bu("__import__('os').system('" + cmd + "')") + "\x85R.",
       "pickle refers to __builtin__.eval, which is not allowed (offset 2)"},
      {"builtins.open", "\x80\x04" + SG("builtins", "open") + bu(path) + U("w") + "\x86R.",
       "pickle refers to builtins.open, which is not allowed (offset 18)"},
      // Allowed wrappers around a forbidden callable.
      {"functools.partial(os.system)",
       "\x80\x04" + SG("functools", "partial") + SG("os", "system") + bu(cmd) + "\x86R)R.",
       "pickle refers to os.system, which is not allowed (offset 35)"},
      {"copyreg._reconstructor(subprocess.Popen)",
       "\x80\x02"
       "ccopyreg\n_reconstructor\ncsubprocess\nPopen\ncbuiltins\nobject\nN\x87R.",
       "pickle refers to subprocess.Popen, which is not allowed (offset 26)"},
      {"numpy _reconstruct(os.system)",
       "\x80\x04" + SG("numpy.core.multiarray", "_reconstruct") + SG("os", "system") +
           ")C\x01"
           "b\x87R.",
       "pickle refers to os.system, which is not allowed (offset 52)"},
      {"builtins.getattr on an allowed class",
       "\x80\x04" + SG("builtins", "getattr") + SG("numpy", "ndarray") + U("__reduce__") + "\x86R.",
       "pickle refers to builtins.getattr, which is not allowed (offset 21)"},
      // Attribute paths through allowed names (protocol 4 qualified names) are not allowed names.
      {"dotted qualname", "\x80\x04" + SG("pandas.core.frame", "DataFrame.__init__.__globals__") + ".",
       "pickle refers to pandas.core.frame.DataFrame.__init__.__globals__, which is not allowed (offset 53)"},
      {"module/name split", "\x80\x04" + SG("numpy", "core.multiarray._reconstruct") + ".",
       "pickle refers to numpy.core.multiarray._reconstruct, which is not allowed (offset 39)"},
      {"calling an allowed object", "\x80\x04" + SG("numpy", "dtype") + U("f8") + "\x85R" + bu(cmd) + "\x85R.",
       "pickle calls a numpy.dtype object; only allowed globals may be called"},
  };
}

PickleAllowList DataFrameLikeAllowList() {
  PickleAllowList allow = PickleAllowList::DataBasics();
  AllowNumpyArrays(allow);
  allow.Allow("pandas.core.frame", "DataFrame");
  return allow;
}

TEST(PickleVm, MaliciousPicklesAreRejectedByName) {
  for (const Evil& evil : EvilPickles("/nonexistent/pwned")) {
    SCOPED_TRACE(evil.what);
    std::string error = ErrorOf(evil.bytes, DataFrameLikeAllowList());
    EXPECT_NE(error.find("t.pkl: " + evil.message), std::string::npos) << error;
    // The DataFrame reader says the same.
    try {
      OpenPickleReader(FileBuffer::FromString("evil.pkl", evil.bytes), {});
      ADD_FAILURE() << "accepted";
    } catch (const core::InputError& e) {
      EXPECT_NE(std::string(e.what()).find("evil.pkl: " + evil.message), std::string::npos) << e.what();
    }
  }
}

TEST(PickleVm, MaliciousPicklesExecuteNothing) {
  // The first eleven of these pickles do create `path` when Python loads them
  // (checked once with /usr/bin/python3: pickle.loads(bytes) on the same bytes).
  std::string path = testing::TempDir() + "/botrecon_pickle_pwned_" + std::to_string(getpid());
  std::filesystem::remove(path);
  for (const Evil& evil : EvilPickles(path)) {
    SCOPED_TRACE(evil.what);
    EXPECT_THROW(RunBytes(evil.bytes, DataFrameLikeAllowList()), core::InputError);
    EXPECT_THROW(OpenPickleReader(FileBuffer::FromString("evil.pkl", evil.bytes), {}), core::InputError);
    EXPECT_FALSE(std::filesystem::exists(path));
  }
}

TEST(PickleVm, AllowListMatchesModuleAndNameExactly) {
  PickleAllowList allow;
  allow.Allow("a.b", "c");
  EXPECT_TRUE(allow.Allows("a.b", "c"));
  EXPECT_FALSE(allow.Allows("a", "b.c"));
  EXPECT_FALSE(allow.Allows("a.b", "c.d"));
  EXPECT_FALSE(allow.Allows("a.b.c", ""));
  EXPECT_EQ(allow.Entries(), (std::vector<std::string>{"a.b.c"}));
  std::vector<std::string> basics = PickleAllowList::DataBasics().Entries();
  EXPECT_NE(std::find(basics.begin(), basics.end(), "_codecs.encode"), basics.end());
  EXPECT_EQ(std::find(basics.begin(), basics.end(), "builtins.eval"), basics.end());
}

TEST(PickleVm, Python2NamesMapOnlyBeforeProtocol3) {
  // On protocol 3+ "__builtin__" is an ordinary (unknown) module.
  EXPECT_EQ(ErrorOf("\x80\x03"
                    "c__builtin__\nset\n)R."),
            "t.pkl: pickle refers to __builtin__.set, which is not allowed (offset 2)");
  EXPECT_EQ(RunBytes("\x80\x02"
                     "c__builtin__\nset\n)R.")
                ->root()
                ->kind,
            PickleKind::kSet);
}

}  // namespace
}  // namespace botrecon::io
