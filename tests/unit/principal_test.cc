// Principal URIs and reading them from certificates.
#include "services/runtime/auth/principal.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "tests/support/test_server.h"

namespace seccoord::runtime {
namespace {

TEST(ParsePrincipalUriTest, AcceptsWellFormedUris) {
  absl::StatusOr<Principal> p = ParsePrincipalUri("seccoord://kasama-union/admin1");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->organization, "kasama-union");
  EXPECT_EQ(p->user, "admin1");
  EXPECT_FALSE(p->anonymous);
  EXPECT_EQ(p->Uri(), "seccoord://kasama-union/admin1");
  EXPECT_FALSE(p->IsService());

  p = ParsePrincipalUri("seccoord://service/assessmentd");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->IsService());

  EXPECT_TRUE(ParsePrincipalUri("seccoord://mito-city/Taro.Yamada_2-x").ok());
  EXPECT_TRUE(ParsePrincipalUri("seccoord://" + std::string(63, 'a') + "/" +
                                std::string(64, 'u'))
                  .ok());
}

TEST(ParsePrincipalUriTest, RefusesEverythingElse) {
  for (const char* uri : {
           "",
           "seccoord://",
           "seccoord:///user",
           "seccoord://org/",
           "seccoord://org",
           "SECCOORD://org/user",
           "https://org/user",
           "seccoord://Org/user",
           "seccoord://-org/user",
           "seccoord://org_x/user",
           "seccoord://org/us/er",
           "seccoord://org/user?x=1",
           "seccoord://org/user#f",
           "seccoord://org:443/user",
           "seccoord://org/user name",
           "seccoord://org/..",
           "seccoord://org/.",
           "seccoord://org/ユーザー",
       }) {
    EXPECT_EQ(ParsePrincipalUri(uri).status().code(),
              absl::StatusCode::kInvalidArgument)
        << uri;
  }
  EXPECT_FALSE(ParsePrincipalUri("seccoord://" + std::string(64, 'a') + "/u").ok());
  EXPECT_FALSE(ParsePrincipalUri("seccoord://o/" + std::string(65, 'u')).ok());
}

TEST(PrincipalTest, Anonymous) {
  Principal anonymous = Principal::Anonymous();
  EXPECT_TRUE(anonymous.anonymous);
  EXPECT_EQ(anonymous.Uri(), "anonymous");
  EXPECT_FALSE(anonymous.IsService());
}

std::string ReadCert(const std::string& name) {
  std::ifstream in(seccoord::testing::TestCertDir() + "/" + name + ".crt");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(SeccoordUrisOfCertificateTest, ReadsTheDevCertificates) {
  struct Case {
    const char* cert;
    const char* uri;
  };
  for (const Case& c : {Case{"staff1", "seccoord://kasama-union/staff1"},
                        Case{"advisor1", "seccoord://kasama-city/advisor1"},
                        Case{"mito-member1", "seccoord://mito-city/member1"},
                        Case{"assessmentd", "seccoord://service/assessmentd"},
                        Case{"intruder", "seccoord://kasama-union/admin1"}}) {
    std::string pem = ReadCert(c.cert);
    ASSERT_FALSE(pem.empty()) << c.cert << " missing in "
                              << seccoord::testing::TestCertDir();
    absl::StatusOr<std::vector<std::string>> uris = SeccoordUrisOfCertificate(pem);
    ASSERT_TRUE(uris.ok()) << uris.status();
    EXPECT_EQ(*uris, std::vector<std::string>{c.uri}) << c.cert;
  }
  // The CA has no URI SAN at all.
  absl::StatusOr<std::vector<std::string>> none =
      SeccoordUrisOfCertificate(ReadCert("ca"));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_EQ(SeccoordUrisOfCertificate("not a certificate").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace seccoord::runtime
