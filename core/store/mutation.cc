#include "core/store/mutation.h"

#include <utility>

namespace skiff::store {

namespace {

Status CheckExpected(const KeyValue& current, Revision expected) {
  if (current.mod_revision == expected) return Status::Ok();
  return Status::Conflict("key " + current.key + " is at revision " +
                          std::to_string(current.mod_revision) + ", expected " +
                          std::to_string(expected));
}

}  // namespace

Result<Event> Evaluate(Mutation mutation, const KeyValue* current, Revision revision) {
  Event event;
  switch (mutation.kind) {
    case Mutation::Kind::kCreate:
      if (current != nullptr) return Status::AlreadyExists("key " + mutation.key + " exists");
      event.type = Event::Type::kPut;
      event.kv = KeyValue{std::move(mutation.key), std::move(mutation.value), revision, revision};
      return event;
    case Mutation::Kind::kUpdate: {
      if (current == nullptr) return Status::NotFound("key " + mutation.key + " not found");
      if (Status s = CheckExpected(*current, mutation.expected); !s.ok()) return s;
      event.type = Event::Type::kPut;
      event.kv = KeyValue{std::move(mutation.key), std::move(mutation.value),
                          current->create_revision, revision};
      event.prev = *current;
      return event;
    }
    case Mutation::Kind::kDelete: {
      if (current == nullptr) return Status::NotFound("key " + mutation.key + " not found");
      if (mutation.expected != 0) {
        if (Status s = CheckExpected(*current, mutation.expected); !s.ok()) return s;
      }
      event.type = Event::Type::kDelete;
      event.kv =
          KeyValue{std::move(mutation.key), current->value, current->create_revision, revision};
      event.prev = *current;
      return event;
    }
  }
  return Status::Internal("unknown mutation kind");
}

}  // namespace skiff::store
