// numpy arrays inside pickles: the globals they need and a reader that turns
// the VM's records of them into typed views of the raw bytes.
//
// Two pickled forms exist:
//   numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), b'b') + BUILD
//       (version, shape, numpy.dtype, is_fortran, raw bytes | list of objects)
//   numpy.core.numeric._frombuffer(buffer, numpy.dtype, shape, 'C'|'F')
//       (protocol 5, contiguous non-object arrays)
// numpy 2 spells the modules numpy._core.*; both are accepted.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io/formats/pickle/pickle_vm.h"

namespace botrecon::io {

enum class NumpyKind : uint8_t {
  kBool,
  kInt,
  kUInt,
  kFloat,
  kComplex,
  kObject,
  kBytes,
  kUnicode,
  kDatetime,
  kTimedelta,
  kVoid
};

struct NumpyDtype {
  NumpyKind kind = NumpyKind::kFloat;
  int itemsize = 0;         // bytes per element
  bool big_endian = false;  // byte order of the raw elements
  std::string unit;         // datetime/timedelta unit, e.g. "ns"
  std::string name;         // as pickled, e.g. "f8"
};

struct NumpyArray {
  NumpyDtype dtype;
  std::vector<uint64_t> shape;
  bool fortran_order = false;  // raw bytes are in Fortran (column-major) order
  std::string_view data;       // raw elements, unless object dtype
  // Object dtype: the elements in C (row-major) order, as numpy pickles them
  // (points into the PickleDocument, which must outlive this).
  const std::vector<PickleRef>* objects = nullptr;
  uint64_t size = 0;  // number of elements

  // Memory index of element (i, j) of a 2-D array.
  uint64_t Index2D(uint64_t i, uint64_t j) const {
    bool by_columns = fortran_order && dtype.kind != NumpyKind::kObject;
    return by_columns ? i + j * shape[0] : i * shape[1] + j;
  }
  // Raw element at memory index `flat` (non-object dtypes), native byte order.
  int64_t IntAt(uint64_t flat) const;    // bool, int, uint (uint64 above 2^63 wraps), datetime
  uint64_t UIntAt(uint64_t flat) const;  // uint
  double NumberAt(uint64_t flat) const;  // bool, int, uint, float as double
};

// Adds the numpy globals arrays need (ndarray, dtype, _reconstruct, _frombuffer, scalar).
void AllowNumpyArrays(PickleAllowList& list);

// True if `value` is a record of either pickled array form.
bool IsNumpyArray(PickleRef value);

// Interprets a pickled array; checks shape, dtype and byte counts. `what`
// names the array in messages ("block 2 values"). Throws core::InputError.
NumpyArray ReadNumpyArray(PickleRef value, const std::string& source, const std::string& what);

// Interprets a numpy.dtype record.
NumpyDtype ReadNumpyDtype(PickleRef value, const std::string& source, const std::string& what);

// A numpy scalar record (numpy.core.multiarray.scalar(dtype, bytes)) as a
// double, if it is a bool/int/uint/float scalar.
bool NumpyScalarAsDouble(PickleRef value, double& out);

}  // namespace botrecon::io
