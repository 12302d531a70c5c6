// Every verb of `bridgework` registers its subcommand here; main.cc calls them all.
// One file per verb (cli/verb_<name>.cc): the only place that reads config and wires parts.
#pragma once

#include <CLI/CLI.hpp>

namespace bridgework::cli {

void RegisterGenSample(CLI::App& app);    // gen-sample: synthetic export bundles
void RegisterInspect(CLI::App& app);      // inspect: the scope document
void RegisterMap(CLI::App& app);          // map propose | map confirm
void RegisterSchema(CLI::App& app);       // schema plan | schema apply
void RegisterOwners(CLI::App& app);       // owners
void RegisterValidate(CLI::App& app);     // validate
void RegisterSample(CLI::App& app);       // sample --size N
void RegisterMigrate(CLI::App& app);      // migrate (embedded mode)
void RegisterDelta(CLI::App& app);        // delta
void RegisterRollback(CLI::App& app);     // rollback [--run ID]
void RegisterReport(CLI::App& app);       // report
void RegisterCoordinator(CLI::App& app);  // coordinator (distributed mode)
void RegisterWorker(CLI::App& app);       // worker (distributed mode)
void RegisterStatus(CLI::App& app);       // status

// Exit codes shared by every verb.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;  // the verb ran and found failures, or could not run
inline constexpr int kExitUsage = 2;   // bad arguments or config

}  // namespace bridgework::cli
