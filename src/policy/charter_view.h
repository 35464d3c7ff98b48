// The data a charter template sees: the policy's facts, in one language, as mustache data.
//
// Contract: charter_view() builds, from a valid Policy and the Phrases of one of its languages,
// the kainjow mustache data that templates/charter.<lang>.md.mustache renders. Policy texts are
// put in as they are (the Markdown template escapes them on output); the *_link entries are
// ready-made, already safe Markdown links (markdown_escape.h) meant for triple mustaches.
// The keys are listed in docs/RENDERING.md. Pure; thread safe.
#pragma once

#include <kainjow/mustache.hpp>

#include "policy/model.h"
#include "policy/phrases.h"

namespace charter::policy {

kainjow::mustache::data charter_view(const Policy& policy, const Phrases& phrases);

}  // namespace charter::policy
