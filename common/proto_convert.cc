#include "common/proto_convert.h"

#include "absl/strings/str_format.h"
#include "common/status.h"

namespace seccoord {

v1::Date ToProtoDate(const CivilDate& date) {
  v1::Date out;
  out.set_year(date.year);
  out.set_month(date.month);
  out.set_day(date.day);
  return out;
}

CivilDate FromProtoDate(const v1::Date& date) {
  return CivilDate{date.year(), date.month(), date.day()};
}

absl::StatusOr<CivilDate> ValidProtoDate(std::string_view field, const v1::Date& date) {
  if (date.year() == 0 && date.month() == 0 && date.day() == 0) {
    return InvalidField(field, "required");
  }
  if (!IsValidCivilDate(date.year(), date.month(), date.day())) {
    return InvalidField(field, absl::StrFormat("%04d-%02d-%02d is not a valid date",
                                               date.year(), date.month(), date.day()));
  }
  return FromProtoDate(date);
}

PolicyText PolicyTextOf(const v1::Revision& revision) {
  PolicyText text;
  text.title = revision.title();
  for (const auto& a : revision.articles()) {
    Article article;
    article.number = a.number();
    article.label = a.label();
    article.heading = a.heading();
    article.body = a.body();
    article.chapter = a.chapter();
    article.heading_above = a.heading_above();
    text.articles.push_back(std::move(article));
  }
  return text;
}

void SetArticles(const PolicyText& text,
                 google::protobuf::RepeatedPtrField<v1::Article>* articles) {
  articles->Clear();
  for (const auto& a : text.articles) {
    v1::Article* out = articles->Add();
    out->set_number(a.number);
    out->set_label(a.label);
    out->set_heading(a.heading);
    out->set_body(a.body);
    out->set_chapter(a.chapter);
    out->set_heading_above(a.heading_above);
  }
}

void SetArticles(const PolicyText& text, v1::Revision* revision) {
  revision->set_title(text.title);
  SetArticles(text, revision->mutable_articles());
}

}  // namespace seccoord
