// Fuzz target: the policy loader (YAML text to a validated Policy, with issues for anything
// wrong). Policy files come from operators, not the network, but `charter policy check` is the
// tool an operator runs on a file of unknown quality: it must report issues, never crash or hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "policy/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  auto outcome = charter::policy::check_policy_text(yaml, "fuzz.yaml");
  (void)outcome;
  return 0;
}
