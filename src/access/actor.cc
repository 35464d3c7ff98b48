#include "access/actor.h"

namespace charter::access {

Actor actor_from(const staff::Identity& identity) {
  Actor a;
  a.kind = identity.kind == staff::Identity::Kind::kService ? Actor::Kind::kService
                                                            : Actor::Kind::kStaff;
  a.id = identity.id;
  a.roles = identity.roles;
  a.trained_on = identity.trained_on;
  a.confidentiality_signed = identity.confidentiality_signed;
  a.suspended = identity.suspended;
  a.purposes = identity.purposes;
  return a;
}

}  // namespace charter::access
