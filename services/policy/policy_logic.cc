#include "services/policy/policy_logic.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/policy_diff.h"
#include "common/policy_text.h"
#include "common/proto_convert.h"
#include "common/status.h"
#include "common/utf8.h"
#include "services/runtime/auth/concealed_refusal.h"
#include "services/runtime/paging.h"

namespace seccoord::policy {
namespace {

using runtime::Caller;
using runtime::Permission;

constexpr char kCreate[] = "/seccoord.v1.PolicyService/CreateRevision";
constexpr char kUpdate[] = "/seccoord.v1.PolicyService/UpdateRevision";
constexpr char kSubmit[] = "/seccoord.v1.PolicyService/SubmitRevision";
constexpr char kApprove[] = "/seccoord.v1.PolicyService/ApproveRevision";
constexpr char kPublish[] = "/seccoord.v1.PolicyService/PublishRevision";
constexpr char kWithdraw[] = "/seccoord.v1.PolicyService/WithdrawRevision";
constexpr char kAcknowledge[] = "/seccoord.v1.PolicyService/AcknowledgeRevision";
constexpr char kComment[] = "/seccoord.v1.PolicyService/AddRevisionComment";

// The organisations of the union, listed in acknowledgement coverage even
// when nobody of them has acknowledged yet.
const std::vector<std::string>& Organizations() {
  static const auto* orgs = new std::vector<std::string>{
      "kasama-union", "kasama-city", "mito-city", "shirosato-town"};
  return *orgs;
}

bool IsPublishedState(v1::RevisionState state) {
  return state == v1::REVISION_STATE_PUBLISHED || state == v1::REVISION_STATE_SUPERSEDED;
}

std::string StateName(v1::RevisionState state) {
  std::string name = v1::RevisionState_Name(state);
  constexpr std::string_view kPrefix = "REVISION_STATE_";
  if (name.rfind(kPrefix, 0) == 0) name = name.substr(kPrefix.size());
  return name;
}

std::string Target(const std::string& document_id, int64_t number) {
  return absl::StrCat("documents/", document_id, "/revisions/", number);
}

// The object a mutation's response is about, for its audit entry.
std::string TargetOf(const v1::Revision& r) { return Target(r.document_id(), r.number()); }
std::string TargetOf(const v1::Acknowledgement& a) {
  return Target(a.document_id(), a.revision_number());
}
std::string TargetOf(const v1::RevisionComment& c) {
  return absl::StrCat(Target(c.document_id(), c.revision_number()), "/comments/", c.id());
}

Permission PublishedPermission(v1::Visibility visibility) {
  switch (visibility) {
    case v1::VISIBILITY_PUBLIC: return Permission::kReadPublicRevisions;
    case v1::VISIBILITY_MEMBERS: return Permission::kReadMembersRevisions;
    default: return Permission::kReadUnionOnlyRevisions;
  }
}

absl::Status ValidateDocumentId(const std::string& id) {
  if (id.empty()) return InvalidField("document_id", "required");
  if (id.size() > 64) return InvalidField("document_id", "exceeds 64 bytes");
  return absl::OkStatus();
}

absl::Status ValidateNumber(std::string_view field, int64_t number) {
  if (number <= 0) return InvalidField(field, "must be a revision number of 1 or more");
  return absl::OkStatus();
}

absl::Status ValidateEtag(const std::string& etag) {
  if (etag.size() > 64) return InvalidField("etag", "exceeds 64 bytes");
  return absl::OkStatus();
}

// Title and articles of a draft: bounded, valid UTF-8, known article
// numbers, no duplicates.
absl::Status ValidateContent(const std::string& title,
                             const google::protobuf::RepeatedPtrField<v1::Article>& articles) {
  SECCOORD_RETURN_IF_ERROR(ValidateText("title", title, kMaxTitleBytes, /*allow_empty=*/false));
  if (articles.empty()) return InvalidField("articles", "at least one article is required");
  if (articles.size() > kMaxArticles) {
    return absl::ResourceExhaustedError(
        absl::StrCat("articles: at most ", kMaxArticles, " articles, got ", articles.size()));
  }
  std::set<std::string> seen;
  for (int i = 0; i < articles.size(); ++i) {
    const v1::Article& a = articles[i];
    const std::string at = absl::StrCat("articles[", i, "]");
    SECCOORD_RETURN_IF_ERROR(ValidateText(at + ".number", a.number(), kMaxLabelBytes, false));
    auto normalized = NormalizeArticleNumber(a.number());
    if (!normalized.ok() || *normalized != a.number()) {
      return InvalidField(at + ".number",
                          absl::StrCat("\"", a.number(),
                                       "\" is not a normalised article number such as 第1, 第1条, 1, 附則 or 前文"));
    }
    if (!seen.insert(a.number()).second) {
      return InvalidField(at + ".number", absl::StrCat(a.number(), " appears twice"));
    }
    SECCOORD_RETURN_IF_ERROR(ValidateText(at + ".label", a.label(), kMaxLabelBytes, true));
    SECCOORD_RETURN_IF_ERROR(ValidateText(at + ".heading", a.heading(), kMaxHeadingBytes, true));
    SECCOORD_RETURN_IF_ERROR(ValidateText(at + ".chapter", a.chapter(), kMaxHeadingBytes, true));
    SECCOORD_RETURN_IF_ERROR(ValidateText(at + ".body", a.body(), kMaxBodyBytes, true));
  }
  return absl::OkStatus();
}

std::string NextEtag(const std::string& etag) {
  int64_t version = 0;
  if (!absl::SimpleAtoi(etag, &version)) version = 0;
  return absl::StrCat(version + 1);
}

absl::Status CheckEtag(const v1::Revision& revision, const std::string& etag) {
  if (!etag.empty() && etag != revision.etag()) {
    return absl::AbortedError(absl::StrCat("etag: revision ", revision.number(),
                                           " has changed since it was read (etag ", etag,
                                           ", now ", revision.etag(), "); read it again"));
  }
  return absl::OkStatus();
}

// What a caller gets for a revision that does not exist, and for one it may
// not see (PresentRevision): the same code and the same words.
absl::Status NoSuchRevision(const std::string& document_id, int64_t number) {
  return absl::NotFoundError(
      absl::StrCat("number: document ", document_id, " has no revision ", number));
}

// Page tokens of ListRevisions carry the last revision number listed, bound
// to the request's document and filters (runtime/paging.h).
constexpr char kRevisionsPageKind[] = "revisions";

absl::StatusOr<int64_t> RevisionsAfter(const runtime::PageTokenCodec& tokens,
                                       const v1::ListRevisionsRequest& request) {
  SECCOORD_ASSIGN_OR_RETURN(std::string cursor, tokens.Decode(request.page_token()));
  int64_t n = 0;
  if (!cursor.empty() && (!absl::SimpleAtoi(cursor, &n) || n < 0)) {
    return InvalidField("page_token", "malformed; pass next_page_token of a previous response");
  }
  return n;
}

}  // namespace

bool MayReadPublished(const Caller& caller, v1::Visibility visibility) {
  return caller.Has(PublishedPermission(visibility));
}

template <typename Response>
absl::StatusOr<Response> PolicyLogic::Idempotent(
    const Caller& caller, const std::string& request_id, const char* method,
    const std::function<absl::StatusOr<Response>(PolicyStore::Tx&)>& body) {
  bool performed = false;
  auto response = runtime::RunMutation<Response>(
      store_.database(), {caller, request_id, method, clock_.now_us(), auditor_},
      [&](db::Transaction& transaction) {
        PolicyStore::Tx tx(transaction);
        return body(tx);
      },
      [](const Response& r) { return TargetOf(r); }, &performed);
  // Every policy mutation appends a revision event or changes what watchers
  // read; wake them once the commit is durable.
  if (response.ok() && performed && notifier_ != nullptr) notifier_->Notify();
  return response;
}

absl::StatusOr<const std::optional<std::pair<int64_t, v1::Date>>*>
PolicyLogic::InForceToday::Get(PolicyStore::Tx& tx) {
  if (!known_) {
    SECCOORD_ASSIGN_OR_RETURN(auto in_force,
                              tx.PublishedInForce(document_id_,
                                                  FormatIsoDate(today_), false));
    if (in_force) value_.emplace(in_force->number(), in_force->effective_date());
    known_ = true;
  }
  return &value_;
}

void PolicyLogic::InForceToday::Set(int64_t number, const v1::Date& effective_date) {
  value_.emplace(number, effective_date);
  known_ = true;
}

absl::Status PolicyLogic::CheckDocumentVisible(const Caller& caller,
                                               const std::string& document_id,
                                               const v1::Document* document) {
  if (document == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("document_id: no document \"", document_id,
                     "\" (known: basic-policy, standards, procedures)"));
  }
  if (!MayReadPublished(caller, document->visibility())) {
    return absl::PermissionDeniedError(absl::StrCat(
        caller.Uri(), " may not read document ", document_id, " (",
        v1::Visibility_Name(document->visibility()), "; needs ",
        std::string(runtime::PermissionName(PublishedPermission(document->visibility()))), ")"));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Document> PolicyLogic::VisibleDocument(PolicyStore::Tx& tx,
                                                          const Caller& caller,
                                                          const std::string& document_id) {
  SECCOORD_RETURN_IF_ERROR(ValidateDocumentId(document_id));
  SECCOORD_ASSIGN_OR_RETURN(auto document, tx.GetDocument(document_id));
  SECCOORD_RETURN_IF_ERROR(
      CheckDocumentVisible(caller, document_id, document ? &*document : nullptr));
  return *std::move(document);
}

v1::Document PolicyLogic::PresentDocument(const Caller& caller, DocumentState state) {
  v1::Document document = std::move(state.document);
  // The derived fields: revision in force, review due, latest revision.
  if (state.in_force_number > 0) {
    document.set_revision_in_force(state.in_force_number);
    *document.mutable_in_force_since() = state.in_force_since;
    if (document.review_interval_months() > 0) {
      CivilDate due = FromProtoDate(state.in_force_since);
      int months = due.month - 1 + document.review_interval_months();
      due.year += months / 12;
      due.month = months % 12 + 1;
      due.day = std::min(due.day, DaysInMonth(due.year, due.month));
      *document.mutable_review_due() = ToProtoDate(due);
    }
  }
  document.set_latest_revision(caller.Has(Permission::kReadDrafts) ? state.max_number
                                                                   : state.last_published);
  return document;
}

absl::StatusOr<v1::Revision> PolicyLogic::VisibleRevision(PolicyStore::Tx& tx,
                                                          const Caller& caller,
                                                          const v1::Document& document,
                                                          int64_t number, bool with_articles,
                                                          InForceToday* today, ArticleForm form) {
  SECCOORD_ASSIGN_OR_RETURN(auto revision, tx.GetRevision(document.id(), number, false));
  if (!revision) return NoSuchRevision(document.id(), number);
  if (today != nullptr) {
    return PresentRevision(tx, caller, document, *std::move(revision), with_articles, today,
                           form);
  }
  InForceToday fresh(clock_.today(), document.id());
  return PresentRevision(tx, caller, document, *std::move(revision), with_articles, &fresh,
                         form);
}

absl::StatusOr<v1::Revision> PolicyLogic::PresentRevision(PolicyStore::Tx& tx,
                                                          const Caller& caller,
                                                          const v1::Document& document,
                                                          v1::Revision revision,
                                                          bool with_articles,
                                                          InForceToday* today,
                                                          ArticleForm form) {
  if (!IsPublishedState(revision.state()) && !caller.Has(Permission::kReadDrafts)) {
    // Answered as if it did not exist, so that nobody learns of a draft from
    // an error; the audit chain keeps the real reason.
    return runtime::ConcealedRefusal(
        NoSuchRevision(document.id(), revision.number()),
        absl::StrCat(caller.Uri(), " may not read revision ", revision.number(), " of ",
                     document.id(), ": it is ", StateName(revision.state()),
                     " and reading unpublished revisions needs read_drafts"));
  }
  if (with_articles) SECCOORD_RETURN_IF_ERROR(tx.LoadArticles(revision, form));
  if (revision.state() == v1::REVISION_STATE_PUBLISHED) {
    SECCOORD_ASSIGN_OR_RETURN(const auto* in_force, today->Get(tx));
    if (*in_force && (*in_force)->first == revision.number()) {
      revision.set_in_force(true);
    } else if (*in_force && revision.effective_date().year() != 0 &&
               FromProtoDate(revision.effective_date()) <=
                   FromProtoDate((*in_force)->second)) {
      // A later revision has taken effect.
      revision.set_state(v1::REVISION_STATE_SUPERSEDED);
    }
  }
  return revision;
}

absl::StatusOr<v1::ListDocumentsResponse> PolicyLogic::ListDocuments(const Caller& caller) {
  v1::ListDocumentsResponse response;
  const std::string today = FormatIsoDate(clock_.today());
  // One statement: no snapshot to share.
  SECCOORD_RETURN_IF_ERROR(store_.ReadPerStatement([&](PolicyStore::Tx& tx) -> absl::Status {
    SECCOORD_ASSIGN_OR_RETURN(auto states, tx.DocumentStates(today, nullptr));
    const bool drafts = caller.Has(Permission::kReadDrafts);
    for (auto& state : states) {
      if (!MayReadPublished(caller, state.document.visibility())) continue;
      // Others than readers of drafts see a document once it has a revision
      // they can read: a published one.
      if (!drafts && state.last_published == 0) continue;
      *response.add_documents() = PresentDocument(caller, std::move(state));
    }
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<v1::Document> PolicyLogic::GetDocument(const Caller& caller,
                                                      const v1::GetDocumentRequest& request) {
  SECCOORD_RETURN_IF_ERROR(ValidateDocumentId(request.document_id()));
  const std::string today = FormatIsoDate(clock_.today());
  v1::Document document;
  // One statement: no snapshot to share.
  SECCOORD_RETURN_IF_ERROR(store_.ReadPerStatement([&](PolicyStore::Tx& tx) -> absl::Status {
    SECCOORD_ASSIGN_OR_RETURN(auto states, tx.DocumentStates(today, &request.document_id()));
    SECCOORD_RETURN_IF_ERROR(CheckDocumentVisible(
        caller, request.document_id(), states.empty() ? nullptr : &states.front().document));
    document = PresentDocument(caller, std::move(states.front()));
    return absl::OkStatus();
  }));
  return document;
}

absl::StatusOr<v1::ListRevisionsResponse> PolicyLogic::ListRevisions(
    const Caller& caller, const v1::ListRevisionsRequest& request, ArticleForm form) {
  SECCOORD_ASSIGN_OR_RETURN(
      const int page_size, runtime::PageSize(request.page_size(), kMaxPageSize, kDefaultPageSize));
  const runtime::PageTokenCodec tokens(kRevisionsPageKind, request);
  SECCOORD_ASSIGN_OR_RETURN(const int64_t after, RevisionsAfter(tokens, request));
  const CivilDate today = clock_.today();
  v1::ListRevisionsResponse response;
  SECCOORD_RETURN_IF_ERROR(store_.Read([&](PolicyStore::Tx& tx) -> absl::Status {
    SECCOORD_ASSIGN_OR_RETURN(auto document, VisibleDocument(tx, caller, request.document_id()));
    InForceToday in_force_today(today, document.id());
    const bool drafts = caller.Has(Permission::kReadDrafts);
    int64_t cursor = after;
    // Read in batches until the page is full of revisions the caller may see.
    while (response.revisions_size() < page_size) {
      SECCOORD_ASSIGN_OR_RETURN(auto batch, tx.ListRevisions(document.id(), cursor, page_size,
                                                             /*with_articles=*/false));
      if (batch.empty()) { cursor = -1; break; }
      for (auto& r : batch) {
        cursor = r.number();
        if (!drafts && !IsPublishedState(r.state())) continue;
        // The rows of this snapshot, presented like GetRevision presents them.
        SECCOORD_ASSIGN_OR_RETURN(
            auto visible, PresentRevision(tx, caller, document, std::move(r),
                                          !request.headers_only(), &in_force_today, form));
        if (request.state() != v1::REVISION_STATE_UNSPECIFIED && visible.state() != request.state()) {
          continue;
        }
        *response.add_revisions() = std::move(visible);
        if (response.revisions_size() == page_size) break;
      }
    }
    if (cursor > 0) {
      // Against the highest revision the caller may see: a next page of
      // drafts it may not read would tell that they exist.
      SECCOORD_ASSIGN_OR_RETURN(int64_t max,
                                tx.MaxRevisionNumber(document.id(), /*published_only=*/!drafts));
      if (cursor < max) {
        response.set_next_page_token(tokens.Encode(absl::StrCat(cursor)));
      }
    }
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<v1::Revision> PolicyLogic::GetRevision(const Caller& caller,
                                                      const v1::GetRevisionRequest& request,
                                                      ArticleForm form) {
  const CivilDate today = clock_.today();
  CivilDate on = today;
  if (request.selector_case() == v1::GetRevisionRequest::kNumber) {
    SECCOORD_RETURN_IF_ERROR(ValidateNumber("number", request.number()));
  } else if (request.selector_case() == v1::GetRevisionRequest::kInForceOn) {
    SECCOORD_ASSIGN_OR_RETURN(on, ValidProtoDate("in_force_on", request.in_force_on()));
  }
  v1::Revision revision;
  auto read = [&](PolicyStore::Tx& tx) -> absl::Status {
    SECCOORD_ASSIGN_OR_RETURN(auto document, VisibleDocument(tx, caller, request.document_id()));
    InForceToday in_force_today(today, document.id());
    if (request.selector_case() == v1::GetRevisionRequest::kNumber) {
      SECCOORD_ASSIGN_OR_RETURN(revision, VisibleRevision(tx, caller, document, request.number(),
                                                          true, &in_force_today, form));
      return absl::OkStatus();
    }
    // One statement: the row in force on the date asked, which is also
    // today's when the date is today; its articles come from the cache of
    // published content once cached.
    SECCOORD_ASSIGN_OR_RETURN(auto in_force,
                              tx.PublishedInForce(document.id(), FormatIsoDate(on), false));
    if (!in_force) {
      return absl::NotFoundError(absl::StrCat("no revision of ", document.id(),
                                              " is in force on ", FormatIsoDate(on)));
    }
    if (on == today) in_force_today.Set(in_force->number(), in_force->effective_date());
    SECCOORD_ASSIGN_OR_RETURN(revision, PresentRevision(tx, caller, document,
                                                        *std::move(in_force), true,
                                                        &in_force_today, form));
    if (request.selector_case() == v1::GetRevisionRequest::kInForceOn) {
      // In force on the date asked, whatever its state today.
      revision.set_in_force(true);
    }
    return absl::OkStatus();
  };
  // The revision in force today is one statement; the document row and the
  // articles of a published revision never change, so they need not share
  // its snapshot. Any other read takes two changeable rows: one snapshot.
  if (request.selector_case() != v1::GetRevisionRequest::kNumber && on == today) {
    SECCOORD_RETURN_IF_ERROR(store_.ReadPerStatement(read));
  } else {
    SECCOORD_RETURN_IF_ERROR(store_.Read(read));
  }
  return revision;
}

absl::StatusOr<v1::RevisionEvent> PolicyLogic::RecordEvent(PolicyStore::Tx& tx,
                                                           v1::RevisionEventType type,
                                                           const v1::Revision& revision,
                                                           const Caller& caller) {
  v1::RevisionEvent event;
  event.set_type(type);
  event.set_document_id(revision.document_id());
  event.set_revision_number(revision.number());
  if (type == v1::REVISION_EVENT_TYPE_PUBLISHED) {
    *event.mutable_effective_date() = revision.effective_date();
  }
  event.set_actor(caller.Uri());
  event.set_time_us(clock_.now_us());
  return tx.AppendEvent(event);
}

absl::StatusOr<v1::Revision> PolicyLogic::CreateRevision(const Caller& caller,
                                                         const v1::CreateRevisionRequest& request) {
  SECCOORD_RETURN_IF_ERROR(ValidateDocumentId(request.document_id()));
  if (request.base_revision() < 0) return InvalidField("base_revision", "must not be negative");
  SECCOORD_RETURN_IF_ERROR(ValidateContent(request.title(), request.articles()));
  SECCOORD_RETURN_IF_ERROR(
      ValidateText("change_summary", request.change_summary(), kMaxSummaryBytes, false));
  return Idempotent<v1::Revision>(
      caller, request.request_id(), kCreate,
      [&](PolicyStore::Tx& tx) -> absl::StatusOr<v1::Revision> {
        SECCOORD_ASSIGN_OR_RETURN(auto document,
                                  VisibleDocument(tx, caller, request.document_id()));
        SECCOORD_ASSIGN_OR_RETURN(int64_t latest, tx.MaxRevisionNumber(document.id()));
        if (request.base_revision() != latest) {
          return absl::AbortedError(absl::StrCat(
              "base_revision: the draft is based on revision ", request.base_revision(),
              " but the latest revision of ", document.id(), " is ", latest,
              "; rebase on it and retry"));
        }
        v1::Revision revision;
        revision.set_document_id(document.id());
        revision.set_number(latest + 1);
        revision.set_state(v1::REVISION_STATE_DRAFT);
        revision.set_title(request.title());
        *revision.mutable_articles() = request.articles();
        revision.set_change_summary(request.change_summary());
        revision.set_base_revision(request.base_revision());
        revision.set_author(caller.Uri());
        revision.set_create_time_us(clock_.now_us());
        revision.set_update_time_us(revision.create_time_us());
        revision.set_content_hash(ContentHashHex(PolicyTextOf(revision)));
        revision.set_etag("1");
        SECCOORD_RETURN_IF_ERROR(tx.InsertRevision(revision));
        SECCOORD_RETURN_IF_ERROR(tx.AddEditor(document.id(), revision.number(), caller.Uri()));
        SECCOORD_RETURN_IF_ERROR(
            RecordEvent(tx, v1::REVISION_EVENT_TYPE_CREATED, revision, caller).status());
        return revision;
      });
}

absl::StatusOr<v1::Revision> PolicyLogic::UpdateRevision(const Caller& caller,
                                                         const v1::UpdateRevisionRequest& request) {
  SECCOORD_RETURN_IF_ERROR(ValidateDocumentId(request.document_id()));
  SECCOORD_RETURN_IF_ERROR(ValidateNumber("number", request.number()));
  if (request.etag().empty()) return InvalidField("etag", "required to edit a draft");
  SECCOORD_RETURN_IF_ERROR(ValidateEtag(request.etag()));
  SECCOORD_RETURN_IF_ERROR(ValidateContent(request.title(), request.articles()));
  SECCOORD_RETURN_IF_ERROR(
      ValidateText("change_summary", request.change_summary(), kMaxSummaryBytes, true));
  return Idempotent<v1::Revision>(
      caller, request.request_id(), kUpdate,
      [&](PolicyStore::Tx& tx) -> absl::StatusOr<v1::Revision> {
        SECCOORD_ASSIGN_OR_RETURN(auto document,
                                  VisibleDocument(tx, caller, request.document_id()));
        SECCOORD_ASSIGN_OR_RETURN(auto revision,
                                  VisibleRevision(tx, caller, document, request.number(), true));
        if (revision.state() != v1::REVISION_STATE_DRAFT) {
          return absl::FailedPreconditionError(
              absl::StrCat("revision ", revision.number(), " is ", StateName(revision.state()),
                           "; only a DRAFT can be edited"));
        }
        SECCOORD_RETURN_IF_ERROR(CheckEtag(revision, request.etag()));
        const std::string expected = revision.etag();
        revision.set_title(request.title());
        *revision.mutable_articles() = request.articles();
        if (!request.change_summary().empty()) revision.set_change_summary(request.change_summary());
        revision.set_update_time_us(clock_.now_us());
        revision.set_content_hash(ContentHashHex(PolicyTextOf(revision)));
        revision.set_etag(NextEtag(expected));
        SECCOORD_RETURN_IF_ERROR(tx.UpdateRevision(revision, expected, /*replace_articles=*/true));
        SECCOORD_RETURN_IF_ERROR(tx.AddEditor(document.id(), revision.number(), caller.Uri()));
        return revision;
      });
}

absl::StatusOr<v1::Revision> PolicyLogic::Transition(
    const Caller& caller, const v1::TransitionRevisionRequest& request, const char* method,
    const std::vector<v1::RevisionState>& from, v1::RevisionState to,
    v1::RevisionEventType event) {
  SECCOORD_RETURN_IF_ERROR(ValidateDocumentId(request.document_id()));
  SECCOORD_RETURN_IF_ERROR(ValidateNumber("number", request.number()));
  SECCOORD_RETURN_IF_ERROR(ValidateEtag(request.etag()));
  return Idempotent<v1::Revision>(
      caller, request.request_id(), method,
      [&](PolicyStore::Tx& tx) -> absl::StatusOr<v1::Revision> {
        SECCOORD_ASSIGN_OR_RETURN(auto document,
                                  VisibleDocument(tx, caller, request.document_id()));
        SECCOORD_ASSIGN_OR_RETURN(auto revision,
                                  VisibleRevision(tx, caller, document, request.number(), true));
        if (std::find(from.begin(), from.end(), revision.state()) == from.end()) {
          std::string allowed;
          for (auto s : from) absl::StrAppend(&allowed, allowed.empty() ? "" : " or ", StateName(s));
          return absl::FailedPreconditionError(absl::StrCat(
              "revision ", revision.number(), " of ", document.id(), " is ",
              StateName(revision.state()), "; moving it to ", StateName(to), " needs ", allowed));
        }
        SECCOORD_RETURN_IF_ERROR(CheckEtag(revision, request.etag()));
        const int64_t now = clock_.now_us();
        if (to == v1::REVISION_STATE_APPROVED) {
          SECCOORD_ASSIGN_OR_RETURN(bool edited,
                                    tx.IsEditor(document.id(), revision.number(), caller.Uri()));
          if (revision.author() == caller.Uri() || edited) {
            return absl::PermissionDeniedError(absl::StrCat(
                caller.Uri(), " wrote or edited revision ", revision.number(),
                " and may not approve it: the approver must differ from its author and "
                "every editor"));
          }
          revision.set_approver(caller.Uri());
          revision.set_approve_time_us(now);
        } else if (to == v1::REVISION_STATE_IN_REVIEW) {
          revision.set_submit_time_us(now);
        }
        const std::string expected = revision.etag();
        revision.set_state(to);
        revision.set_update_time_us(now);
        revision.set_etag(NextEtag(expected));
        SECCOORD_RETURN_IF_ERROR(tx.UpdateRevision(revision, expected, false));
        SECCOORD_RETURN_IF_ERROR(RecordEvent(tx, event, revision, caller).status());
        return revision;
      });
}

absl::StatusOr<v1::Revision> PolicyLogic::SubmitRevision(
    const Caller& caller, const v1::TransitionRevisionRequest& request) {
  return Transition(caller, request, kSubmit, {v1::REVISION_STATE_DRAFT},
                    v1::REVISION_STATE_IN_REVIEW, v1::REVISION_EVENT_TYPE_SUBMITTED);
}

absl::StatusOr<v1::Revision> PolicyLogic::ApproveRevision(
    const Caller& caller, const v1::TransitionRevisionRequest& request) {
  return Transition(caller, request, kApprove, {v1::REVISION_STATE_IN_REVIEW},
                    v1::REVISION_STATE_APPROVED, v1::REVISION_EVENT_TYPE_APPROVED);
}

absl::StatusOr<v1::Revision> PolicyLogic::WithdrawRevision(
    const Caller& caller, const v1::TransitionRevisionRequest& request) {
  return Transition(caller, request, kWithdraw,
                    {v1::REVISION_STATE_DRAFT, v1::REVISION_STATE_IN_REVIEW,
                     v1::REVISION_STATE_APPROVED},
                    v1::REVISION_STATE_WITHDRAWN, v1::REVISION_EVENT_TYPE_WITHDRAWN);
}

absl::StatusOr<v1::Revision> PolicyLogic::PublishRevision(
    const Caller& caller, const v1::PublishRevisionRequest& request) {
  SECCOORD_RETURN_IF_ERROR(ValidateDocumentId(request.document_id()));
  SECCOORD_RETURN_IF_ERROR(ValidateNumber("number", request.number()));
  SECCOORD_RETURN_IF_ERROR(ValidateEtag(request.etag()));
  SECCOORD_ASSIGN_OR_RETURN(CivilDate effective,
                            ValidProtoDate("effective_date", request.effective_date()));
  return Idempotent<v1::Revision>(
      caller, request.request_id(), kPublish,
      [&](PolicyStore::Tx& tx) -> absl::StatusOr<v1::Revision> {
        SECCOORD_ASSIGN_OR_RETURN(auto document,
                                  VisibleDocument(tx, caller, request.document_id()));
        SECCOORD_ASSIGN_OR_RETURN(auto revision,
                                  VisibleRevision(tx, caller, document, request.number(), true));
        if (revision.state() != v1::REVISION_STATE_APPROVED) {
          return absl::FailedPreconditionError(
              absl::StrCat("revision ", revision.number(), " of ", document.id(), " is ",
                           StateName(revision.state()), "; only an APPROVED revision can be "
                           "published"));
        }
        SECCOORD_RETURN_IF_ERROR(CheckEtag(revision, request.etag()));
        SECCOORD_ASSIGN_OR_RETURN(auto previous, tx.LastPublished(document.id()));
        if (previous && effective < FromProtoDate(previous->effective_date())) {
          // The last published revision has the latest effective date of
          // all published ones (this rule holds for each of them).
          return InvalidField(
              "effective_date",
              absl::StrCat(FormatIsoDate(effective), " is earlier than ",
                           FormatIsoDate(FromProtoDate(previous->effective_date())),
                           ", the effective date of revision ", previous->number(),
                           ", published before it; published revisions take effect in "
                           "publication order, so the date must be ",
                           FormatIsoDate(FromProtoDate(previous->effective_date())),
                           " or later"));
        }
        const int64_t now = clock_.now_us();
        const std::string expected = revision.etag();
        *revision.mutable_effective_date() = ToProtoDate(effective);
        revision.set_state(v1::REVISION_STATE_PUBLISHED);
        revision.set_publisher(caller.Uri());
        revision.set_publish_time_us(now);
        revision.set_update_time_us(now);
        // Recomputed from the stored articles, so the chain covers exactly
        // what readers will get.
        revision.set_content_hash(ContentHashHex(PolicyTextOf(revision)));
        revision.set_previous_chain_hash(previous ? previous->chain_hash() : "");
        revision.set_chain_hash(ChainHashHex(revision.previous_chain_hash(),
                                             revision.content_hash(), revision.number(),
                                             FormatIsoDate(effective)));
        revision.set_etag(NextEtag(expected));
        SECCOORD_RETURN_IF_ERROR(tx.UpdateRevision(revision, expected, false));
        SECCOORD_RETURN_IF_ERROR(
            RecordEvent(tx, v1::REVISION_EVENT_TYPE_PUBLISHED, revision, caller).status());
        revision.set_in_force(effective <= clock_.today());
        return revision;
      });
}

absl::StatusOr<v1::DiffRevisionsResponse> PolicyLogic::DiffRevisions(
    const Caller& caller, const v1::DiffRevisionsRequest& request) {
  SECCOORD_RETURN_IF_ERROR(ValidateNumber("from_number", request.from_number()));
  SECCOORD_RETURN_IF_ERROR(ValidateNumber("to_number", request.to_number()));
  v1::DiffRevisionsResponse response;
  const CivilDate today = clock_.today();
  SECCOORD_RETURN_IF_ERROR(store_.Read([&](PolicyStore::Tx& tx) -> absl::Status {
    SECCOORD_ASSIGN_OR_RETURN(auto document, VisibleDocument(tx, caller, request.document_id()));
    InForceToday in_force_today(today, document.id());
    SECCOORD_ASSIGN_OR_RETURN(auto from, VisibleRevision(tx, caller, document,
                                                         request.from_number(), true,
                                                         &in_force_today));
    SECCOORD_ASSIGN_OR_RETURN(auto to, VisibleRevision(tx, caller, document, request.to_number(),
                                                       true, &in_force_today));
    response.set_document_id(document.id());
    response.set_from_number(from.number());
    response.set_to_number(to.number());
    response.set_old_title(from.title());
    response.set_new_title(to.title());
    for (const auto& change :
         DiffPolicyTexts(PolicyTextOf(from), PolicyTextOf(to), request.include_unchanged())) {
      v1::ArticleDiff* out = response.add_articles();
      out->set_number(change.number);
      out->set_old_heading(change.old_heading);
      out->set_new_heading(change.new_heading);
      out->set_old_chapter(change.old_chapter);
      out->set_new_chapter(change.new_chapter);
      switch (change.kind) {
        case ArticleChange::Kind::kAdded: out->set_kind(v1::ARTICLE_CHANGE_KIND_ADDED); break;
        case ArticleChange::Kind::kRemoved: out->set_kind(v1::ARTICLE_CHANGE_KIND_REMOVED); break;
        case ArticleChange::Kind::kChanged: out->set_kind(v1::ARTICLE_CHANGE_KIND_CHANGED); break;
        case ArticleChange::Kind::kUnchanged:
          out->set_kind(v1::ARTICLE_CHANGE_KIND_UNCHANGED);
          break;
      }
      for (const auto& line : change.lines) {
        v1::DiffLine* l = out->add_lines();
        l->set_text(line.text);
        switch (line.op) {
          case LineChange::Op::kKeep: l->set_op(v1::DiffLine::OP_KEEP); break;
          case LineChange::Op::kAdd: l->set_op(v1::DiffLine::OP_ADD); break;
          case LineChange::Op::kRemove: l->set_op(v1::DiffLine::OP_REMOVE); break;
        }
      }
    }
    return absl::OkStatus();
  }));
  return response;
}

absl::Status PolicyLogic::ValidateWatch(const Caller& caller,
                                        const v1::WatchRevisionEventsRequest& request) {
  if (request.since_sequence() < 0) return InvalidField("since_sequence", "must not be negative");
  if (request.document_id().empty()) return absl::OkStatus();
  return store_.Read([&](PolicyStore::Tx& tx) -> absl::Status {
    return VisibleDocument(tx, caller, request.document_id()).status();
  });
}

absl::StatusOr<std::vector<v1::RevisionEvent>> PolicyLogic::VisibleEventsAfter(
    const Caller& caller, const std::string& document_id, int64_t after, int limit,
    int64_t* scanned_to) {
  std::vector<v1::RevisionEvent> visible;
  *scanned_to = after;
  SECCOORD_RETURN_IF_ERROR(store_.Read([&](PolicyStore::Tx& tx) -> absl::Status {
    SECCOORD_ASSIGN_OR_RETURN(auto documents, tx.ListDocuments());
    std::map<std::string, v1::Visibility> visibility;
    for (const auto& d : documents) visibility[d.id()] = d.visibility();
    SECCOORD_ASSIGN_OR_RETURN(auto events, tx.EventsAfter(after, limit));
    for (auto& e : events) {
      *scanned_to = e.sequence();
      if (!document_id.empty() && e.document_id() != document_id) continue;
      if (!MayReadPublished(caller, visibility[e.document_id()])) continue;
      // Events about unpublished revisions are for those who read drafts;
      // everyone who may read the document sees publications.
      if (e.type() != v1::REVISION_EVENT_TYPE_PUBLISHED && !caller.Has(Permission::kReadDrafts)) {
        continue;
      }
      visible.push_back(std::move(e));
    }
    return absl::OkStatus();
  }));
  return visible;
}

absl::StatusOr<v1::Acknowledgement> PolicyLogic::AcknowledgeRevision(
    const Caller& caller, const v1::AcknowledgeRevisionRequest& request) {
  SECCOORD_RETURN_IF_ERROR(ValidateDocumentId(request.document_id()));
  SECCOORD_RETURN_IF_ERROR(ValidateNumber("number", request.number()));
  return Idempotent<v1::Acknowledgement>(
      caller, request.request_id(), kAcknowledge,
      [&](PolicyStore::Tx& tx) -> absl::StatusOr<v1::Acknowledgement> {
        SECCOORD_ASSIGN_OR_RETURN(auto document,
                                  VisibleDocument(tx, caller, request.document_id()));
        SECCOORD_ASSIGN_OR_RETURN(auto revision,
                                  VisibleRevision(tx, caller, document, request.number(), false));
        if (!IsPublishedState(revision.state())) {
          return absl::FailedPreconditionError(
              absl::StrCat("revision ", revision.number(), " is ", StateName(revision.state()),
                           "; only published revisions can be acknowledged"));
        }
        v1::Acknowledgement ack;
        ack.set_document_id(document.id());
        ack.set_revision_number(revision.number());
        ack.mutable_principal()->set_organization(caller.principal.organization);
        ack.mutable_principal()->set_user(caller.principal.user);
        ack.set_time_us(clock_.now_us());
        return tx.InsertAcknowledgement(ack);
      });
}

absl::StatusOr<v1::ListAcknowledgementsResponse> PolicyLogic::ListAcknowledgements(
    const Caller& caller, const v1::ListAcknowledgementsRequest& request) {
  SECCOORD_RETURN_IF_ERROR(ValidateNumber("number", request.number()));
  v1::ListAcknowledgementsResponse response;
  SECCOORD_RETURN_IF_ERROR(store_.Read([&](PolicyStore::Tx& tx) -> absl::Status {
    SECCOORD_ASSIGN_OR_RETURN(auto document, VisibleDocument(tx, caller, request.document_id()));
    SECCOORD_ASSIGN_OR_RETURN(auto revision,
                              VisibleRevision(tx, caller, document, request.number(), false));
    SECCOORD_ASSIGN_OR_RETURN(auto acks, tx.ListAcknowledgements(document.id(), revision.number()));
    std::map<std::string, v1::AcknowledgementCoverage> coverage;
    for (const auto& org : Organizations()) coverage[org].set_organization(org);
    for (const auto& ack : acks) {
      auto& c = coverage[ack.principal().organization()];
      c.set_organization(ack.principal().organization());
      c.set_acknowledged_users(c.acknowledged_users() + 1);
      c.add_users(absl::StrCat("seccoord://", ack.principal().organization(), "/",
                               ack.principal().user()));
      if (ack.principal().organization() == caller.principal.organization &&
          ack.principal().user() == caller.principal.user) {
        *response.mutable_own() = ack;
      }
    }
    for (const auto& org : Organizations()) *response.add_coverage() = coverage[org];
    for (auto& [org, c] : coverage) {
      if (std::find(Organizations().begin(), Organizations().end(), org) == Organizations().end()) {
        *response.add_coverage() = c;
      }
    }
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<v1::RevisionComment> PolicyLogic::AddRevisionComment(
    const Caller& caller, const v1::AddRevisionCommentRequest& request) {
  SECCOORD_RETURN_IF_ERROR(ValidateDocumentId(request.document_id()));
  SECCOORD_RETURN_IF_ERROR(ValidateNumber("number", request.number()));
  SECCOORD_RETURN_IF_ERROR(ValidateText("text", request.text(), kMaxCommentBytes, false));
  SECCOORD_RETURN_IF_ERROR(
      ValidateText("article_number", request.article_number(), kMaxLabelBytes, true));
  return Idempotent<v1::RevisionComment>(
      caller, request.request_id(), kComment,
      [&](PolicyStore::Tx& tx) -> absl::StatusOr<v1::RevisionComment> {
        SECCOORD_ASSIGN_OR_RETURN(auto document,
                                  VisibleDocument(tx, caller, request.document_id()));
        SECCOORD_ASSIGN_OR_RETURN(auto revision,
                                  VisibleRevision(tx, caller, document, request.number(), true));
        if (revision.state() != v1::REVISION_STATE_DRAFT &&
            revision.state() != v1::REVISION_STATE_IN_REVIEW) {
          return absl::FailedPreconditionError(
              absl::StrCat("revision ", revision.number(), " is ", StateName(revision.state()),
                           "; comments are taken on DRAFT and IN_REVIEW revisions"));
        }
        if (!request.article_number().empty()) {
          bool found = false;
          for (const auto& a : revision.articles()) found |= a.number() == request.article_number();
          if (!found) {
            return InvalidField("article_number",
                                absl::StrCat("revision ", revision.number(), " has no article ",
                                             request.article_number()));
          }
        }
        v1::RevisionComment comment;
        comment.set_document_id(document.id());
        comment.set_revision_number(revision.number());
        comment.set_article_number(request.article_number());
        comment.set_text(request.text());
        comment.set_author(caller.Uri());
        comment.set_create_time_us(clock_.now_us());
        return tx.InsertComment(comment);
      });
}

absl::StatusOr<v1::ListRevisionCommentsResponse> PolicyLogic::ListRevisionComments(
    const Caller& caller, const v1::ListRevisionCommentsRequest& request) {
  SECCOORD_RETURN_IF_ERROR(ValidateNumber("number", request.number()));
  v1::ListRevisionCommentsResponse response;
  SECCOORD_RETURN_IF_ERROR(store_.Read([&](PolicyStore::Tx& tx) -> absl::Status {
    SECCOORD_ASSIGN_OR_RETURN(auto document, VisibleDocument(tx, caller, request.document_id()));
    SECCOORD_ASSIGN_OR_RETURN(auto revision,
                              VisibleRevision(tx, caller, document, request.number(), false));
    if (!caller.Has(Permission::kReadDrafts)) {
      return absl::PermissionDeniedError(
          absl::StrCat(caller.Uri(), " may not read comments (needs read_drafts)"));
    }
    SECCOORD_ASSIGN_OR_RETURN(auto comments, tx.ListComments(document.id(), revision.number()));
    for (auto& c : comments) *response.add_comments() = std::move(c);
    return absl::OkStatus();
  }));
  return response;
}

}  // namespace seccoord::policy
