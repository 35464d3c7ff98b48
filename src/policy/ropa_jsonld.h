// The record of processing activities as JSON-LD with the W3C Data Privacy Vocabulary (DPV).
//
// Contract: ropa_jsonld(policy) gives one JSON-LD document: an "@context" of prefixes (dpv, pd,
// eu-gdpr, rdf, rdfs, dct, xsd, and charter = urn:charter:vocab: for the few facts DPV has no
// term for) and a flat "@graph": the dpv:ROPA node, the controller, its DPO, the supervisory
// authority, how rights are exercised, one dpv:Process per purpose, and one node per purpose,
// data category, data subject type, recipient, security measure and hosting site of the policy
// (node ids "urn:charter:<kind>:<policy id>"). Legal bases and GDPR rights are the eu-gdpr IRIs
// themselves (dpv.h); the post-mortem right, which has none, is a dpv:DataSubjectRight node with
// charter:legalReference. Texts carry every language of the policy as @language values. Every
// dpv/pd/eu-gdpr IRI it emits exists in reference/dpv/*.csv for the default policy (tested).
// The mapping is in docs/RENDERING.md. Pure; thread safe.
#pragma once

#include <nlohmann/json.hpp>

#include "policy/model.h"

namespace charter::policy {

nlohmann::json ropa_jsonld(const Policy& policy);

}  // namespace charter::policy
