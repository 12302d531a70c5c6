// The run folder contract (DESIGN.md section 7): runs/<run-id>/<verb>.json beside the human
// report, runs/latest pointing at the newest run. Every file is readable by its owner only.
#pragma once

#include <string>

#include "common/record.h"
#include "common/status.h"

namespace bridgework::cli {

class RunFolder {
 public:
  // Creates <run_dir>/<run_id>/ (mode 0700) and points <run_dir>/latest at it.
  static StatusOr<RunFolder> Create(const std::string& run_dir, const std::string& run_id);
  // An existing run ("latest" resolves the link).
  static StatusOr<RunFolder> Open(const std::string& run_dir, const std::string& run_id);

  const std::string& path() const { return path_; }
  const std::string& run_id() const { return run_id_; }
  std::string File(const std::string& name) const;

  // Writes <name> atomically (temp file + rename) with mode 0600.
  Status WriteFile(const std::string& name, const std::string& content) const;
  Status WriteJson(const std::string& name, const Json& value) const;

 private:
  std::string path_;
  std::string run_id_;
};

// A verb's outcome for scripts: <verb>.json with `verb`, `run_id`, `ok`, `objects`, `files`.
// Callers fill objects.<object>.{read,loaded,updated,skipped,failed,flagged,unlinked}.
Json NewVerbResult(const std::string& verb, const std::string& run_id);

// Writes a one-line reason to stderr and ends the verb with `code`. Verbs throw this from their
// CLI11 callback; main() turns it into the exit code.
struct VerbExit {
  int code;
};
[[noreturn]] void Fail(int code, const std::string& reason);

}  // namespace bridgework::cli
