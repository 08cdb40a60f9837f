// AssessmentLogic's aggregated status: the summary rows it writes with every
// change, the reads of status, federation and comparison, and the refresh
// of the facts read from peers (assessment_logic.h says what each does).
#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/proto_convert.h"
#include "common/status.h"
#include "common/utf8.h"
#include "common/wareki.h"
#include "services/assessment/assessment_logic.h"
#include "services/assessment/status.h"
#include "services/runtime/db/proto_column.h"
#include "services/runtime/paging.h"

namespace seccoord::assessment {
namespace {

using runtime::Caller;

constexpr char kFindingsFact[] = "findings";
constexpr char kDocumentsFact[] = "documents";
constexpr int kDefaultTrendYears = 5;
constexpr int kMaxTrendYears = 10;
constexpr int kMaxAdviceOfAssessment = 10000;

}  // namespace

absl::StatusOr<google::protobuf::RepeatedPtrField<v1::ItemAnswer>>
AssessmentLogic::CountedAnswers(AssessmentStore::Tx& tx, const v1::Assessment& a) {
  if (a.submissions_size() == 0) return a.answers();
  const int64_t latest = a.submissions(a.submissions_size() - 1).number();
  SECCOORD_ASSIGN_OR_RETURN(auto snapshot, tx.GetSubmission(a.id(), latest));
  if (!snapshot) {
    return absl::DataLossError(
        absl::StrCat("submission ", latest, " of ", a.id(), " is missing"));
  }
  return snapshot->answers();
}

absl::Status AssessmentLogic::WriteStatus(
    AssessmentStore::Tx& tx, const v1::Assessment& a, const v1::Checklist& checklist,
    const google::protobuf::RepeatedPtrField<v1::ItemAnswer>* given) {
  // The row shows the year's latest round only.
  SECCOORD_ASSIGN_OR_RETURN(int max_round, tx.MaxRound(a.organization(), a.fiscal_year()));
  if (a.round() < max_round) return absl::OkStatus();
  google::protobuf::RepeatedPtrField<v1::ItemAnswer> counted;
  if (given != nullptr) {
    counted = *given;
  } else {
    SECCOORD_ASSIGN_OR_RETURN(counted, CountedAnswers(tx, a));
  }
  AdviceFilter filter;
  filter.assessment_id = a.id();
  SECCOORD_ASSIGN_OR_RETURN(auto advice, tx.ListAdvice(filter, 0, kMaxAdviceOfAssessment));
  const int64_t counted_submission =
      a.submissions_size() == 0 ? 0 : a.submissions(a.submissions_size() - 1).number();
  return tx.UpsertStatus(
      SummarizeAssessment(a, checklist, counted, counted_submission, advice, clock_.now_us()));
}

absl::StatusOr<std::vector<std::string>> AssessmentLogic::FederationOrganizations() {
  std::set<std::string> orgs(status_config_.organizations.begin(),
                             status_config_.organizations.end());
  SECCOORD_RETURN_IF_ERROR(store_.Read([&](AssessmentStore::Tx& tx) -> absl::Status {
    SECCOORD_ASSIGN_OR_RETURN(auto with_rows, tx.StatusOrganizations());
    orgs.insert(with_rows.begin(), with_rows.end());
    return absl::OkStatus();
  }));
  return std::vector<std::string>(orgs.begin(), orgs.end());
}

absl::StatusOr<int> AssessmentLogic::StatusFiscalYear(int requested) {
  const int current = FiscalYearOf(clock_.today());
  if (requested == 0) return current;
  if (requested < kMinFiscalYear || requested > current + 1) {
    return InvalidField("fiscal_year", absl::StrCat(requested, " is out of range (",
                                                    kMinFiscalYear, "–", current + 1, ")"));
  }
  return requested;
}

bool AssessmentLogic::IsStale(const std::optional<AssessmentStore::Tx::PeerFact>& fact) {
  const int64_t stale_after = 3 * absl::ToInt64Microseconds(status_config_.refresh_period);
  return !fact || !fact->ok || fact->as_of_us == 0 ||
         clock_.now_us() - fact->as_of_us > stale_after;
}

AssessmentLogic::DocumentsFact AssessmentLogic::DocumentsFactOf(
    const std::optional<AssessmentStore::Tx::PeerFact>& documents) {
  DocumentsFact out;
  out.stale = IsStale(documents);
  if (!documents || documents->body.empty()) return out;
  v1::ListDocumentsResponse docs;
  if (!db::DecodeProtoColumn(documents->body, &docs, "policy documents").ok()) return out;
  out.as_of_us = documents->as_of_us;
  const CivilDate today = clock_.today();
  for (const auto& d : docs.documents()) {
    if (d.id() == kBasicPolicyDocument) out.revision_in_force = d.revision_in_force();
    if (d.review_due().year() == 0 ||
        !IsValidCivilDate(d.review_due().year(), d.review_due().month(), d.review_due().day()) ||
        FromProtoDate(d.review_due()) > today) {
      continue;
    }
    v1::DocumentReview review;
    review.set_document_id(d.id());
    review.set_title(d.title());
    review.set_revision_in_force(d.revision_in_force());
    *review.mutable_review_due() = d.review_due();
    out.review_due.push_back(std::move(review));
  }
  return out;
}

void AssessmentLogic::ApplyPeerFacts(const std::optional<AssessmentStore::Tx::PeerFact>& findings,
                                     const DocumentsFact& documents,
                                     v1::OrganizationStatus* status) {
  status->set_asset_findings_stale(IsStale(findings));
  if (findings && !findings->body.empty()) {
    v1::FindingsSummary summary;
    if (db::DecodeProtoColumn(findings->body, &summary, "findings summary").ok()) {
      *status->mutable_asset_findings() = std::move(summary);
      status->set_asset_findings_time_us(findings->as_of_us);
    }
  }
  status->set_documents_stale(documents.stale);
  status->set_documents_time_us(documents.as_of_us);
  status->set_revision_in_force(documents.revision_in_force);
  for (const auto& review : documents.review_due) *status->add_documents_review_due() = review;
  status->set_checklist_outdated(status->has_assessment() && status->revision_in_force() > 0 &&
                                 status->checklist_revision() < status->revision_in_force());
  CompleteAtRead(clock_.today(), clock_.now_us(), status);
}

absl::StatusOr<v1::OrganizationStatus> AssessmentLogic::GetOrganizationStatus(
    const Caller& caller, const v1::GetOrganizationStatusRequest& request) {
  const std::string organization =
      request.organization().empty() ? caller.principal.organization : request.organization();
  SECCOORD_RETURN_IF_ERROR(ValidateText("organization", organization, 64, false));
  SECCOORD_ASSIGN_OR_RETURN(int fiscal_year, StatusFiscalYear(request.fiscal_year()));
  v1::OrganizationStatus status;
  std::optional<AssessmentStore::Tx::PeerFact> findings, documents;
  bool known = std::find(status_config_.organizations.begin(), status_config_.organizations.end(),
                         organization) != status_config_.organizations.end();
  SECCOORD_RETURN_IF_ERROR(store_.Read([&](AssessmentStore::Tx& tx) -> absl::Status {
    SECCOORD_ASSIGN_OR_RETURN(auto row, tx.GetStatus(organization, fiscal_year));
    if (row) {
      status = *std::move(row);
      known = true;
    }
    if (!known) {
      // An organisation of no year at all is unknown (a typo), not empty.
      SECCOORD_ASSIGN_OR_RETURN(known, tx.HasStatus(organization));
    }
    if (!known) return absl::OkStatus();
    SECCOORD_ASSIGN_OR_RETURN(findings, tx.GetPeerFact(kFindingsFact, organization));
    SECCOORD_ASSIGN_OR_RETURN(documents, tx.GetPeerFact(kDocumentsFact, ""));
    return absl::OkStatus();
  }));
  if (!known) {
    return absl::NotFoundError(
        absl::StrCat("organization: no organisation ", organization, " in the federation"));
  }
  status.set_organization(organization);
  status.set_fiscal_year(fiscal_year);
  ApplyPeerFacts(findings, DocumentsFactOf(documents), &status);
  return status;
}

absl::StatusOr<v1::FederationStatus> AssessmentLogic::GetFederationStatus(
    const Caller& caller, const v1::GetFederationStatusRequest& request) {
  SECCOORD_ASSIGN_OR_RETURN(int fiscal_year, StatusFiscalYear(request.fiscal_year()));
  if (request.years() < 0 || request.years() > kMaxTrendYears) {
    return InvalidField("years", absl::StrCat("must be between 0 and ", kMaxTrendYears, " (0 = ",
                                              kDefaultTrendYears, ")"));
  }
  const int years = request.years() == 0 ? kDefaultTrendYears : request.years();
  const int first = fiscal_year - years + 1;
  SECCOORD_ASSIGN_OR_RETURN(
      int page_size, runtime::PageSize(request.page_size(), kMaxPageSize, kDefaultPageSize));
  SECCOORD_ASSIGN_OR_RETURN(std::string after,
                            runtime::DecodePageToken("federation", request, request.page_token()));
  // The page's organisations first (names only), then their rows: the
  // year's decoded, the trend from columns only, so a page costs one row
  // per organisation and year and decodes no answer.
  std::vector<std::string> page;
  bool more = false;
  std::vector<v1::OrganizationStatus> rows;
  std::vector<TrendRow> trend_rows;
  std::vector<std::pair<std::string, AssessmentStore::Tx::PeerFact>> findings;
  std::optional<AssessmentStore::Tx::PeerFact> documents;
  SECCOORD_RETURN_IF_ERROR(store_.Read([&](AssessmentStore::Tx& tx) -> absl::Status {
    // The configured organisations and the next page_size + 1 with rows
    // after the cursor: enough to fill the page and know whether more follow.
    std::set<std::string> orgs;
    for (const auto& org : status_config_.organizations) {
      if (org > after) orgs.insert(org);
    }
    SECCOORD_ASSIGN_OR_RETURN(auto with_rows, tx.StatusOrganizationsAfter(after, page_size + 1));
    orgs.insert(with_rows.begin(), with_rows.end());
    for (auto it = orgs.begin(); it != orgs.end(); ++it) {
      if (static_cast<int>(page.size()) == page_size) {
        more = true;
        break;
      }
      page.push_back(*it);
    }
    if (page.empty()) return absl::OkStatus();
    const std::string& from = page.front();
    const std::string& to = page.back();
    SECCOORD_ASSIGN_OR_RETURN(rows, tx.ListStatus(fiscal_year, fiscal_year, from, to));
    SECCOORD_ASSIGN_OR_RETURN(trend_rows, tx.ListTrend(first, fiscal_year, from, to));
    SECCOORD_ASSIGN_OR_RETURN(findings, tx.ListPeerFacts(kFindingsFact, from, to));
    SECCOORD_ASSIGN_OR_RETURN(documents, tx.GetPeerFact(kDocumentsFact, ""));
    return absl::OkStatus();
  }));
  std::map<std::string, v1::OrganizationStatus*> row_of;
  for (auto& r : rows) row_of[r.organization()] = &r;
  std::map<std::pair<std::string, int>, const TrendRow*> trend_of;
  for (const auto& t : trend_rows) trend_of[{t.organization, t.fiscal_year}] = &t;
  std::map<std::string, const AssessmentStore::Tx::PeerFact*> findings_of;
  for (const auto& [key, fact] : findings) findings_of[key] = &fact;
  const DocumentsFact documents_fact = DocumentsFactOf(documents);
  v1::FederationStatus out;
  out.set_fiscal_year(fiscal_year);
  out.set_first_fiscal_year(first);
  for (const auto& review : documents_fact.review_due) *out.add_documents_review_due() = review;
  out.set_documents_time_us(documents_fact.as_of_us);
  out.set_documents_stale(documents_fact.stale);
  if (more) out.set_next_page_token(runtime::EncodePageToken("federation", request, page.back()));
  for (const std::string& org : page) {
    v1::OrganizationStatus* s = out.add_organizations();
    if (auto it = row_of.find(org); it != row_of.end()) *s = std::move(*it->second);
    s->set_organization(org);
    s->set_fiscal_year(fiscal_year);
    auto f = findings_of.find(org);
    ApplyPeerFacts(f == findings_of.end() ? std::nullopt
                                          : std::optional<AssessmentStore::Tx::PeerFact>(*f->second),
                   documents_fact, s);
    // One row per organisation: the chapters and due dates stay in its own
    // status (GetOrganizationStatus).
    s->clear_chapters();
    s->clear_remediation_due_dates();
    s->mutable_asset_findings()->clear_by_rule();
    s->clear_documents_review_due();
    v1::OrganizationTrend* trend = out.add_trends();
    trend->set_organization(org);
    for (int fy = first; fy <= fiscal_year; ++fy) {
      v1::TrendPoint* point = trend->add_points();
      point->set_fiscal_year(fy);
      auto t = trend_of.find({org, fy});
      if (t == trend_of.end()) continue;
      point->set_has_assessment(true);
      point->set_state(t->second->state);
      point->set_implementation_rate(t->second->implementation_rate);
      point->set_has_rate(t->second->has_rate);
    }
  }
  return out;
}

absl::StatusOr<v1::AssessmentComparison> AssessmentLogic::CompareAssessments(
    const Caller& caller, const v1::CompareAssessmentsRequest& request) {
  v1::AssessmentComparison out;
  SECCOORD_RETURN_IF_ERROR(store_.Read([&](AssessmentStore::Tx& tx) -> absl::Status {
    SECCOORD_ASSIGN_OR_RETURN(v1::Assessment base,
                              ReadableAssessment(tx, caller, request.base_assessment_id()));
    SECCOORD_ASSIGN_OR_RETURN(v1::Assessment other,
                              ReadableAssessment(tx, caller, request.other_assessment_id()));
    if (base.organization() != other.organization()) {
      return InvalidField("other_assessment_id",
                          absl::StrCat(other.id(), " is of ", other.organization(), ", not of ",
                                       base.organization(), "; compare one organisation's"));
    }
    if (base.checklist_version() != other.checklist_version()) {
      return InvalidField("other_assessment_id",
                          absl::StrCat(other.id(), " answers checklist ", other.checklist_version(),
                                       " and ", base.id(), " checklist ",
                                       base.checklist_version(),
                                       "; there is no mapping between two versions"));
    }
    SECCOORD_ASSIGN_OR_RETURN(auto checklist,
                              Checklist(tx, base.checklist_version(), "checklist_version"));
    SECCOORD_ASSIGN_OR_RETURN(auto base_answers, CountedAnswers(tx, base));
    SECCOORD_ASSIGN_OR_RETURN(auto other_answers, CountedAnswers(tx, other));
    out = CompareAnswers(*checklist, base_answers, other_answers);
    base.clear_answers();
    other.clear_answers();
    *out.mutable_base() = std::move(base);
    *out.mutable_other() = std::move(other);
    return absl::OkStatus();
  }));
  return out;
}

absl::Status AssessmentLogic::RefreshFindings(const std::vector<std::string>& organizations) {
  absl::Status first_error;
  for (size_t i = 0; i < organizations.size(); ++i) {
    const std::string& org = organizations[i];
    auto summary = assets_.FindingsSummary(org);
    const int64_t now = clock_.now_us();
    if (!summary.ok()) first_error.Update(summary.status());
    absl::Status recorded = store_.Write([&](AssessmentStore::Tx& tx) {
      return tx.RecordPeerFact(kFindingsFact, org, summary.ok(), now,
                               summary.ok() ? db::EncodeProtoColumn(*summary) : "");
    });
    first_error.Update(recorded);
    // A peer that is down fails every organisation the same way: one try
    // per period is enough to say so.
    if (!summary.ok() && (summary.status().code() == absl::StatusCode::kUnavailable ||
                          summary.status().code() == absl::StatusCode::kDeadlineExceeded)) {
      for (size_t rest = i + 1; rest < organizations.size(); ++rest) {
        first_error.Update(store_.Write([&](AssessmentStore::Tx& tx) {
          return tx.RecordPeerFact(kFindingsFact, organizations[rest], false, now, "");
        }));
      }
      break;
    }
  }
  return first_error;
}

absl::Status AssessmentLogic::RefreshDocuments() {
  auto documents = policy_.ListDocuments();
  const int64_t now = clock_.now_us();
  v1::ListDocumentsResponse body;
  if (documents.ok()) {
    for (auto& d : *documents) *body.add_documents() = std::move(d);
  }
  SECCOORD_RETURN_IF_ERROR(store_.Write([&](AssessmentStore::Tx& tx) {
    return tx.RecordPeerFact(kDocumentsFact, "", documents.ok(), now,
                             documents.ok() ? db::EncodeProtoColumn(body) : "");
  }));
  return documents.status();
}

}  // namespace seccoord::assessment
