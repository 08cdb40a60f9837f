// runtime/server/enum_fields.h: undefined enum values anywhere in a request
// are refused, naming the field path and the enum.
#include "services/runtime/server/enum_fields.h"

#include <gtest/gtest.h>

#include "seccoord/v1/assessment.pb.h"
#include "seccoord/v1/asset.pb.h"
#include "seccoord/v1/policy.pb.h"

namespace seccoord::runtime {
namespace {

TEST(CheckEnumFieldsTest, DefinedValuesAndUnsetFieldsPass) {
  v1::ListRevisionsRequest list;
  EXPECT_TRUE(CheckEnumFields(list).ok());
  list.set_state(v1::REVISION_STATE_PUBLISHED);
  EXPECT_TRUE(CheckEnumFields(list).ok());
  v1::CreateAssetRequest create;
  create.mutable_asset()->set_segment(v1::SEGMENT_INTERNET);
  create.mutable_asset()->add_connections()->set_asset_id("A-000001");
  EXPECT_TRUE(CheckEnumFields(create).ok());
}

TEST(CheckEnumFieldsTest, ATopLevelFieldIsNamedWithItsEnum) {
  v1::ListRevisionsRequest list;
  list.set_document_id("standards");
  list.set_state(static_cast<v1::RevisionState>(999));
  absl::Status status = CheckEnumFields(list);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "state: 999 is not a valid RevisionState");
}

TEST(CheckEnumFieldsTest, NestedAndRepeatedFieldsAreNamedByTheirPath) {
  v1::CreateAssetRequest create;
  create.mutable_asset()->set_lifecycle(static_cast<v1::Lifecycle>(-3));
  EXPECT_EQ(CheckEnumFields(create).message(), "asset.lifecycle: -3 is not a valid Lifecycle");

  v1::UpdateAnswersRequest answers;
  answers.add_answers()->set_result(v1::ITEM_RESULT_IMPLEMENTED);
  answers.add_answers()->set_result(static_cast<v1::ItemResult>(42));
  EXPECT_EQ(CheckEnumFields(answers).message(),
            "answers[1].result: 42 is not a valid ItemResult");
}

}  // namespace
}  // namespace seccoord::runtime
