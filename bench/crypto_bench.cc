// The machine's crypto limits: raw rates of the primitives Charter's vault and audit use.
// Run: ./scripts/build.sh release crypto_bench && ./build/release/bench/crypto_bench
#include <benchmark/benchmark.h>

#include "core/random.h"
#include "crypto/ad.h"
#include "crypto/argon2.h"
#include "crypto/blind_index.h"
#include "crypto/hash.h"
#include "crypto/key_ring.h"
#include "crypto/mac.h"
#include "crypto/master_key.h"
#include "crypto/pseudonym.h"
#include "crypto/seal.h"
#include "crypto/sign.h"
#include "crypto/wrap.h"

namespace charter::crypto {
namespace {

Bytes filled(std::size_t n) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 31 + 7);
  return b;
}

// Seal 64-byte values; nonces from SeededRandom (arg 0) or SystemRandom/getrandom (arg 1).
void BM_Seal64(benchmark::State& state) {
  SeededRandom seeded(1);
  SystemRandom system;
  Random& rnd = state.range(0) == 0 ? static_cast<Random&>(seeded) : system;
  auto key = SecretKey::generate(seeded);
  const Bytes plain = filled(64);
  const Bytes ad = value_ad("sub_0123456789abcdefghjkmnpq", "email", 1);
  for (auto _ : state) benchmark::DoNotOptimize(seal(key, plain, ad, rnd));
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * 64);
  state.SetLabel(state.range(0) == 0 ? "seeded nonce" : "getrandom nonce");
}
BENCHMARK(BM_Seal64)->Arg(0)->Arg(1);

void BM_Open64(benchmark::State& state) {
  SeededRandom rnd(2);
  auto key = SecretKey::generate(rnd);
  const Bytes ad = value_ad("sub_0123456789abcdefghjkmnpq", "email", 1);
  const Bytes sealed = seal(key, filled(64), ad, rnd);
  for (auto _ : state) benchmark::DoNotOptimize(open(key, sealed, ad));
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * 64);
}
BENCHMARK(BM_Open64);

void BM_ValueAd(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(value_ad("sub_0123456789abcdefghjkmnpq", "email", 1));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ValueAd);

void BM_Sha256(benchmark::State& state) {
  const Bytes data = filled(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(sha256(data));
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Sha256)->Arg(64)->Arg(1 << 20);

// Blind index of a 32-byte normalised value with a precomputed per-field key state.
void BM_BlindIndex32(benchmark::State& state) {
  SeededRandom rnd(3);
  auto root = SecretKey::generate(rnd);
  auto key = BlindIndexKey::derive(root, "email").value();
  const std::string value = "alice.martin@example-domain.fr.x";  // 32 bytes
  for (auto _ : state) benchmark::DoNotOptimize(key.compute(value));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BlindIndex32);

void BM_Pseudonym(benchmark::State& state) {
  SeededRandom rnd(4);
  auto key = SecretKey::generate(rnd);
  for (auto _ : state) benchmark::DoNotOptimize(pseudonym(key, "sub_0123456789abcdefghjkmnpq"));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Pseudonym);

void BM_HmacSha256(benchmark::State& state) {
  SeededRandom rnd(5);
  auto key = SecretKey::generate(rnd);
  const Bytes msg = filled(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(mac(key, msg));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HmacSha256)->Arg(64);

void BM_WrapUnwrap(benchmark::State& state) {
  SeededRandom rnd(6);
  auto master = MasterKey::generate(1, rnd).value();
  auto key = DataKey::generate(rnd);
  const Bytes ad = wrap_ad("sub_0123456789abcdefghjkmnpq", "contact", 1);
  for (auto _ : state) {
    auto wrapped = wrap(master, key, ad, rnd);
    benchmark::DoNotOptimize(unwrap(master, *wrapped, ad));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WrapUnwrap);

void BM_DataKeyGenerate(benchmark::State& state) {
  SeededRandom rnd(7);
  for (auto _ : state) benchmark::DoNotOptimize(DataKey::generate(rnd));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DataKeyGenerate);

// What a guarded (sodium_malloc) key costs: why only master keys get one.
void BM_MasterKeyCreate(benchmark::State& state) {
  SeededRandom rnd(8);
  for (auto _ : state) benchmark::DoNotOptimize(MasterKey::generate(1, rnd));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MasterKeyCreate);

void BM_Ed25519Sign(benchmark::State& state) {
  SeededRandom rnd(9);
  auto key = SigningKey::generate(rnd);
  const Bytes msg = filled(64);
  for (auto _ : state) benchmark::DoNotOptimize(key.sign(msg));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Ed25519Sign);

void BM_Ed25519Verify(benchmark::State& state) {
  SeededRandom rnd(10);
  auto key = SigningKey::generate(rnd);
  const Bytes msg = filled(64);
  const Signature sig = key.sign(msg);
  for (auto _ : state) benchmark::DoNotOptimize(verify(key.public_key(), msg, sig));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Ed25519Verify);

// Argon2id cost: arg 0 = interactive limits (staff passwords), 1 = moderate (master passphrase).
void BM_Argon2id(benchmark::State& state) {
  SeededRandom rnd(11);
  const Argon2Limits limits =
      state.range(0) == 0 ? Argon2Limits::interactive() : Argon2Limits::moderate();
  const auto params = PassphraseParams::generate(rnd, limits);
  for (auto _ : state) benchmark::DoNotOptimize(stretch_passphrase("correct horse", params));
  state.SetLabel(state.range(0) == 0 ? "interactive: 2 passes, 64 MiB"
                                     : "moderate: 3 passes, 256 MiB");
}
BENCHMARK(BM_Argon2id)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace charter::crypto

BENCHMARK_MAIN();
