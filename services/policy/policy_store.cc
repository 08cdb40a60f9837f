#include "services/policy/policy_store.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status.h"
#include "google/protobuf/unknown_field_set.h"

namespace seccoord::policy {
namespace {

// Dates are stored as ISO text (YYYY-MM-DD), which sorts chronologically on
// both drivers; "" means unset.
std::string DateToText(const v1::Date& date) {
  if (date.year() == 0) return "";
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

v1::Date TextToDate(const std::string& text) {
  v1::Date date;
  int y = 0, m = 0, d = 0;
  if (text.size() == 10 && absl::SimpleAtoi(text.substr(0, 4), &y) &&
      absl::SimpleAtoi(text.substr(5, 2), &m) && absl::SimpleAtoi(text.substr(8, 2), &d)) {
    date.set_year(y);
    date.set_month(m);
    date.set_day(d);
  }
  return date;
}

// The column list of RevisionFromRow, spliced into statement text at compile
// time (statements are built once, not per call).
#define SECCOORD_REVISION_COLUMNS                                        \
  "document_id, number, state, title, change_summary, base_revision,"   \
  " effective_date, author, approver, publisher, create_time_us,"       \
  " update_time_us, submit_time_us, approve_time_us, publish_time_us,"  \
  " content_hash, previous_chain_hash, chain_hash, etag"

// A published revision's content never changes (see policy_cache.h).
bool IsPublishedRow(const v1::Revision& r) {
  return r.state() == v1::REVISION_STATE_PUBLISHED || r.state() == v1::REVISION_STATE_SUPERSEDED;
}

constexpr char kGetRevisionSql[] =
    "SELECT " SECCOORD_REVISION_COLUMNS
    " FROM revisions WHERE document_id = $1 AND number = $2";
constexpr char kListRevisionsSql[] =
    "SELECT " SECCOORD_REVISION_COLUMNS
    " FROM revisions WHERE document_id = $1 AND number > $2 ORDER BY number LIMIT $3";
constexpr char kPublishedInForceSql[] =
    "SELECT " SECCOORD_REVISION_COLUMNS
    " FROM revisions WHERE document_id = $1 AND state = $2 AND effective_date <= $3"
    " ORDER BY effective_date DESC, number DESC LIMIT 1";
constexpr char kLastPublishedSql[] =
    "SELECT " SECCOORD_REVISION_COLUMNS
    " FROM revisions WHERE document_id = $1 AND chain_position IS NOT NULL"
    " ORDER BY chain_position DESC LIMIT 1";
constexpr char kInsertRevisionSql[] =
    "INSERT INTO revisions (" SECCOORD_REVISION_COLUMNS
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
    " $11, $12, $13, $14, $15, $16, $17, $18, $19)";
#undef SECCOORD_REVISION_COLUMNS

// A document row with, per document, the revision in force on $2 (number
// and effective date: PublishedInForce's rule), the highest revision number
// and the end of the hash chain (LastPublished's rule). $1 is the state
// PUBLISHED. One statement, so one round trip on PostgreSQL.
#define SECCOORD_DOCUMENT_STATE_SELECT                                           \
  "SELECT d.id, d.tier, d.title, d.visibility, d.review_interval_months,"      \
  " (SELECT f.number FROM revisions f WHERE f.document_id = d.id"               \
  "   AND f.state = $1 AND f.effective_date <= $2"                              \
  "   ORDER BY f.effective_date DESC, f.number DESC LIMIT 1),"                  \
  " (SELECT f.effective_date FROM revisions f WHERE f.document_id = d.id"       \
  "   AND f.state = $1 AND f.effective_date <= $2"                              \
  "   ORDER BY f.effective_date DESC, f.number DESC LIMIT 1),"                  \
  " (SELECT COALESCE(MAX(m.number), 0) FROM revisions m WHERE m.document_id = d.id)," \
  " (SELECT p.number FROM revisions p WHERE p.document_id = d.id"               \
  "   AND p.chain_position IS NOT NULL ORDER BY p.chain_position DESC LIMIT 1)" \
  " FROM documents d"
// Ordered by tier in C++: an ORDER BY here costs SQLite a temporary b-tree
// per call.
constexpr char kAllDocumentStatesSql[] = SECCOORD_DOCUMENT_STATE_SELECT;
constexpr char kOneDocumentStateSql[] = SECCOORD_DOCUMENT_STATE_SELECT " WHERE d.id = $3";
#undef SECCOORD_DOCUMENT_STATE_SELECT

v1::Revision RevisionFromRow(const db::Row& row) {
  v1::Revision r;
  r.set_document_id(row.Text(0));
  r.set_number(row.Int(1));
  r.set_state(static_cast<v1::RevisionState>(row.Int(2)));
  r.set_title(row.Text(3));
  r.set_change_summary(row.Text(4));
  r.set_base_revision(row.Int(5));
  const std::string effective = row.Text(6);
  if (!effective.empty()) *r.mutable_effective_date() = TextToDate(effective);
  r.set_author(row.Text(7));
  r.set_approver(row.Text(8));
  r.set_publisher(row.Text(9));
  r.set_create_time_us(row.Int(10));
  r.set_update_time_us(row.Int(11));
  r.set_submit_time_us(row.Int(12));
  r.set_approve_time_us(row.Int(13));
  r.set_publish_time_us(row.Int(14));
  r.set_content_hash(row.Text(15));
  r.set_previous_chain_hash(row.Text(16));
  r.set_chain_hash(row.Text(17));
  r.set_etag(row.Text(18));
  return r;
}

db::Params RevisionParams(const v1::Revision& r) {
  return {r.document_id(),
          r.number(),
          static_cast<int64_t>(r.state()),
          r.title(),
          r.change_summary(),
          r.base_revision(),
          DateToText(r.effective_date()),
          r.author(),
          r.approver(),
          r.publisher(),
          r.create_time_us(),
          r.update_time_us(),
          r.submit_time_us(),
          r.approve_time_us(),
          r.publish_time_us(),
          r.content_hash(),
          r.previous_chain_hash(),
          r.chain_hash(),
          r.etag()};
}

v1::Document DocumentFromRow(const db::Row& row) {
  v1::Document d;
  d.set_id(row.Text(0));
  d.set_tier(static_cast<v1::DocumentTier>(row.Int(1)));
  d.set_title(row.Text(2));
  d.set_visibility(static_cast<v1::Visibility>(row.Int(3)));
  d.set_review_interval_months(static_cast<int32_t>(row.Int(4)));
  return d;
}

constexpr char kEventColumns[] =
    "sequence, type, document_id, revision_number, effective_date, actor, time_us";

v1::RevisionEvent EventFromRow(const db::Row& row) {
  v1::RevisionEvent e;
  e.set_sequence(row.Int(0));
  e.set_type(static_cast<v1::RevisionEventType>(row.Int(1)));
  e.set_document_id(row.Text(2));
  e.set_revision_number(row.Int(3));
  const std::string effective = row.Text(4);
  if (!effective.empty()) *e.mutable_effective_date() = TextToDate(effective);
  e.set_actor(row.Text(5));
  e.set_time_us(row.Int(6));
  return e;
}

}  // namespace

std::vector<db::Migration> PolicyMigrations() {
  return {
      {1,
       "documents, revisions, articles, events, acknowledgements, comments",
       {
           "CREATE TABLE documents ("
           " id TEXT PRIMARY KEY,"
           " tier INTEGER NOT NULL,"
           " title TEXT NOT NULL,"
           " visibility INTEGER NOT NULL,"
           " review_interval_months INTEGER NOT NULL)",
           // chain_position is the place of a published revision in the
           // document's hash chain (1, 2, ...; NULL until published). Its
           // uniqueness stops two concurrent publications from linking to
           // the same predecessor.
           "CREATE TABLE revisions ("
           " document_id TEXT NOT NULL REFERENCES documents(id),"
           " number BIGINT NOT NULL,"
           " state INTEGER NOT NULL,"
           " title TEXT NOT NULL,"
           " change_summary TEXT NOT NULL,"
           " base_revision BIGINT NOT NULL,"
           " effective_date TEXT NOT NULL,"
           " author TEXT NOT NULL,"
           " approver TEXT NOT NULL,"
           " publisher TEXT NOT NULL,"
           " create_time_us BIGINT NOT NULL,"
           " update_time_us BIGINT NOT NULL,"
           " submit_time_us BIGINT NOT NULL,"
           " approve_time_us BIGINT NOT NULL,"
           " publish_time_us BIGINT NOT NULL,"
           " content_hash TEXT NOT NULL,"
           " previous_chain_hash TEXT NOT NULL,"
           " chain_hash TEXT NOT NULL,"
           " etag TEXT NOT NULL,"
           " chain_position BIGINT,"
           " PRIMARY KEY (document_id, number),"
           " UNIQUE (document_id, chain_position))",
           "CREATE TABLE articles ("
           " document_id TEXT NOT NULL,"
           " revision_number BIGINT NOT NULL,"
           " position INTEGER NOT NULL,"
           " number TEXT NOT NULL,"
           " label TEXT NOT NULL,"
           " heading TEXT NOT NULL,"
           " body TEXT NOT NULL,"
           " PRIMARY KEY (document_id, revision_number, position))",
           "CREATE TABLE revision_events ("
           " sequence BIGINT PRIMARY KEY,"
           " type INTEGER NOT NULL,"
           " document_id TEXT NOT NULL,"
           " revision_number BIGINT NOT NULL,"
           " effective_date TEXT NOT NULL,"
           " actor TEXT NOT NULL,"
           " time_us BIGINT NOT NULL)",
           "CREATE TABLE acknowledgements ("
           " document_id TEXT NOT NULL,"
           " revision_number BIGINT NOT NULL,"
           " organization TEXT NOT NULL,"
           " user_name TEXT NOT NULL,"
           " time_us BIGINT NOT NULL,"
           " PRIMARY KEY (document_id, revision_number, organization, user_name))",
           "CREATE TABLE revision_comments ("
           " id BIGINT PRIMARY KEY,"
           " document_id TEXT NOT NULL,"
           " revision_number BIGINT NOT NULL,"
           " article_number TEXT NOT NULL,"
           " text TEXT NOT NULL,"
           " author TEXT NOT NULL,"
           " create_time_us BIGINT NOT NULL)",
           "CREATE TABLE policy_counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
           "INSERT INTO policy_counters (name, value) VALUES ('revision_events', 0), ('revision_comments', 0)",
           // The union's policy hierarchy (基本方針 第9, 第10). Reviews
           // (第8) are due yearly by default.
           "INSERT INTO documents (id, tier, title, visibility, review_interval_months) VALUES"
           " ('basic-policy', 1, '笠間地方広域事務組合情報セキュリティ基本方針', 1, 12),"
           " ('standards', 2, '笠間地方広域事務組合情報セキュリティ対策基準', 2, 12),"
           " ('procedures', 3, '笠間地方広域事務組合情報セキュリティ実施手順', 3, 12)",
       }},
      // The revision in force (PublishedInForce, DocumentStates) is read on
      // every GetRevision: this index answers it by a backward range scan,
      // where SQLite would otherwise sort the document's revisions in a
      // temporary b-tree on every call.
      {2,
       "index of the revision in force",
       {
           "CREATE INDEX revisions_in_force"
           " ON revisions (document_id, state, effective_date, number)",
       }},
      // Documents of the 例規 form group articles in chapters (part of the
      // content hash when present) and write headings above the article.
      {3,
       "article chapters and headings written above the article",
       {
           "ALTER TABLE articles ADD COLUMN chapter TEXT NOT NULL DEFAULT ''",
           "ALTER TABLE articles ADD COLUMN heading_above BIGINT NOT NULL DEFAULT 0",
       }},
      // Four eyes: whoever changed a revision's content may not approve it,
      // so the approval reads every editor, not only the author. Revisions
      // stored before this migration had no edits recorded; their authors
      // are their known editors.
      {4,
       "editors of each revision",
       {
           "CREATE TABLE revision_editors ("
           " document_id TEXT NOT NULL,"
           " revision_number BIGINT NOT NULL,"
           " editor TEXT NOT NULL,"
           " PRIMARY KEY (document_id, revision_number, editor),"
           " FOREIGN KEY (document_id, revision_number)"
           "  REFERENCES revisions(document_id, number))",
           "INSERT INTO revision_editors (document_id, revision_number, editor)"
           " SELECT document_id, number, author FROM revisions",
       }},
  };
}

absl::StatusOr<std::vector<v1::Document>> PolicyStore::Tx::ListDocuments() {
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows, tx_.Query("SELECT id, tier, title, visibility, review_interval_months"
                           " FROM documents ORDER BY tier"));
  std::vector<v1::Document> out;
  for (const auto& row : rows) out.push_back(DocumentFromRow(row));
  return out;
}

absl::StatusOr<std::optional<v1::Document>> PolicyStore::Tx::GetDocument(const std::string& id) {
  if (cache_ != nullptr) {
    if (std::optional<v1::Document> cached = cache_->FindDocument(id)) return cached;
  }
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows, tx_.Query("SELECT id, tier, title, visibility, review_interval_months"
                           " FROM documents WHERE id = $1",
                           {id}));
  if (rows.empty()) return std::nullopt;  // not cached: it may be added later
  v1::Document document = DocumentFromRow(rows[0]);
  if (cache_ != nullptr) cache_->PutDocument(document);
  return document;
}

absl::StatusOr<std::vector<DocumentState>> PolicyStore::Tx::DocumentStates(
    const std::string& on_iso, const std::string* only_id) {
  const int64_t published = static_cast<int64_t>(v1::REVISION_STATE_PUBLISHED);
  absl::StatusOr<std::vector<db::Row>> rows =
      only_id == nullptr ? tx_.Query(kAllDocumentStatesSql, {published, on_iso})
                         : tx_.Query(kOneDocumentStateSql, {published, on_iso, *only_id});
  if (!rows.ok()) return rows.status();
  std::vector<DocumentState> out;
  out.reserve(rows->size());
  for (const auto& row : *rows) {
    DocumentState state;
    state.document = DocumentFromRow(row);
    if (!row.IsNull(5)) {
      state.in_force_number = row.Int(5);
      state.in_force_since = TextToDate(row.Text(6));
    }
    state.max_number = row.Int(7);
    state.last_published = row.Int(8);
    if (cache_ != nullptr) cache_->PutDocument(state.document);
    out.push_back(std::move(state));
  }
  std::sort(out.begin(), out.end(), [](const DocumentState& a, const DocumentState& b) {
    if (a.document.tier() != b.document.tier()) return a.document.tier() < b.document.tier();
    return a.document.id() < b.document.id();
  });
  return out;
}

absl::Status PolicyStore::Tx::LoadArticles(v1::Revision& revision, ArticleForm form) {
  const bool cacheable = cache_ != nullptr && IsPublishedRow(revision);
  if (cacheable) {
    if (auto content = cache_->FindContent(revision.document_id(), revision.number(),
                                           revision.content_hash())) {
      if (form == ArticleForm::kEncoded) {
        revision.clear_articles();
        google::protobuf::UnknownFieldSet* unknown =
            revision.GetReflection()->MutableUnknownFields(&revision);
        for (const std::string& encoded : content->encoded_articles) {
          unknown->AddLengthDelimited(v1::Revision::kArticlesFieldNumber, encoded);
        }
      } else {
        *revision.mutable_articles() = content->articles;
      }
      return absl::OkStatus();
    }
  }
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows, tx_.Query("SELECT number, label, heading, body, chapter, heading_above FROM articles"
                           " WHERE document_id = $1 AND revision_number = $2"
                           " ORDER BY position",
                           {revision.document_id(), revision.number()}));
  revision.clear_articles();
  revision.mutable_articles()->Reserve(static_cast<int>(rows.size()));
  for (auto& row : rows) {
    v1::Article* a = revision.add_articles();
    a->set_number(row.Text(0));
    a->set_label(row.Text(1));
    a->set_heading(row.Text(2));
    a->set_body(row.Text(3));
    a->set_chapter(row.Text(4));
    a->set_heading_above(row.Int(5) != 0);
  }
  if (cacheable) {
    cache_->PutContent(
        revision.document_id(), revision.number(),
        std::make_shared<const PublishedContent>(revision.content_hash(), revision.articles()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<v1::Revision>> PolicyStore::Tx::GetRevision(
    const std::string& document_id, int64_t number, bool with_articles) {
  SECCOORD_ASSIGN_OR_RETURN(auto rows, tx_.Query(kGetRevisionSql, {document_id, number}));
  if (rows.empty()) return std::nullopt;
  v1::Revision revision = RevisionFromRow(rows[0]);
  if (with_articles) SECCOORD_RETURN_IF_ERROR(LoadArticles(revision));
  return revision;
}

absl::StatusOr<std::vector<v1::Revision>> PolicyStore::Tx::ListRevisions(
    const std::string& document_id, int64_t after_number, int limit, bool with_articles) {
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows,
      tx_.Query(kListRevisionsSql, {document_id, after_number, static_cast<int64_t>(limit)}));
  std::vector<v1::Revision> out;
  for (const auto& row : rows) {
    out.push_back(RevisionFromRow(row));
    if (with_articles) SECCOORD_RETURN_IF_ERROR(LoadArticles(out.back()));
  }
  return out;
}

absl::StatusOr<int64_t> PolicyStore::Tx::MaxRevisionNumber(const std::string& document_id,
                                                          bool published_only) {
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows,
      tx_.Query(published_only
                    ? "SELECT COALESCE(MAX(number), 0) FROM revisions WHERE document_id = $1"
                      " AND chain_position IS NOT NULL"
                    : "SELECT COALESCE(MAX(number), 0) FROM revisions WHERE document_id = $1",
                {document_id}));
  return rows.empty() ? 0 : rows[0].Int(0);
}

absl::Status PolicyStore::Tx::AddEditor(const std::string& document_id, int64_t number,
                                        const std::string& editor) {
  return tx_.Execute("INSERT INTO revision_editors (document_id, revision_number, editor)"
                     " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                     {document_id, number, editor})
      .status();
}

absl::StatusOr<bool> PolicyStore::Tx::IsEditor(const std::string& document_id, int64_t number,
                                                const std::string& principal) {
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows,
      tx_.Query("SELECT EXISTS (SELECT 1 FROM revision_editors"
                " WHERE document_id = $1 AND revision_number = $2 AND editor = $3)",
                {document_id, number, principal}));
  return !rows.empty() && rows[0].Int(0) != 0;
}

absl::StatusOr<std::optional<v1::Revision>> PolicyStore::Tx::PublishedInForce(
    const std::string& document_id, const std::string& on_iso, bool with_articles) {
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows,
      tx_.Query(kPublishedInForceSql,
                {document_id, static_cast<int64_t>(v1::REVISION_STATE_PUBLISHED), on_iso}));
  if (rows.empty()) return std::nullopt;
  v1::Revision revision = RevisionFromRow(rows[0]);
  if (with_articles) SECCOORD_RETURN_IF_ERROR(LoadArticles(revision));
  return revision;
}

absl::StatusOr<std::optional<v1::Revision>> PolicyStore::Tx::LastPublished(
    const std::string& document_id) {
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows, tx_.Query(kLastPublishedSql, {document_id}));
  if (rows.empty()) return std::nullopt;
  return RevisionFromRow(rows[0]);
}

absl::Status PolicyStore::Tx::InsertArticles(const v1::Revision& revision) {
  int64_t position = 0;
  for (const auto& a : revision.articles()) {
    SECCOORD_RETURN_IF_ERROR(
        tx_.Execute("INSERT INTO articles (document_id, revision_number, position, number,"
                    " label, heading, body, chapter, heading_above)"
                    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    {revision.document_id(), revision.number(), ++position, a.number(),
                     a.label(), a.heading(), a.body(), a.chapter(),
                     static_cast<int64_t>(a.heading_above() ? 1 : 0)})
            .status());
  }
  return absl::OkStatus();
}

absl::Status PolicyStore::Tx::InsertRevision(const v1::Revision& revision) {
  SECCOORD_RETURN_IF_ERROR(
      tx_.Execute(kInsertRevisionSql, RevisionParams(revision))
          .status());
  return InsertArticles(revision);
}

absl::Status PolicyStore::Tx::UpdateRevision(const v1::Revision& revision,
                                             const std::string& expected_etag,
                                             bool replace_articles) {
  db::Params params = RevisionParams(revision);
  params.push_back(expected_etag);
  // A published revision takes the next place in its document's chain.
  SECCOORD_ASSIGN_OR_RETURN(
      int64_t changed,
      tx_.Execute("UPDATE revisions SET state = $3, title = $4, change_summary = $5,"
                  " base_revision = $6, effective_date = $7, author = $8, approver = $9,"
                  " publisher = $10, create_time_us = $11, update_time_us = $12,"
                  " submit_time_us = $13, approve_time_us = $14, publish_time_us = $15,"
                  " content_hash = $16, previous_chain_hash = $17, chain_hash = $18,"
                  " etag = $19,"
                  " chain_position = CASE WHEN $3 = 4 AND chain_position IS NULL THEN"
                  "  (SELECT COALESCE(MAX(p.chain_position), 0) + 1 FROM revisions p"
                  "   WHERE p.document_id = $1) ELSE chain_position END"
                  " WHERE document_id = $1 AND number = $2 AND etag = $20",
                  params));
  if (changed == 0) {
    return absl::AbortedError(absl::StrCat("etag: revision ", revision.number(), " of ",
                                           revision.document_id(),
                                           " was changed concurrently; read it again"));
  }
  if (replace_articles) {
    SECCOORD_RETURN_IF_ERROR(
        tx_.Execute("DELETE FROM articles WHERE document_id = $1 AND revision_number = $2",
                    {revision.document_id(), revision.number()})
            .status());
    SECCOORD_RETURN_IF_ERROR(InsertArticles(revision));
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> PolicyStore::Tx::NextCounter(const std::string& name) {
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows, tx_.Query("UPDATE policy_counters SET value = value + 1 WHERE name = $1"
                           " RETURNING value",
                           {name}));
  if (rows.empty()) return absl::InternalError(absl::StrCat("counter ", name, " missing"));
  return rows[0].Int(0);
}

absl::StatusOr<v1::RevisionEvent> PolicyStore::Tx::AppendEvent(v1::RevisionEvent event) {
  SECCOORD_ASSIGN_OR_RETURN(int64_t sequence, NextCounter("revision_events"));
  event.set_sequence(sequence);
  SECCOORD_RETURN_IF_ERROR(
      tx_.Execute(absl::StrCat("INSERT INTO revision_events (", kEventColumns,
                               ") VALUES ($1, $2, $3, $4, $5, $6, $7)"),
                  {event.sequence(), static_cast<int64_t>(event.type()), event.document_id(),
                   event.revision_number(), DateToText(event.effective_date()), event.actor(),
                   event.time_us()})
          .status());
  SECCOORD_RETURN_IF_ERROR(tx_.NotifyOnCommit(kRevisionEventsChannel));
  return event;
}

absl::StatusOr<std::vector<v1::RevisionEvent>> PolicyStore::Tx::EventsAfter(int64_t after,
                                                                            int limit) {
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows, tx_.Query(absl::StrCat("SELECT ", kEventColumns,
                                        " FROM revision_events WHERE sequence > $1"
                                        " ORDER BY sequence LIMIT $2"),
                           {after, static_cast<int64_t>(limit)}));
  std::vector<v1::RevisionEvent> out;
  for (const auto& row : rows) out.push_back(EventFromRow(row));
  return out;
}

absl::StatusOr<v1::Acknowledgement> PolicyStore::Tx::InsertAcknowledgement(
    const v1::Acknowledgement& ack) {
  SECCOORD_RETURN_IF_ERROR(
      tx_.Execute("INSERT INTO acknowledgements (document_id, revision_number, organization,"
                  " user_name, time_us) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                  {ack.document_id(), ack.revision_number(), ack.principal().organization(),
                   ack.principal().user(), ack.time_us()})
          .status());
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows, tx_.Query("SELECT time_us FROM acknowledgements WHERE document_id = $1"
                           " AND revision_number = $2 AND organization = $3 AND user_name = $4",
                           {ack.document_id(), ack.revision_number(),
                            ack.principal().organization(), ack.principal().user()}));
  v1::Acknowledgement stored = ack;
  if (!rows.empty()) stored.set_time_us(rows[0].Int(0));
  return stored;
}

absl::StatusOr<std::vector<v1::Acknowledgement>> PolicyStore::Tx::ListAcknowledgements(
    const std::string& document_id, int64_t number) {
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows, tx_.Query("SELECT organization, user_name, time_us FROM acknowledgements"
                           " WHERE document_id = $1 AND revision_number = $2"
                           " ORDER BY organization, user_name",
                           {document_id, number}));
  std::vector<v1::Acknowledgement> out;
  for (const auto& row : rows) {
    v1::Acknowledgement a;
    a.set_document_id(document_id);
    a.set_revision_number(number);
    a.mutable_principal()->set_organization(row.Text(0));
    a.mutable_principal()->set_user(row.Text(1));
    a.set_time_us(row.Int(2));
    out.push_back(std::move(a));
  }
  return out;
}

absl::StatusOr<v1::RevisionComment> PolicyStore::Tx::InsertComment(v1::RevisionComment comment) {
  SECCOORD_ASSIGN_OR_RETURN(int64_t id, NextCounter("revision_comments"));
  comment.set_id(id);
  SECCOORD_RETURN_IF_ERROR(
      tx_.Execute("INSERT INTO revision_comments (id, document_id, revision_number,"
                  " article_number, text, author, create_time_us)"
                  " VALUES ($1, $2, $3, $4, $5, $6, $7)",
                  {comment.id(), comment.document_id(), comment.revision_number(),
                   comment.article_number(), comment.text(), comment.author(),
                   comment.create_time_us()})
          .status());
  return comment;
}

absl::StatusOr<std::vector<v1::RevisionComment>> PolicyStore::Tx::ListComments(
    const std::string& document_id, int64_t number) {
  SECCOORD_ASSIGN_OR_RETURN(
      auto rows, tx_.Query("SELECT id, article_number, text, author, create_time_us"
                           " FROM revision_comments WHERE document_id = $1"
                           " AND revision_number = $2 ORDER BY id",
                           {document_id, number}));
  std::vector<v1::RevisionComment> out;
  for (const auto& row : rows) {
    v1::RevisionComment c;
    c.set_id(row.Int(0));
    c.set_document_id(document_id);
    c.set_revision_number(number);
    c.set_article_number(row.Text(1));
    c.set_text(row.Text(2));
    c.set_author(row.Text(3));
    c.set_create_time_us(row.Int(4));
    out.push_back(std::move(c));
  }
  return out;
}

absl::Status PolicyStore::Read(const std::function<absl::Status(Tx&)>& fn) {
  SECCOORD_ASSIGN_OR_RETURN(auto tx, db_.Begin(db::TxMode::kReadOnly));
  Tx typed(*tx, &cache_);
  return fn(typed);
}

absl::Status PolicyStore::ReadPerStatement(const std::function<absl::Status(Tx&)>& fn) {
  SECCOORD_ASSIGN_OR_RETURN(auto tx, db_.Begin(db::TxMode::kReadOnlyPerStatement));
  Tx typed(*tx, &cache_);
  return fn(typed);
}


}  // namespace seccoord::policy
