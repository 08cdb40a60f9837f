// PolicyStore: the only place with SQL for the policy-version service.
//
// Documents, revisions (with their articles and the principals who edited
// them), revision events (the watch stream, whose sequence is the resume
// token), acknowledgements and draft comments live here, written once in
// portable SQL for both drivers.
//
// The domain runs its rules inside one transaction through a PolicyStore::Tx:
// typed reads and writes, no SQL outside this file. Conditional writes carry
// the etag the domain read, so a concurrent change turns into ABORTED rather
// than a lost update.
//
// Reads through PolicyStore::Read use the store's ImmutableRowCache
// (policy_cache.h) for documents and for the articles of published
// revisions; everything else is read from the database on every call. A Tx
// made over a write transaction uses no cache.
//
// Thread-safety: PolicyStore is safe from many threads; a Tx belongs to the
// thread running the Read/Write callback.
#ifndef SECCOORD_SERVICES_POLICY_POLICY_STORE_H_
#define SECCOORD_SERVICES_POLICY_POLICY_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "seccoord/v1/policy.pb.h"
#include "services/policy/policy_cache.h"
#include "services/runtime/db/database.h"
#include "services/runtime/db/migrations.h"

namespace seccoord::policy {

// The change channel a commit that appended revision events signals, so
// watchers on other replicas of a shared PostgreSQL database wake promptly.
inline constexpr char kRevisionEventsChannel[] = "seccoord_revision_events";

// Schema of the policy service (component "policy"), including the three
// documents of the union's policy hierarchy.
std::vector<db::Migration> PolicyMigrations();

// How a read hands over the articles of a published revision.
enum class ArticleForm {
  // In Revision.articles, as usual.
  kFields,
  // For a response that is only serialised (a gRPC handler's): a published
  // revision whose content is cached carries its articles pre-encoded in the
  // message's unknown fields under the articles field number, so the wire
  // holds the same articles in the same order, while the immutable text is
  // encoded (and its UTF-8 checked by protobuf) once per server instead of
  // on every call. articles() of such a message is empty: never use this
  // form where the message is read in-process. Drafts and revisions not
  // (yet) cached come as kFields.
  kEncoded,
};

// A document with what its revisions say about it on one day, read in one
// statement (PolicyStore::Tx::DocumentStates).
struct DocumentState {
  v1::Document document;          // the row only; derived fields unset
  int64_t in_force_number = 0;    // the revision in force that day; 0 if none
  v1::Date in_force_since;        // its effective date
  int64_t max_number = 0;         // highest revision number (0 when none)
  int64_t last_published = 0;     // number of the last published (chain end)
};

class PolicyStore {
 public:
  // Typed access within one transaction.
  class Tx {
   public:
    // `cache` (optional) serves immutable rows; give one only over a
    // read-only transaction, so only committed rows are cached.
    explicit Tx(db::Transaction& tx, ImmutableRowCache* cache = nullptr)
        : tx_(tx), cache_(cache) {}

    absl::StatusOr<std::vector<v1::Document>> ListDocuments();
    absl::StatusOr<std::optional<v1::Document>> GetDocument(const std::string& id);
    // Every document (ordered by tier), or only `only_id` when not null,
    // with the revision in force on on_iso, the highest revision number and
    // the last published revision.
    absl::StatusOr<std::vector<DocumentState>> DocumentStates(const std::string& on_iso,
                                                              const std::string* only_id);

    // Fills revision.articles (of the row read in this transaction): from
    // the cache for a published revision whose content is cached under its
    // content hash, else from SQL (and then cached when published). See
    // ArticleForm for `form`.
    absl::Status LoadArticles(v1::Revision& revision, ArticleForm form = ArticleForm::kFields);
    // A revision by number; articles only when with_articles.
    absl::StatusOr<std::optional<v1::Revision>> GetRevision(
        const std::string& document_id, int64_t number, bool with_articles);
    // Revisions with number > after_number in ascending order.
    absl::StatusOr<std::vector<v1::Revision>> ListRevisions(
        const std::string& document_id, int64_t after_number, int limit,
        bool with_articles);
    // Highest revision number of the document, of published revisions only
    // when published_only (0 when none).
    absl::StatusOr<int64_t> MaxRevisionNumber(const std::string& document_id,
                                              bool published_only = false);

    // Records that `editor` (a principal URI) wrote or changed the content
    // of a revision; once per editor.
    absl::Status AddEditor(const std::string& document_id, int64_t number,
                           const std::string& editor);
    // Whether `principal` (a principal URI) wrote or changed the content of
    // a revision: one indexed EXISTS, whatever the number of editors.
    absl::StatusOr<bool> IsEditor(const std::string& document_id, int64_t number,
                                  const std::string& principal);
    // The published revision with the latest effective date <= on_iso (ties:
    // the higher number), or nullopt.
    absl::StatusOr<std::optional<v1::Revision>> PublishedInForce(
        const std::string& document_id, const std::string& on_iso,
        bool with_articles);
    // The most recently published revision (last link of the chain).
    absl::StatusOr<std::optional<v1::Revision>> LastPublished(
        const std::string& document_id);

    // Inserts a new revision with its articles. ALREADY_EXISTS when the
    // number is taken (a concurrent draft won).
    absl::Status InsertRevision(const v1::Revision& revision);
    // Replaces a revision's row (and articles when replace_articles) if its
    // stored etag is still expected_etag; ABORTED otherwise.
    absl::Status UpdateRevision(const v1::Revision& revision,
                                const std::string& expected_etag,
                                bool replace_articles);

    // Appends an event; returns it with its sequence set.
    absl::StatusOr<v1::RevisionEvent> AppendEvent(v1::RevisionEvent event);
    // Events with sequence > after, ascending, at most limit.
    absl::StatusOr<std::vector<v1::RevisionEvent>> EventsAfter(int64_t after, int limit);

    // Inserts an acknowledgement; returns the stored one (the first when the
    // principal had already acknowledged).
    absl::StatusOr<v1::Acknowledgement> InsertAcknowledgement(const v1::Acknowledgement& ack);
    absl::StatusOr<std::vector<v1::Acknowledgement>> ListAcknowledgements(
        const std::string& document_id, int64_t number);

    absl::StatusOr<v1::RevisionComment> InsertComment(v1::RevisionComment comment);
    absl::StatusOr<std::vector<v1::RevisionComment>> ListComments(
        const std::string& document_id, int64_t number);

    // The underlying transaction, for the request log and the audit chain
    // that must commit together with the change.
    db::Transaction& transaction() { return tx_; }

   private:
    absl::Status InsertArticles(const v1::Revision& revision);
    // Next value of a named counter (serialises concurrent writers on PG).
    absl::StatusOr<int64_t> NextCounter(const std::string& name);

    db::Transaction& tx_;
    ImmutableRowCache* const cache_;
  };

  explicit PolicyStore(db::Database& db) : db_(db) {}

  // The database, for runtime::RunMutation (which opens the write
  // transaction a mutation, its request log record and its audit entry
  // share); reads and writes go through Tx.
  db::Database& database() { return db_; }

  // Runs fn in a read-only transaction (with the cache of immutable rows).
  absl::Status Read(const std::function<absl::Status(Tx&)>& fn);
  // Like Read, but without a snapshot shared by fn's statements
  // (db::TxMode::kReadOnlyPerStatement: on PostgreSQL one round trip per
  // statement and no transaction left open). Only for a read whose rows
  // that can change all come from ONE statement; its other statements may
  // read only rows that never change (documents, the articles of a
  // published revision).
  absl::Status ReadPerStatement(const std::function<absl::Status(Tx&)>& fn);

  // The cache Read uses (tests look at its counters).
  const ImmutableRowCache& cache() const { return cache_; }

 private:
  db::Database& db_;
  ImmutableRowCache cache_;
};

}  // namespace seccoord::policy

#endif  // SECCOORD_SERVICES_POLICY_POLICY_STORE_H_
