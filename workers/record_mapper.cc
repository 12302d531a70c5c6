#include "workers/record_mapper.h"

#include <map>

namespace bridgework::workers {
namespace {

class MapFileMapper : public RecordMapper {
 public:
  explicit MapFileMapper(std::unique_ptr<mapping::Mapper> m) : m_(std::move(m)) {}
  mapping::MapResult Apply(const SourceRecord& r) const override {
    mapping::MapResult out = m_->Apply(r);
    // An empty target tag in a reference means the parent's first target; a parent with no
    // targets is matched to destination users by `owners`, whose id-map entries use "user".
    for (auto& t : out.targets) {
      for (auto& ref : t.references) {
        if (ref.target.empty()) {
          auto tags = Tags(ref.object);
          ref.target = tags.empty() ? "user" : tags.front();
        }
      }
    }
    return out;
  }
  std::vector<std::string> Tags(const std::string& object) const override {
    std::vector<std::string> out;
    for (const auto& t : m_->EffectiveTargets(object)) out.push_back(t.tag);
    return out;
  }

 private:
  std::unique_ptr<mapping::Mapper> m_;
};

class IdentityMapper : public RecordMapper {
 public:
  explicit IdentityMapper(const connectors::SourceDescription& d) {
    for (const auto& o : d.objects) refs_[o.name] = o.references;
  }
  mapping::MapResult Apply(const SourceRecord& r) const override {
    mapping::MapResult out;
    TargetRecord t;
    t.model = r.object;
    t.object = r.object;
    t.source_id = r.id;
    t.target = "record";
    auto refs = refs_.find(r.object);
    for (const auto& f : r.fields) {
      bool is_ref = false;
      if (refs != refs_.end()) {
        for (const auto& ref : refs->second) {
          if (ref.field == f.name) {
            is_ref = true;
            t.references.push_back({f.name, ref.object, f.value.value_or(""), "record", false});
          }
        }
      }
      if (!is_ref) t.values[f.name] = f.value ? Json(*f.value) : Json(nullptr);
    }
    out.targets.push_back(std::move(t));
    return out;
  }
  std::vector<std::string> Tags(const std::string&) const override { return {"record"}; }

 private:
  std::map<std::string, std::vector<connectors::ObjectReference>> refs_;
};

}  // namespace

std::unique_ptr<RecordMapper> NewMapFileMapper(std::unique_ptr<mapping::Mapper> mapper) {
  return std::make_unique<MapFileMapper>(std::move(mapper));
}

std::unique_ptr<RecordMapper> NewIdentityMapper(const connectors::SourceDescription& source) {
  return std::make_unique<IdentityMapper>(source);
}

}  // namespace bridgework::workers
