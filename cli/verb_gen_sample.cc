// gen-sample: writes a deterministic, realistically messy export bundle for a vendor profile plus
// truth.json (what a correct read must find). See connectors/sources/generator/generator.h.
#include <cstdio>

#include "cli/run_folder.h"
#include "cli/verbs.h"
#include "common/logging.h"
#include "connectors/sources/generator/generator.h"
#include "connectors/sources/profiles/profile.h"

namespace bridgework::cli {

void RegisterGenSample(CLI::App& app) {
  auto* cmd = app.add_subcommand("gen-sample", "Write a synthetic export bundle and truth.json");
  struct Args {
    std::string source;
    sources::GenerateOptions options;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("--source", args->source,
                  "vendor profile: sensei-cloud, core-practice, dr-dentes, clinic-place")
      ->required();
  cmd->add_option("--patients", args->options.patients, "patients (100 to 10,000,000)")
      ->required()
      ->check(CLI::Range(int64_t{1}, int64_t{10000000}));
  cmd->add_option("--seed", args->options.seed, "same seed, same bytes")->default_val(1);
  cmd->add_option("--out", args->options.out_dir, "bundle folder to write")->required();
  cmd->add_option("--large-file-bytes", args->options.large_file_bytes,
                  "size of the large attachments")
      ->default_val(args->options.large_file_bytes);
  cmd->add_option("--large-files", args->options.large_files, "how many large attachments")
      ->default_val(args->options.large_files);
  cmd->add_option("--max-attachment-bytes", args->options.max_attachment_bytes,
                  "the destination's size limit; one attachment is planted just over it")
      ->default_val(args->options.max_attachment_bytes);
  cmd->add_option("--attachment-files", args->options.attachment_files,
                  "distinct attachment files (documents beyond share them)")
      ->default_val(args->options.attachment_files);
  cmd->add_option("--truth-id-limit", args->options.truth_id_limit,
                  "objects with more valid records list no ids in truth.json")
      ->default_val(args->options.truth_id_limit);
  cmd->callback([args] {
    auto profile = sources::BuiltinProfile(args->source);
    if (!profile.ok()) Fail(kExitUsage, profile.status().message());
    auto summary = sources::GenerateBundle(*profile, args->options);
    if (!summary.ok()) Fail(kExitFailed, summary.status().ToString());
    Logger("sources")->info("gen-sample {}: {} patients, seed {}, written to {}", args->source,
                            args->options.patients, args->options.seed, args->options.out_dir);
    std::printf("%s\n", summary->dump().c_str());
  });
}

}  // namespace bridgework::cli
