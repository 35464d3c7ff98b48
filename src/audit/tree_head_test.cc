#include "audit/tree_head.h"

#include <gtest/gtest.h>

#include "audit/proof_json.h"
#include "audit/public_key.h"
#include "audit/test_support.h"
#include "core/id.h"

namespace charter::audit {
namespace {

TreeHead sample_head() {
  TreeHead h;
  h.tree_size = 10000;
  h.root = crypto::sha256(crypto::as_bytes("root"));
  h.time = *parse_timestamp("2026-01-31T10:00:00.000001Z");
  return h;
}

TEST(TreeHead, MessageIsPinned) {
  TreeHead h = sample_head();
  h.root = *parse_hash_hex(std::string(64, 'a'), "root");
  EXPECT_EQ(to_hex(tree_head_message(h)), to_hex(crypto::as_bytes("charter-audit-tree-head-v1")) +
                                              "00" + "0000000000002710" + "000649ac2721e801" +
                                              std::string(64, 'a'));
  EXPECT_EQ(tree_head_message(h).size(), 75u);
}

TEST(TreeHead, SignVerifyAndTamper) {
  auto key = testing::test_key();
  auto sth = sign_tree_head(sample_head(), key);
  EXPECT_TRUE(verify_tree_head(sth, key.public_key()).ok());

  auto other = testing::test_key(8);
  EXPECT_EQ(verify_tree_head(sth, other.public_key()).error().code, Errc::kIntegrity);
  auto t = sth;
  t.head.tree_size += 1;
  EXPECT_FALSE(verify_tree_head(t, key.public_key()).ok());
  t = sth;
  t.head.root[31] ^= 1;
  EXPECT_FALSE(verify_tree_head(t, key.public_key()).ok());
  t = sth;
  t.head.time += Micros(1);
  EXPECT_FALSE(verify_tree_head(t, key.public_key()).ok());
  for (std::size_t i = 0; i < sth.signature.size(); i += 7) {
    t = sth;
    t.signature[i] ^= 0x10;
    EXPECT_FALSE(verify_tree_head(t, key.public_key()).ok()) << i;
  }
}

TEST(TreeHead, JsonRoundTrip) {
  auto sth = sign_tree_head(sample_head(), testing::test_key());
  std::string json = tree_head_to_json(sth);
  EXPECT_NE(json.find("\"tree_size\":10000"), std::string::npos) << json;
  EXPECT_NE(json.find("\"timestamp\":\"2026-01-31T10:00:00.000001Z\""), std::string::npos);
  auto back = parse_tree_head_json(json);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, sth);
  for (const char* bad :
       {"", "[]", "{}",
        R"({"tree_size":-1,"timestamp":"2026-01-31","root_hash":"","signature":""})",
        R"({"tree_size":1,"timestamp":"yesterday","root_hash":"","signature":""})"}) {
    auto r = parse_tree_head_json(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
  }
  std::string short_sig = json;
  short_sig.replace(short_sig.find("\"signature\":\"") + 13, 2, "");
  EXPECT_FALSE(parse_tree_head_json(short_sig).ok());
}

TEST(PublicKey, HexAndPemRoundTrip) {
  auto key = testing::test_key();
  const auto& pk = key.public_key();
  EXPECT_EQ(*parse_public_key(public_key_hex(pk)), pk);
  std::string pem = public_key_pem(pk);
  EXPECT_EQ(pem.rfind("-----BEGIN PUBLIC KEY-----\n", 0), 0u);
  // RFC 8410: the base64 of an Ed25519 SPKI always starts with "MCowBQYDK2VwAyEA".
  EXPECT_EQ(pem.substr(27, 16), "MCowBQYDK2VwAyEA");
  EXPECT_EQ(*parse_public_key("  \n" + pem + "\n"), pk);
  EXPECT_FALSE(parse_public_key("").ok());
  EXPECT_FALSE(parse_public_key(std::string(64, 'g')).ok());
  std::string damaged = pem;
  damaged[30] = damaged[30] == 'A' ? 'B' : 'A';  // inside the DER prefix
  EXPECT_FALSE(parse_public_key(damaged).ok());
}

TEST(ProofJson, RoundTripAndStrictness) {
  InclusionProof ip{3, 7, {crypto::sha256(crypto::as_bytes("a")), crypto::sha256({})}};
  auto j = inclusion_proof_to_json(ip);
  EXPECT_EQ(j.rfind("{\"leaf_index\":3,\"tree_size\":7,\"inclusion_path\":[\"", 0), 0u) << j;
  EXPECT_EQ(*parse_inclusion_proof_json(j), ip);
  ConsistencyProof cp{3, 7, {crypto::sha256({})}};
  EXPECT_EQ(*parse_consistency_proof_json(consistency_proof_to_json(cp)), cp);
  for (const char* bad : {"{", "null", R"({"leaf_index":3,"tree_size":7})",
                          R"({"leaf_index":3.5,"tree_size":7,"inclusion_path":[]})",
                          R"({"leaf_index":3,"tree_size":7,"inclusion_path":["00"]})",
                          R"({"leaf_index":3,"tree_size":"7","inclusion_path":[]})",
                          R"({"leaf_index":3,"tree_size":7,"inclusion_path":[1]})"}) {
    auto r = parse_inclusion_proof_json(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
  }
  EXPECT_FALSE(parse_consistency_proof_json(R"({"first_size":1,"consistency_path":[]})").ok());
}

}  // namespace
}  // namespace charter::audit
