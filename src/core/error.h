// Error hierarchy: everything that stops a run is one of these; main() catches
// once and maps them to exit codes.
#pragma once
#include <stdexcept>
#include <string>

namespace botrecon::core {

// Base of all botrecon errors. `exit_code` is what the process returns.
class Error : public std::runtime_error {
 public:
  Error(const std::string& what, int exit_code) : std::runtime_error(what), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

// Bad command line: unknown option, invalid value, unreadable --ip file.
class UsageError : public Error {
 public:
  explicit UsageError(const std::string& what) : Error(what, 2) {}
};

// Bad input data. The message names file, line/row and column.
class InputError : public Error {
 public:
  explicit InputError(const std::string& what) : Error(what, 2) {}
};

// A model file that cannot be loaded (damaged, unsupported, not allowed).
class ModelFormatError : public Error {
 public:
  explicit ModelFormatError(const std::string& what) : Error(what, 2) {}
};

// A file that cannot be opened, read or written.
class IoError : public Error {
 public:
  explicit IoError(const std::string& what) : Error(what, 2) {}
};

// A broken invariant of our own: a bug, never the user's fault.
class InternalError : public Error {
 public:
  explicit InternalError(const std::string& what) : Error("internal error: " + what, 3) {}
};

}  // namespace botrecon::core
