// bridgework: one binary, one subcommand per verb (DESIGN.md section 7).
#include <cstdio>

#include "cli/run_folder.h"
#include "cli/verbs.h"
#include "common/logging.h"

int main(int argc, char** argv) {
  CLI::App app{"Bridgework: migrates a practice's data into a CRM, verified and reversible"};
  app.require_subcommand(1);
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off");
  app.parse_complete_callback([&] { bridgework::SetLogLevel(log_level); });

  using namespace bridgework::cli;
  RegisterGenSample(app);
  RegisterInspect(app);
  RegisterMap(app);
  RegisterSchema(app);
  RegisterOwners(app);
  RegisterValidate(app);
  RegisterSample(app);
  RegisterMigrate(app);
  RegisterDelta(app);
  RegisterRollback(app);
  RegisterReport(app);
  RegisterCoordinator(app);
  RegisterWorker(app);
  RegisterStatus(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : kExitUsage;
  } catch (const bridgework::cli::VerbExit& e) {
    return e.code;
  }
  return kExitOk;
}
