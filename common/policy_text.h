// Policy text: the article model of a policy document (基本方針, 対策基準,
// 実施手順), the importer that turns a plain-text document into articles, the
// renderer that turns articles back into text, and the canonical
// serialisation and hashes by which a member verifies that what it holds is
// what was published.
//
// The server and the CLI's `verify` both call CanonicalContent, ContentHashHex
// and ChainHashHex, so their byte layouts below are a wire contract: changing
// them invalidates every stored hash. Version tags in the layouts exist so a
// future layout can be introduced beside the old one, never in place of it.
//
// Thread-safety: plain value types and stateless functions; safe from any
// thread.
#ifndef SECCOORD_COMMON_POLICY_TEXT_H_
#define SECCOORD_COMMON_POLICY_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace seccoord {

// One article (第N) or the supplementary provision (附則) of a policy.
//
// Fields are in this order so that `Article{number, heading, body}` keeps
// working for code that builds articles without a source text.
struct Article {
  // Normalised number: "第1" … "第10" (half-width digits, no spaces; kanji
  // numerals such as 第十 become "第10"), or "附則". Unique within a policy.
  // Part of the canonical content.
  std::string number;
  // Heading, e.g. "目的". Empty for 附則 unless its line carries more text,
  // as in "附 則（令和８年告示第１号）" → "（令和８年告示第１号）".
  std::string heading;
  // The text after the heading line: one line per paragraph or item
  // （１）… ア…, "\n"-separated, each line trimmed of surrounding whitespace,
  // no blank lines, no trailing newline. Lines broken mid-sentence in the
  // source are joined (see ParsePolicyText).
  std::string body;
  // The label as written in the source, e.g. "第１", "第 10", "附 則"
  // (surrounding whitespace trimmed). Presentation only: RenderPolicyText
  // prints it so that an imported text is given back as written, and it is
  // NOT part of the canonical content or the hash (the hash covers `number`).
  // Empty when the article was not imported; the renderer then uses number.
  std::string label = {};

  friend bool operator==(const Article& a, const Article& b) {
    return a.number == b.number && a.heading == b.heading &&
           a.body == b.body && a.label == b.label;
  }
  friend bool operator!=(const Article& a, const Article& b) { return !(a == b); }
};

// A policy document: its title and its articles in document order.
struct PolicyText {
  // The text before the first article heading: normally the first non-blank
  // line, e.g. "笠間地方広域事務組合情報セキュリティ基本方針". A title broken
  // over several lines is joined, so no text before the first article is lost.
  std::string title;
  std::vector<Article> articles;

  friend bool operator==(const PolicyText& a, const PolicyText& b) {
    return a.title == b.title && a.articles == b.articles;
  }
  friend bool operator!=(const PolicyText& a, const PolicyText& b) { return !(a == b); }
};

// Parses a plain-text policy such as data/basic-policy-r8.txt.
//
// Article headings: a line that, after leading whitespace, reads 第 + number
// + whitespace + heading (or 第 + number alone), where the number is written
// in full-width (第１), half-width (第10) or kanji (第十) digits, possibly with
// spaces after 第, and the heading does not end with 。. A line reading 附則
// (stray spaces allowed between and around the two characters, e.g. " 附 則")
// starts the supplementary provision. "第156条…" does not start an article:
// the number must be followed by whitespace or the end of the line.
//
// Body lines: blank lines are dropped; they neither start nor prevent a
// join, because PDF extraction puts them at page breaks mid-sentence as often
// as between paragraphs. A non-blank line is joined to the body line before
// it (a mid-sentence break) unless
//   - it starts an item: （１） （1） (1) ① （ア） or a katakana ア イ ウ …
//     or a digit followed by whitespace or ．/.;
//   - the line before ends a sentence: 。 ． ： : ？ ！ ? ! possibly followed
//     by closing brackets, as in "…を含む。）";
//   - the line before is an item title, i.e. an item marker followed by at
//     most 20 characters without 、 or 。, as in "（１）ネットワーク", whose
//     definition follows on its own line.
// Joined pieces are concatenated without a separator (Japanese has no word
// spaces), except that one ASCII space is put between two ASCII letters or
// digits.
//
// Guarantee: nothing of the text is lost. WithoutWhitespace(RenderPolicyText(p))
// == WithoutWhitespace(text) for every text this function accepts, except that
// a leading UTF-8 byte-order mark is dropped. Parsing is idempotent:
// ParsePolicyText(RenderPolicyText(p)) == p.
//
// Errors (INVALID_ARGUMENT, naming the reason): empty or whitespace-only text;
// invalid UTF-8 (naming the byte offset); no article heading at all; a
// duplicate article number (naming the normalised number and both lines).
absl::StatusOr<PolicyText> ParsePolicyText(std::string_view text);

// Renders a policy as plain text:
//   title "\n" "\n"
//   for each article: label-or-number [" " heading] "\n" body "\n" "\n"
// where label-or-number is the label when set and the number otherwise, and
// the body is printed line by line (a body never holds blank lines when it
// comes from ParsePolicyText). The result always ends with "\n".
std::string RenderPolicyText(const PolicyText& policy);

// The text with every whitespace character removed: ASCII space, \t, \n, \v,
// \f, \r, U+00A0 NO-BREAK SPACE and U+3000 IDEOGRAPHIC SPACE. The measure of
// "the same text up to whitespace" used by the import guarantee.
std::string WithoutWhitespace(std::string_view text);

// Normalises an article label: "第１", "第 1", "第十" → "第1"/"第10";
// "附則", "附 則" → "附則". INVALID_ARGUMENT when `label` (trimmed) is not such
// a label or its number is 0 or above 9999. Lets the service validate article
// numbers sent by clients the same way the importer reads them.
absl::StatusOr<std::string> NormalizeArticleNumber(std::string_view label);

// The canonical form of a body: line endings ("\r\n", "\r") turned into "\n",
// trailing whitespace (as in WithoutWhitespace) removed from every line, and
// leading and trailing empty lines removed. Leading whitespace of a line and
// blank lines between lines are kept. Used by the hash and by the diff, so
// that both see the same lines.
std::string CanonicalBody(std::string_view body);

// The canonical form of a title or heading: leading and trailing whitespace
// (as in WithoutWhitespace) removed; nothing else changed.
std::string CanonicalHeading(std::string_view heading);

// The canonical serialisation of a policy's content, the input of
// ContentHashHex. Byte layout (all text UTF-8, as stored, not re-normalised
// except as stated):
//
//   "seccoord-policy-text-v1\n"
//   field("title", CanonicalHeading(title))
//   field("articles", decimal(article count))
//   for each article, in order:
//     field("number", number)
//     field("heading", CanonicalHeading(heading))
//     field("body", CanonicalBody(body))
//
// where field(name, value) = name " " decimal(byte length of value) "\n"
// value "\n", and decimal() is ASCII base-10 without leading zeros ("-" first
// if negative).
// The length prefix keeps the layout unambiguous whatever the fields contain.
// Article labels are not part of it (see Article::label).
//
// Example: title "T", one article {"第1", "目的", "本文"} gives
//   "seccoord-policy-text-v1\ntitle 1\nT\narticles 1\n1\n"
//   "number 4\n第1\nheading 6\n目的\nbody 6\n本文\n"
std::string CanonicalContent(const PolicyText& policy);

// Lowercase hex SHA-256 (64 characters) of CanonicalContent(policy).
std::string ContentHashHex(const PolicyText& policy);

// Lowercase hex SHA-256 (64 characters) of `data`.
std::string Sha256Hex(std::string_view data);

// True when `text` has the form Sha256Hex writes: 64 lowercase hex digits.
bool IsSha256Hex(std::string_view text);

// The chain hash of a published revision: lowercase hex SHA-256 of
//
//   "seccoord-policy-chain-v1\n"
//   field("previous", previous_chain_hex)
//   field("content", content_hash_hex)
//   field("revision", decimal(revision_number))
//   field("effective", effective_date_iso)
//
// with field() as for CanonicalContent. previous_chain_hex is the chain hash
// of the previous published revision of the same document, or "" for the
// first one; hashes are passed as the lowercase hex strings stored, and
// effective_date_iso is the 施行日 as "YYYY-MM-DD" (e.g. "2026-04-01").
// Arguments are used as given; callers pass them exactly as stored.
std::string ChainHashHex(std::string_view previous_chain_hex,
                         std::string_view content_hash_hex,
                         int64_t revision_number,
                         std::string_view effective_date_iso);

}  // namespace seccoord

#endif  // SECCOORD_COMMON_POLICY_TEXT_H_
