// AssessmentLogic's aggregated status: the summary rows it writes with every
// change, the reads of status, federation and comparison, and the refresh
// of the facts read from peers (assessment_logic.h says what each does).
#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <tuple>

#include "absl/strings/numbers.h"
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

constexpr int kDefaultTrendYears = 5;
constexpr int kMaxTrendYears = 10;
// Advice counted into one summary row: beyond any year's review.
constexpr int kMaxAdviceOfYear = 10000;

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
    AssessmentStore::Tx& tx, const v1::Assessment& changed, const v1::Checklist& checklist,
    const google::protobuf::RepeatedPtrField<v1::ItemAnswer>* given) {
  // First the row's lock, then every read (see LockStatus): the figures
  // are those of this change and of every change committed before it.
  SECCOORD_ASSIGN_OR_RETURN(const bool others_may_have_committed,
                            tx.LockStatus(changed.organization(), changed.fiscal_year()));
  // The row shows the year's latest round. A change of an earlier round
  // (its advice answered, closed or reopened, or new advice on it) changes
  // the latest round's row all the same: its open advice counts every
  // round's.
  SECCOORD_ASSIGN_OR_RETURN(int max_round,
                            tx.MaxRound(changed.organization(), changed.fiscal_year()));
  std::optional<v1::Assessment> stored;
  std::shared_ptr<const v1::Checklist> latest_checklist;
  if (changed.round() < max_round) {
    SECCOORD_ASSIGN_OR_RETURN(stored,
                              tx.LatestAssessment(changed.organization(), changed.fiscal_year()));
    if (!stored) {
      return absl::DataLossError(absl::StrCat("round ", max_round, " of ", changed.organization(),
                                              " ", changed.fiscal_year(), " is missing"));
    }
    SECCOORD_ASSIGN_OR_RETURN(latest_checklist,
                              Checklist(tx, stored->checklist_version(), "checklist_version"));
    given = nullptr;  // the changed round's answers, not the latest's
  } else if (others_may_have_committed) {
    // The assessment as it is now: the caller's own change, or, for a
    // change of its advice, the assessment as another writer may just
    // have left it.
    SECCOORD_ASSIGN_OR_RETURN(stored, tx.GetAssessment(changed.id()));
    if (!stored) {
      return absl::DataLossError(absl::StrCat("assessment ", changed.id(), " is missing"));
    }
  }
  const v1::Assessment& a = stored ? *stored : changed;
  const v1::Checklist& counted_checklist = latest_checklist ? *latest_checklist : checklist;
  google::protobuf::RepeatedPtrField<v1::ItemAnswer> counted;
  if (given != nullptr) {
    counted = *given;
  } else {
    SECCOORD_ASSIGN_OR_RETURN(counted, CountedAnswers(tx, a));
  }
  SECCOORD_ASSIGN_OR_RETURN(
      auto advice, tx.ListAdviceOfYear(a.organization(), a.fiscal_year(), kMaxAdviceOfYear));
  const int64_t counted_submission =
      a.submissions_size() == 0 ? 0 : a.submissions(a.submissions_size() - 1).number();
  return tx.UpsertStatus(SummarizeAssessment(a, counted_checklist, counted, counted_submission,
                                             advice, clock_.now_us()));
}

absl::Status AssessmentLogic::RecountYearsOfManyRounds() {
  return store_.Write([&](AssessmentStore::Tx& tx) -> absl::Status {
    SECCOORD_ASSIGN_OR_RETURN(bool claimed, tx.ClaimRoundsRecount());
    if (!claimed) return absl::OkStatus();  // done before (or by a replica)
    SECCOORD_ASSIGN_OR_RETURN(auto years, tx.YearsOfManyRounds());
    for (const auto& [organization, fiscal_year] : years) {
      SECCOORD_ASSIGN_OR_RETURN(auto latest, tx.LatestAssessment(organization, fiscal_year));
      if (!latest) continue;
      SECCOORD_ASSIGN_OR_RETURN(auto checklist,
                                Checklist(tx, latest->checklist_version(), "checklist_version"));
      SECCOORD_RETURN_IF_ERROR(WriteStatus(tx, *latest, *checklist));
    }
    return absl::OkStatus();
  });
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

bool AssessmentLogic::IsStale(bool ok, int64_t as_of_us) {
  const int64_t stale_after = 3 * absl::ToInt64Microseconds(status_config_.refresh_period);
  return !ok || as_of_us == 0 || clock_.now_us() - as_of_us > stale_after;
}

AssessmentLogic::DocumentsFact AssessmentLogic::DocumentsFactOf(
    const DocumentsFactRead* documents) {
  DocumentsFact out;
  out.stale = documents == nullptr || IsStale(documents->ok, documents->as_of_us);
  if (documents == nullptr || !documents->has_value) return out;
  out.as_of_us = documents->as_of_us;
  const CivilDate today = clock_.today();
  for (const auto& d : documents->value.documents()) {
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

void AssessmentLogic::ApplyPeerFacts(const FindingsFact* findings, bool totals_only,
                                     const DocumentsFact& documents,
                                     v1::OrganizationStatus* status) {
  status->set_asset_findings_stale(findings == nullptr ||
                                   IsStale(findings->ok, findings->as_of_us));
  if (findings != nullptr && findings->has_value) {
    *status->mutable_asset_findings() = findings->value;
    if (totals_only) status->mutable_asset_findings()->clear_by_rule();
    status->set_asset_findings_time_us(findings->as_of_us);
  }
  status->set_documents_stale(documents.stale);
  status->set_documents_time_us(documents.as_of_us);
  status->set_revision_in_force(documents.revision_in_force);
  status->set_checklist_outdated(status->has_assessment() && status->revision_in_force() > 0 &&
                                 status->checklist_revision() < status->revision_in_force());
  CompleteAtRead(clock_.today(), clock_.now_us(), status);
}

absl::StatusOr<v1::OrganizationStatus> AssessmentLogic::GetOrganizationStatus(
    const Caller& caller, const v1::GetOrganizationStatusRequest& request) {
  SECCOORD_ASSIGN_OR_RETURN(std::shared_ptr<const std::string> encoded,
                            EncodedOrganizationStatus(caller, request));
  v1::OrganizationStatus out;
  if (!out.ParseFromString(*encoded)) return absl::InternalError("status does not decode");
  return out;
}

absl::StatusOr<std::shared_ptr<const std::string>> AssessmentLogic::EncodedOrganizationStatus(
    const Caller& caller, const v1::GetOrganizationStatusRequest& request) {
  const std::string organization =
      request.organization().empty() ? caller.principal.organization : request.organization();
  SECCOORD_RETURN_IF_ERROR(ValidateText("organization", organization, 64, false));
  SECCOORD_ASSIGN_OR_RETURN(int fiscal_year, StatusFiscalYear(request.fiscal_year()));
  const std::string key = absl::StrCat(fiscal_year, "/", organization);
  // As for a federation page: the peer facts' generation before the facts
  // are read, the status version before the row.
  StatusReplyCache::Version version;
  SECCOORD_ASSIGN_OR_RETURN(version.peer_facts, peer_facts_.Generation());
  v1::OrganizationStatus status;
  bool known = false;
  // Statements of their own, no snapshot to share: the version, then (when
  // the cache has no reply of that version) the row, and only for an
  // organisation without this year's row whether it has any.
  std::shared_ptr<const std::string> cached;
  const int64_t now_us = clock_.now_us();
  SECCOORD_RETURN_IF_ERROR(store_.Read(
      [&](AssessmentStore::Tx& tx) -> absl::Status {
        SECCOORD_ASSIGN_OR_RETURN(version.status, tx.StatusVersion());
        cached = organization_statuses_.Find(key, version, now_us);
        if (cached) return absl::OkStatus();
        known = std::find(status_config_.organizations.begin(),
                          status_config_.organizations.end(),
                          organization) != status_config_.organizations.end();
        SECCOORD_ASSIGN_OR_RETURN(auto row, tx.GetStatus(organization, fiscal_year));
        if (row) {
          status = *std::move(row);
          known = true;
        }
        if (!known) {
          // An organisation of no year at all is unknown (a typo), not empty.
          SECCOORD_ASSIGN_OR_RETURN(known, tx.HasStatus(organization));
        }
        return absl::OkStatus();
      },
      db::TxMode::kReadOnlyPerStatement));
  if (cached) return cached;
  if (!known) {
    return absl::NotFoundError(
        absl::StrCat("organization: no organisation ", organization, " in the federation"));
  }
  SECCOORD_ASSIGN_OR_RETURN(std::shared_ptr<const FindingsFact> findings,
                            peer_facts_.Findings(organization));
  SECCOORD_ASSIGN_OR_RETURN(std::shared_ptr<const DocumentsFactRead> documents,
                            peer_facts_.Documents());
  status.set_organization(organization);
  status.set_fiscal_year(fiscal_year);
  const DocumentsFact documents_fact = DocumentsFactOf(documents.get());
  ApplyPeerFacts(findings.get(), /*totals_only=*/false, documents_fact, &status);
  for (const auto& review : documents_fact.review_due) *status.add_documents_review_due() = review;
  auto reply = std::make_shared<const std::string>(status.SerializeAsString());
  organization_statuses_.Store(key, version, now_us, reply);
  return reply;
}

absl::StatusOr<v1::FederationStatus> AssessmentLogic::GetFederationStatus(
    const Caller& caller, const v1::GetFederationStatusRequest& request) {
  SECCOORD_ASSIGN_OR_RETURN(std::shared_ptr<const std::string> page,
                            EncodedFederationStatus(caller, request));
  v1::FederationStatus out;
  if (!out.ParseFromString(*page)) return absl::InternalError("federation page does not decode");
  return out;
}

absl::StatusOr<std::shared_ptr<const std::string>> AssessmentLogic::EncodedFederationStatus(
    const Caller& caller, const v1::GetFederationStatusRequest& request) {
  SECCOORD_ASSIGN_OR_RETURN(int fiscal_year, StatusFiscalYear(request.fiscal_year()));
  if (request.years() < 0 || request.years() > kMaxTrendYears) {
    return InvalidField("years", absl::StrCat("must be between 0 and ", kMaxTrendYears, " (0 = ",
                                              kDefaultTrendYears, ")"));
  }
  const int years = request.years() == 0 ? kDefaultTrendYears : request.years();
  SECCOORD_ASSIGN_OR_RETURN(
      int page_size, runtime::PageSize(request.page_size(), kMaxPageSize, kDefaultPageSize));
  const runtime::PageTokenCodec tokens("federation", request);
  SECCOORD_ASSIGN_OR_RETURN(std::string cursor, tokens.Decode(request.page_token()));
  // The cursor is "<fiscal year>\x1f<last organisation listed>": a walk of
  // fiscal year 0 (the current one) begun on 31 March ends in the year it
  // began, not with the next year's rows after 1 April.
  std::string after;
  if (!cursor.empty()) {
    const size_t separator = cursor.find('\x1f');
    int cursor_year = 0;
    if (separator == std::string::npos ||
        !absl::SimpleAtoi(absl::string_view(cursor).substr(0, separator), &cursor_year) ||
        cursor_year == 0 || (request.fiscal_year() != 0 && cursor_year != fiscal_year) ||
        !StatusFiscalYear(cursor_year).ok()) {
      return InvalidField("page_token", "malformed; pass next_page_token of a previous response");
    }
    fiscal_year = cursor_year;
    after = cursor.substr(separator + 1);
  }
  // The page as resolved and as asked (the next page's token is issued for
  // the fields as the caller gave them).
  const std::string key = absl::StrCat(fiscal_year, "/", request.fiscal_year(), "/",
                                       request.years(), "/", page_size, "/", after);
  // The peer facts' generation before the facts are read (see
  // status_reply_cache.h), the status version by one point read.
  StatusReplyCache::Version version;
  SECCOORD_ASSIGN_OR_RETURN(version.peer_facts, peer_facts_.Generation());
  SECCOORD_RETURN_IF_ERROR(store_.Read(
      [&](AssessmentStore::Tx& tx) -> absl::Status {
        SECCOORD_ASSIGN_OR_RETURN(version.status, tx.StatusVersion());
        return absl::OkStatus();
      },
      db::TxMode::kReadOnlyPerStatement));
  const int64_t now_us = clock_.now_us();
  if (auto page = federation_pages_.Find(key, version, now_us)) return page;
  SECCOORD_ASSIGN_OR_RETURN(
      v1::FederationStatus built,
      BuildFederationPage(fiscal_year, years, page_size, after, tokens, &version.status));
  auto page = std::make_shared<const std::string>(built.SerializeAsString());
  federation_pages_.Store(key, version, now_us, page);
  return page;
}

absl::StatusOr<v1::FederationStatus> AssessmentLogic::BuildFederationPage(
    int fiscal_year, int years, int page_size, const std::string& after,
    const runtime::PageTokenCodec& tokens, int64_t* status_version) {
  const int first = fiscal_year - years + 1;
  // The page's organisations first (names only), then their rows: the
  // year's decoded, the trend from columns only, so a page costs one row
  // per organisation and year and decodes no answer; the peer facts come
  // decoded from memory.
  std::vector<std::string> page;
  bool more = false;
  std::vector<v1::OrganizationStatus> rows;
  std::vector<TrendRow> trend_rows;
  SECCOORD_RETURN_IF_ERROR(store_.Read([&](AssessmentStore::Tx& tx) -> absl::Status {
    // The version of the rows this snapshot shows.
    SECCOORD_ASSIGN_OR_RETURN(*status_version, tx.StatusVersion());
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
    SECCOORD_ASSIGN_OR_RETURN(rows, tx.ListStatusOfYear(fiscal_year, from, to));
    SECCOORD_ASSIGN_OR_RETURN(trend_rows, tx.ListTrend(first, fiscal_year, from, to));
    return absl::OkStatus();
  }));
  std::map<std::string, std::shared_ptr<const FindingsFact>> findings;
  if (!page.empty()) {
    SECCOORD_ASSIGN_OR_RETURN(findings, peer_facts_.FindingsBetween(page.front(), page.back()));
  }
  SECCOORD_ASSIGN_OR_RETURN(std::shared_ptr<const DocumentsFactRead> documents,
                            peer_facts_.Documents());
  // Walk the rows and trend points beside the page, all in byte order (the
  // page's order; a PostgreSQL collation may sort the SQL rows otherwise).
  std::sort(rows.begin(), rows.end(),
            [](const v1::OrganizationStatus& a, const v1::OrganizationStatus& b) {
              return a.organization() < b.organization();
            });
  std::sort(trend_rows.begin(), trend_rows.end(), [](const TrendRow& a, const TrendRow& b) {
    return std::tie(a.organization, a.fiscal_year) < std::tie(b.organization, b.fiscal_year);
  });
  auto row = rows.begin();
  auto point_row = trend_rows.begin();
  const DocumentsFact documents_fact = DocumentsFactOf(documents.get());
  v1::FederationStatus out;
  out.set_fiscal_year(fiscal_year);
  out.set_first_fiscal_year(first);
  for (const auto& review : documents_fact.review_due) *out.add_documents_review_due() = review;
  out.set_documents_time_us(documents_fact.as_of_us);
  out.set_documents_stale(documents_fact.stale);
  if (more) out.set_next_page_token(tokens.Encode(absl::StrCat(fiscal_year, "\x1f", page.back())));
  out.mutable_organizations()->Reserve(static_cast<int>(page.size()));
  out.mutable_trends()->Reserve(static_cast<int>(page.size()));
  for (const std::string& org : page) {
    v1::OrganizationStatus* s = out.add_organizations();
    while (row != rows.end() && row->organization() < org) ++row;
    if (row != rows.end() && row->organization() == org) *s = std::move(*row);
    s->set_organization(org);
    s->set_fiscal_year(fiscal_year);
    auto f = findings.find(org);
    ApplyPeerFacts(f == findings.end() ? nullptr : f->second.get(), /*totals_only=*/true,
                   documents_fact, s);
    // One row per organisation: the chapters and due dates stay in its own
    // status (GetOrganizationStatus).
    s->clear_chapters();
    s->clear_remediation_due_dates();
    v1::OrganizationTrend* trend = out.add_trends();
    trend->set_organization(org);
    while (point_row != trend_rows.end() && point_row->organization < org) ++point_row;
    for (int fy = first; fy <= fiscal_year; ++fy) {
      v1::TrendPoint* point = trend->add_points();
      point->set_fiscal_year(fy);
      while (point_row != trend_rows.end() && point_row->organization == org &&
             point_row->fiscal_year < fy) {
        ++point_row;
      }
      if (point_row == trend_rows.end() || point_row->organization != org ||
          point_row->fiscal_year != fy) {
        continue;
      }
      point->set_has_assessment(true);
      point->set_state(point_row->state);
      point->set_implementation_rate(point_row->implementation_rate);
      point->set_has_rate(point_row->has_rate);
    }
  }
  return out;
}

absl::StatusOr<v1::AssessmentComparison> AssessmentLogic::CompareAssessments(
    const Caller& caller, const v1::CompareAssessmentsRequest& request) {
  v1::AssessmentComparison out;
  SECCOORD_RETURN_IF_ERROR(store_.Read([&](AssessmentStore::Tx& tx) -> absl::Status {
    SECCOORD_ASSIGN_OR_RETURN(
        v1::Assessment base,
        ReadableAssessment(tx, caller, request.base_assessment_id(), "base_assessment_id"));
    SECCOORD_ASSIGN_OR_RETURN(
        v1::Assessment other,
        ReadableAssessment(tx, caller, request.other_assessment_id(), "other_assessment_id"));
    if (base.id() == other.id()) {
      return InvalidField("other_assessment_id",
                          absl::StrCat("is ", base.id(), " again; compare two assessments"));
    }
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

absl::Status AssessmentLogic::RefreshFindings(const std::vector<std::string>& organizations,
                                              const std::function<bool()>& stopping) {
  // Facts per commit: a round over every organisation of the country holds
  // the write lock for a batch at a time, and costs a commit per batch.
  constexpr size_t kBatch = 100;
  absl::Status first_error;
  std::vector<PeerFactCache::FindingsRead> batch;
  auto flush = [&] {
    first_error.Update(peer_facts_.RecordFindings(batch));
    batch.clear();
  };
  for (size_t i = 0; i < organizations.size(); ++i) {
    if (stopping && stopping()) {
      flush();
      first_error.Update(absl::CancelledError("findings refresh stopped: the server is stopping"));
      return first_error;
    }
    const std::string& org = organizations[i];
    auto summary = assets_.FindingsSummary(org);
    const int64_t now = clock_.now_us();
    PeerFactCache::FindingsRead read;
    read.organization = org;
    read.time_us = now;
    if (summary.ok()) {
      read.summary = *std::move(summary);
    } else {
      first_error.Update(summary.status());
    }
    batch.push_back(std::move(read));
    // A peer that is down fails every organisation the same way: one try
    // per period is enough to say so.
    if (!summary.ok() && (summary.status().code() == absl::StatusCode::kUnavailable ||
                          summary.status().code() == absl::StatusCode::kDeadlineExceeded)) {
      for (size_t rest = i + 1; rest < organizations.size(); ++rest) {
        PeerFactCache::FindingsRead failed;
        failed.organization = organizations[rest];
        failed.time_us = now;
        batch.push_back(std::move(failed));
        if (batch.size() >= kBatch) flush();
      }
      break;
    }
    if (batch.size() >= kBatch) flush();
  }
  flush();
  return first_error;
}

absl::Status AssessmentLogic::RefreshDocuments() {
  // Without it, a periodic read that began before a publication could be
  // recorded after the read its event started, and show the documents as
  // they were before it until the next period.
  std::lock_guard<std::mutex> one_at_a_time(documents_refresh_mu_);
  auto documents = policy_.ListDocuments();
  const int64_t now = clock_.now_us();
  v1::ListDocumentsResponse body;
  if (documents.ok()) {
    for (auto& d : *documents) *body.add_documents() = std::move(d);
  }
  SECCOORD_RETURN_IF_ERROR(peer_facts_.RecordDocuments(now, documents.ok() ? &body : nullptr));
  return documents.status();
}

}  // namespace seccoord::assessment
