// runtime/paging.h: page sizes, and page tokens bound to the kind of list
// and to the query that issued them.
#include "services/runtime/paging.h"

#include <gtest/gtest.h>

#include "seccoord/v1/asset.pb.h"
#include "seccoord/v1/policy.pb.h"

namespace seccoord::runtime {
namespace {

v1::ListRevisionsRequest Revisions(const std::string& document_id) {
  v1::ListRevisionsRequest r;
  r.set_document_id(document_id);
  return r;
}

// One-off tokens: a codec made for one request, as a list call makes it.
std::string EncodePageToken(std::string_view kind, const google::protobuf::Message& request,
                            std::string_view cursor) {
  return PageTokenCodec(kind, request).Encode(cursor);
}
absl::StatusOr<std::string> DecodePageToken(std::string_view kind,
                                            const google::protobuf::Message& request,
                                            std::string_view token) {
  return PageTokenCodec(kind, request).Decode(token);
}

TEST(PageSizeTest, ZeroIsTheDefaultAndOutOfRangeNamesTheField) {
  EXPECT_EQ(*PageSize(0, 100, 50), 50);
  EXPECT_EQ(*PageSize(7, 100, 50), 7);
  auto over = PageSize(101, 100, 50);
  EXPECT_EQ(over.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(over.status().message(), "page_size: must be between 0 and 100 (0 = 50)");
  EXPECT_FALSE(PageSize(-1, 100, 50).ok());
}

TEST(PageTokenTest, ContinuesTheSameQueryWhateverThePageSize) {
  v1::ListRevisionsRequest first = Revisions("standards");
  first.set_page_size(2);
  const std::string token = EncodePageToken("revisions", first, "12");
  v1::ListRevisionsRequest next = Revisions("standards");
  next.set_page_size(5);  // the page size may change
  next.set_page_token(token);
  auto cursor = DecodePageToken("revisions", next, next.page_token());
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  EXPECT_EQ(*cursor, "12");
  EXPECT_EQ(*DecodePageToken("revisions", next, ""), "");  // the first page
}

TEST(PageTokenTest, ATokenOfAnotherQueryIsRefusedNamingPageToken) {
  const std::string token = EncodePageToken("revisions", Revisions("standards"), "3");
  // Another document.
  auto other = DecodePageToken("revisions", Revisions("basic-policy"), token);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(other.status().message().rfind("page_token: was issued for a different query", 0),
            0u)
      << other.status();
  // The same document with another filter.
  v1::ListRevisionsRequest drafts = Revisions("standards");
  drafts.set_state(v1::REVISION_STATE_DRAFT);
  EXPECT_EQ(DecodePageToken("revisions", drafts, token).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Another list, even with equal fields.
  v1::ListAssetsRequest assets;
  EXPECT_EQ(DecodePageToken("assets", assets, EncodePageToken("assets", v1::ListAssetsRequest(),
                                                              "A-000001"))
                .value_or("?"),
            "A-000001");
  v1::ListAssetsRequest segment;
  segment.set_segment(v1::SEGMENT_INTERNET);
  EXPECT_FALSE(DecodePageToken("assets", segment,
                               EncodePageToken("assets", v1::ListAssetsRequest(), "A-000001"))
                   .ok());
}

// One codec per list call reads the request's token and issues the next
// one; its tokens are those of a codec made for an equal request.
TEST(PageTokenCodecTest, DecodesAndEncodesForOneRequest) {
  v1::ListRevisionsRequest request = Revisions("standards");
  request.set_page_size(2);
  request.set_page_token(EncodePageToken("revisions", Revisions("standards"), "4"));
  const PageTokenCodec tokens("revisions", request);
  auto cursor = tokens.Decode(request.page_token());
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  EXPECT_EQ(*cursor, "4");
  EXPECT_EQ(*tokens.Decode(""), "");
  EXPECT_EQ(tokens.Encode("6"), EncodePageToken("revisions", Revisions("standards"), "6"));
  // Bound to its kind and query like the one-off forms.
  EXPECT_EQ(tokens.Decode(EncodePageToken("revisions", Revisions("basic-policy"), "6"))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(PageTokenCodec("history", request).Decode(tokens.Encode("6")).status().message(),
            "page_token: malformed; pass next_page_token of a previous response");
}

TEST(PageTokenTest, ATokenOfAnotherKindOrNotATokenIsMalformed) {
  const v1::ListRevisionsRequest request = Revisions("standards");
  for (const std::string token :
       {EncodePageToken("history", request, "3"), std::string("after:3"), std::string("%%%"),
        std::string(600, 'A')}) {
    auto cursor = DecodePageToken("revisions", request, token);
    EXPECT_EQ(cursor.status().code(), absl::StatusCode::kInvalidArgument) << token;
    EXPECT_EQ(cursor.status().message(),
              "page_token: malformed; pass next_page_token of a previous response");
  }
}

TEST(PageTokenTest, TheFingerprintIgnoresOnlyThePagingFields) {
  v1::ListRevisionsRequest a = Revisions("standards");
  v1::ListRevisionsRequest b = a;
  b.set_page_size(9);
  b.set_page_token("anything");
  EXPECT_EQ(QueryFingerprint(a), QueryFingerprint(b));
  b.set_headers_only(true);
  EXPECT_NE(QueryFingerprint(a), QueryFingerprint(b));
}

}  // namespace
}  // namespace seccoord::runtime
