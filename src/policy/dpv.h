// The W3C Data Privacy Vocabulary (DPV, reference/dpv/) as the register's JSON-LD uses it.
//
// Contract:
// - expand_iri("dpv:X" | "pd:X" | "eu-gdpr:X") gives the full IRI (https://w3id.org/dpv#X,
//   https://w3id.org/dpv/pd#X, https://w3id.org/dpv/legal/eu/gdpr#X); nullopt for any other
//   prefix or a text without one.
// - basis_iri(kind): the GDPR art. 6(1) legal basis, "eu-gdpr:A6-1-a" (consent) to
//   "eu-gdpr:A6-1-f" (legitimate interest).
// - right_iri(right id): the GDPR right, by the policy's right id: access A15, rectification
//   A16, erasure A17, restriction A18, portability A20, withdraw_consent A7-3, objection A21;
//   nullopt for post_mortem (a right of the French loi Informatique et Libertés, art. 85, that
//   has no GDPR IRI) and for any other id.
// The mapping tables are in docs/RENDERING.md. Pure; thread safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "policy/model.h"

namespace charter::policy::dpv {

inline constexpr std::string_view kDpvNamespace = "https://w3id.org/dpv#";
inline constexpr std::string_view kPdNamespace = "https://w3id.org/dpv/pd#";
inline constexpr std::string_view kEuGdprNamespace = "https://w3id.org/dpv/legal/eu/gdpr#";

std::optional<std::string> expand_iri(std::string_view compact);
std::string basis_iri(BasisKind kind);
std::optional<std::string> right_iri(const std::string& right_id);

}  // namespace charter::policy::dpv
