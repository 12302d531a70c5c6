// owners: resolves every provider / practitioner / staff member the map names to a destination
// user (email first, then normalised name), writes the matches into the migration's id map so
// load workers resolve owner references like any other parent, and writes owners.json / .csv /
// .html. Exits 1 while an owner stays unresolved (no fallback_owner). See docs/workflow.md.
#include <cstdio>

#include "cli/engine_run.h"
#include "cli/run_folder.h"
#include "cli/verbs.h"
#include "cli/wiring.h"
#include "cli/workflow/owner_matching.h"
#include "cli/workflow/verb_support.h"

namespace bridgework::cli {

namespace wf = workflow;

// The full resolution is kept in the state store too, for `report`.
inline constexpr char kOwnersResolutionValue[] = "owners.resolution";

namespace {

void RunOwners(const std::string& config_path) {
  auto ctx = wf::LoadVerbContext(config_path);
  if (!ctx.ok()) Fail(kExitUsage, ctx.status().ToString());
  const Config& config = ctx->config;
  std::vector<mapping::OwnerSource> sources = wf::OwnerSourcesOf(ctx->map);

  auto st = OpenState(config, /*allow_embedded=*/true);
  if (!st.ok()) Fail(kExitFailed, st.status().ToString());
  std::unique_ptr<RateLimiter> limiter;
  if (config.source.rest) {
    auto l = MakeSourceRateLimiter(config, st->url);
    if (!l.ok()) Fail(kExitFailed, l.status().ToString());
    limiter = std::move(*l);
  }
  auto source = MakeSource(config, limiter.get());
  if (!source.ok()) Fail(kExitFailed, "source: " + source.status().ToString());
  auto destination = MakeDestination(config);
  if (!destination.ok()) Fail(kExitFailed, "destination: " + destination.status().ToString());

  auto candidates = wf::CollectOwnerCandidates(source->get(), sources);
  if (!candidates.ok()) Fail(kExitFailed, "reading owners: " + candidates.status().ToString());
  auto users = (*destination)->ListUsers();
  if (!users.ok()) Fail(kExitFailed, "listing destination users: " + users.status().ToString());
  auto resolution = wf::ResolveOwners(*candidates, *users, config.fallback_owner);
  if (!resolution.ok()) Fail(kExitUsage, resolution.status().message());

  state::StateStore* store = st->store.get();
  Status s = store->SetIdMapEntries(config.migration, resolution->IdMapEntries());
  if (s.ok()) {
    s = store->SetValue(config.migration, kOwnersResolutionValue, resolution->ToJson().dump());
  }
  if (s.ok()) {
    s = store->SetValue(config.migration, wf::kOwnersStatusValue,
                        wf::OwnersStatus(*resolution).dump());
  }
  if (!s.ok()) Fail(kExitFailed, "recording owners in the state store: " + s.ToString());

  auto folder = RunFolder::Create(config.run_dir, wf::NewWorkflowRunId("owners"));
  if (!folder.ok()) Fail(kExitFailed, folder.status().ToString());
  Json out = NewVerbResult("owners", folder->run_id());
  Json details = resolution->ToJson();
  for (auto& [k, v] : details.items()) out[k] = v;
  out["sources"] = sources.size();
  out["users"] = users->size();
  out["ok"] = resolution->unresolved == 0;
  out["files"] = {folder->File("owners.json"), folder->File("owners.csv"),
                  folder->File("owners.html")};
  for (const auto& [name, content] : std::vector<std::pair<std::string, std::string>>{
           {"owners.csv", resolution->ToCsv()}, {"owners.html", resolution->ToHtml()}}) {
    Status w = folder->WriteFile(name, content);
    if (!w.ok()) Fail(kExitFailed, w.ToString());
  }
  Status w = folder->WriteJson("owners.json", out);
  if (!w.ok()) Fail(kExitFailed, w.ToString());
  std::printf("owners: %d matched, %d fallback, %d unresolved (%s)\n", resolution->matched,
              resolution->fallback, resolution->unresolved, folder->File("owners.html").c_str());
  if (resolution->unresolved > 0) {
    Status why = wf::CheckOwnersResolved(ctx->map, wf::OwnersStatus(*resolution).dump(), "");
    Fail(kExitFailed, why.message());
  }
}

}  // namespace

void RegisterOwners(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "owners", "Match providers and staff to destination users (email, then name)");
  auto path = std::make_shared<std::string>();
  cmd->add_option("--config", *path, "migration config file")->required();
  cmd->callback([path] { RunOwners(*path); });
}

}  // namespace bridgework::cli
