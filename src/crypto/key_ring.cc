#include "crypto/key_ring.h"

#include <string>
#include <utility>

namespace charter::crypto {

Status KeyRing::add(MasterKey key) {
  if (key.empty()) return make_error(Errc::kInvalidArgument, "master key is empty");
  if (keys_.count(key.version()) != 0) {
    return make_error(Errc::kAlreadyExists,
                      "master key version " + std::to_string(key.version()) + " is loaded already");
  }
  for (const auto& [version, k] : keys_) {
    if (k.id() == key.id()) {
      return make_error(
          Errc::kAlreadyExists,
          "master key " + key.id() + " is loaded already as version " + std::to_string(version));
    }
  }
  const std::uint32_t version = key.version();
  keys_.emplace(version, std::move(key));
  return ok_status();
}

Status KeyRing::remove(std::uint32_t version) {
  if (keys_.erase(version) == 0) {
    return make_error(Errc::kNotFound,
                      "master key version " + std::to_string(version) + " is not loaded");
  }
  return ok_status();
}

const MasterKey* KeyRing::current() const {
  return keys_.empty() ? nullptr : &keys_.rbegin()->second;
}

const MasterKey* KeyRing::find(std::uint32_t version) const {
  auto it = keys_.find(version);
  return it == keys_.end() ? nullptr : &it->second;
}

std::vector<std::uint32_t> KeyRing::versions() const {
  std::vector<std::uint32_t> out;
  for (const auto& entry : keys_) out.push_back(entry.first);
  return out;
}

Result<const MasterKey*> KeyRing::current_or_error() const {
  if (keys_.empty()) return make_error(Errc::kFailedPrecondition, "no master key is loaded");
  return current();
}

Result<const MasterKey*> KeyRing::master_for(ByteView wrapped) const {
  CHARTER_TRY(std::uint32_t version, wrapped_master_version(wrapped));
  const MasterKey* master = find(version);
  if (master == nullptr) {
    return make_error(Errc::kNotFound, "wrapped key needs master key version " +
                                           std::to_string(version) + ", which is not loaded");
  }
  return master;
}

Result<WrappedKey> KeyRing::wrap(const SecretKey& key, ByteView ad, Random& random) const {
  CHARTER_TRY(const MasterKey* master, current_or_error());
  return crypto::wrap(*master, key, ad, random);
}

Result<SecretKey> KeyRing::unwrap(ByteView wrapped, ByteView ad) const {
  CHARTER_TRY(const MasterKey* master, master_for(wrapped));
  return crypto::unwrap(*master, wrapped, ad);
}

bool KeyRing::needs_rewrap(ByteView wrapped) const {
  auto version = wrapped_master_version(wrapped);
  return version.ok() && !keys_.empty() && *version != current()->version();
}

Result<WrappedKey> KeyRing::rewrap_to_current(ByteView wrapped, ByteView ad, Random& random) const {
  CHARTER_TRY(const MasterKey* to, current_or_error());
  CHARTER_TRY(const MasterKey* from, master_for(wrapped));
  return rewrap(*from, *to, wrapped, ad, random);
}

}  // namespace charter::crypto
