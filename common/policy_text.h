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

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace seccoord {

// Bounds of the policy service on a revision's content (the service refuses
// more with RESOURCE_EXHAUSTED). Here so that the importer can name the
// article that is over a bound before anything is sent; the service's own
// constants (services/policy/policy_logic.h) are these.
inline constexpr int kPolicyMaxArticles = 200;
inline constexpr size_t kPolicyMaxTitleBytes = 400;
inline constexpr size_t kPolicyMaxHeadingBytes = 400;
inline constexpr size_t kPolicyMaxBodyBytes = 64 * 1024;
inline constexpr size_t kPolicyMaxLabelBytes = 64;

// One provision of a policy: an article (第N, 第N条, N), the preamble (前文),
// the table of contents (目次) or a supplementary provision (附則).
//
// Fields are in this order so that `Article{number, heading, body}` keeps
// working for code that builds articles without a source text.
struct Article {
  // Normalised number, unique within a policy (half-width digits, no
  // spaces; kanji numerals such as 第十 become 第10):
  //   "第1" … "第10"        seed form        (written 第１, 第 10, 第十)
  //   "第1条", "第2条の2"    例規 form        (written 第１条, 第 2 条の２)
  //   "1" … "12"            numbered sections (written 1, 1., １．, (1), （１）)
  //   "附則", "附則2", …     the first, second, … supplementary provision
  //   "前文", "目次"         preamble or declaration, table of contents
  //                          ("前文2" for a second preamble after a 目次)
  // Part of the canonical content.
  std::string number;
  // Heading as written: "目的" (第１ 目的, 第1条 目的, 1 目的), "（目的）" in
  // brackets (例規 form), or for 附則 the text after it on its line, as in
  // "附 則（令和８年告示第１号）" → "（令和８年告示第１号）". May be empty.
  std::string heading;
  // The text after the heading line: one line per paragraph or item
  // （１）… ア… ２… ⑴…, "\n"-separated, each line trimmed of surrounding
  // whitespace, no blank lines, no trailing newline. Lines broken
  // mid-sentence in the source are joined (see ParsePolicyDocument).
  std::string body;
  // The label as written in the source, e.g. "第１", "第 10", "第２条の２",
  // "１．", "附 則", "目　次" (surrounding whitespace trimmed; "" for 前文).
  // Presentation only: RenderPolicyText prints it so that an imported text is
  // given back as written, and it is NOT part of the canonical content or
  // the hash (the hash covers `number`). Empty when the article was not
  // imported; the renderer then uses number.
  std::string label = {};
  // The chapter (章) the article belongs to, its heading line as written:
  // "第１章　総則"; when the chapter has sections (節), the section's line
  // follows on a second line: "第１章　総則\n第１節　通則". Empty when the
  // document has no chapters. Part of the canonical content (layout v2, see
  // CanonicalContent).
  std::string chapter = {};
  // Presentation only, like label: the heading stood on its own line above
  // the article ("（目的）" / "第１条　…") rather than on the article's line
  // ("第１条（目的）…", "第１ 目的").
  bool heading_above = false;

  friend bool operator==(const Article& a, const Article& b) {
    return a.number == b.number && a.heading == b.heading &&
           a.body == b.body && a.label == b.label && a.chapter == b.chapter &&
           a.heading_above == b.heading_above;
  }
  friend bool operator!=(const Article& a, const Article& b) { return !(a == b); }
};

// A policy document: its title and its provisions in document order.
struct PolicyText {
  // One or two short lines before everything else, e.g.
  // "笠間地方広域事務組合情報セキュリティ基本方針"; two lines are joined.
  // Longer text before the first article is the preamble (前文), never
  // part of the title. Empty when the text starts with a sentence.
  std::string title;
  std::vector<Article> articles;

  friend bool operator==(const PolicyText& a, const PolicyText& b) {
    return a.title == b.title && a.articles == b.articles;
  }
  friend bool operator!=(const PolicyText& a, const PolicyText& b) { return !(a == b); }
};

// Something the importer reports about one line of the source.
struct PolicyTextNote {
  int line = 0;      // 1-based physical line (CR LF, CR and LF each end a line)
  std::string text;  // the message, or for a dropped line its text
};

// What ParsePolicyDocument read.
struct ParsedPolicy {
  PolicyText policy;
  // Per article of policy.articles, the line where it starts (its heading,
  // or the first line of a 前文).
  std::vector<int> article_lines;
  // Page furniture that was dropped ("- 2 -", a page number alone at a page
  // break, a running header or footer repeated on several pages), each with
  // its line and its text. Nothing else is ever dropped.
  std::vector<PolicyTextNote> dropped;
  // Doubtful structure: a heading-like line kept as body text because its
  // number is not the next one (a gap, or a cross-reference), a second form
  // of heading, a chapter without articles, an empty article, numbering that
  // does not start at 1, no title. Each names its line.
  std::vector<PolicyTextNote> warnings;
};

// Parses a plain-text policy (UTF-8; a leading BOM is dropped) in any of
// these forms:
//   - seed form: "第１ 目的", "第10", "第十一 …" with the heading on the
//     number's line (full-width, half-width or kanji numerals);
//   - 例規 form: "（目的）" on its own line, then "第１条　この方針は、…";
//     also "第1条（目的）…" and "第1条 目的"; branch articles "第２条の２";
//     numbered paragraphs "２　…" inside an article;
//   - numbered sections: "1 目的", "1. 目的", "1．目的", "１　目的",
//     "(1) 目的", or the number and heading on two lines ("1" / "目的");
//   - chapters "第1章 総則" (kept as each article's chapter), sections of a
//     chapter "第1節 通則" (kept as the chapter's second line), and a 目次
//     before the first article (kept as the provision 目次);
//   - a preamble between the title and the first article, or a whole
//     declaration with items ⑴ … ⑺ and no articles (the provision 前文);
//   - any number of 附則 lines such as "附　則（令和９年告示第２号）".
// The form of the articles is that of the first heading numbered 1 (第N and
// 第N条 before numbered sections). Numbering is a sequence: a heading-like
// line whose number is not the next one (第N+1, or the next branch 第N条の2)
// is body text, with a warning: this keeps "第 9 条第 1 項に規定する…" and
// cross-references inside their article; chapters and sections are
// sequences too (sections from 1 in each chapter). A bare number that page
// furniture rules would drop is kept when it is the next section number and
// a heading follows it. A line that starts like a 附則
// ("附則第２項の規定にかかわらず") is body text unless 附則 stands alone or
// is followed by a space or a bracket, and a bare 附則 is body text when
// the lines after it read as a reference ("附則" / "第" / "１項の…").
//
// Lines: CR LF, CR and LF end a line; form feeds mark page breaks; NUL and
// other control characters are refused; zero-width characters (U+200B,
// U+200C, U+200D, U+2060, U+FEFF) are removed. Page furniture is dropped
// and reported (ParsedPolicy::dropped).
//
// Body lines: blank lines are dropped; they neither start nor prevent a
// join, because PDF extraction puts them at page breaks mid-sentence as often
// as between paragraphs. A non-blank line is joined to the body line before
// it (a mid-sentence break) unless
//   - it starts an item: （１） (1) ⑴ ① （ア） (ａ) ア ａ 一 ・ or a digit
//     followed by whitespace or ．/., or it starts like a heading (第N…, 附則);
//   - the line before ends a sentence: 。 ． ： : ？ ！ ? ! possibly followed
//     by closing brackets, as in "…を含む。）", or is a date alone;
//   - the line before is an item title, i.e. an item marker followed by at
//     most 20 characters without 、 or 。, as in "（１）ネットワーク", whose
//     definition follows on its own line;
//   - the line before starts with a label (第N…, 附則) or is "目次": body
//     text that looks like structure stays a line of its own, so that a
//     rendering reads it the same.
// Joined pieces are concatenated without a separator (Japanese has no word
// spaces), except that one ASCII space is put between two ASCII letters or
// digits. Time is linear in the size of the text.
//
// Guarantee: nothing of the text is lost. WithoutWhitespace(RenderPolicyText(p))
// equals WithoutWhitespace of the text without its dropped lines (and without
// a BOM and zero-width characters). Parsing is idempotent:
// ParsePolicyDocument(RenderPolicyText(p)).policy == p.
//
// Errors (INVALID_ARGUMENT, naming the line): empty or whitespace-only text;
// invalid UTF-8; a NUL or other control character; no article heading at all
// (and no declaration with items either).
absl::StatusOr<ParsedPolicy> ParsePolicyDocument(std::string_view text);

// The bytes of a policy file, decoded as the asset CSV import decodes (see
// DecodeCsv in common/csv.h: UTF-16 with BOM, UTF-8 with or without BOM,
// otherwise CP932), then parsed. *encoding (if not null) gets "UTF-8",
// "CP932" or "UTF-16".
absl::StatusOr<ParsedPolicy> ParsePolicyFile(std::string_view bytes,
                                             std::string* encoding = nullptr);

// ParsePolicyDocument(text).policy.
absl::StatusOr<PolicyText> ParsePolicyText(std::string_view text);

// Checks a parsed policy against the service's bounds (kPolicyMax…) and that
// it has a title. RESOURCE_EXHAUSTED naming the article, its line and how far
// over, e.g. "line 12: 第3条: body is 70000 bytes, 4464 over the limit of
// 65536"; INVALID_ARGUMENT for a missing title.
absl::Status CheckPolicyLimits(const ParsedPolicy& parsed);

// The lines of a body that start with an item or paragraph marker
// (（１） ⑴ ① ア ２ 一 …), as the import outline counts them.
int CountItems(std::string_view body);

// The heading lines to show above an article whose chapter is `chapter`
// when the article before has `previous` (Article::chapter of each): the
// chapter's line when the chapter changes, then the section's line when the
// chapter or the section changes; nothing when both are the same. Views
// point into the arguments.
std::vector<std::string_view> ChapterLinesAbove(std::string_view previous,
                                                std::string_view chapter);

// Renders a policy as plain text:
//   title "\n" "\n"
//   for each article:
//     [each of ChapterLinesAbove(the chapter of the article before, its
//      chapter) followed by "\n" "\n"]
//     前文:  body "\n" "\n"
//     other: [heading "\n" if heading_above] label-or-number
//            [" " heading unless heading_above] "\n" body "\n" "\n"
// where label-or-number is the label when set and the number otherwise, the
// heading follows the label without a space when it is in brackets, and the
// body is printed line by line. The result always ends with "\n".
std::string RenderPolicyText(const PolicyText& policy);

// The text with every whitespace character removed: ASCII space, \t, \n, \v,
// \f, \r, U+00A0 NO-BREAK SPACE and U+3000 IDEOGRAPHIC SPACE, and the
// zero-width characters the importer removes (U+200B, U+200C, U+200D,
// U+2060, U+FEFF). The measure of "the same text up to whitespace" used by
// the import guarantee.
std::string WithoutWhitespace(std::string_view text);

// Normalises an article label: "第１", "第 1", "第十" → "第1"/"第10";
// "第１条", "第 2 条の２" → "第1条"/"第2条の2"; "1", "１．", "(1)" → "1";
// "附則", "附 則" → "附則" and "附則2" → "附則2"; "前文", "目 次" →
// "前文"/"目次". INVALID_ARGUMENT when `label` (trimmed) is not such a label
// or a number is 0 or above 9999. Normalised numbers normalise to themselves.
// Lets the service validate article numbers sent by clients the same way the
// importer reads them.
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
// except as stated), v1 when no article has a chapter:
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
// Article labels and heading_above are not part of it (see Article::label).
//
// When some article has a chapter, the layout is v2: "seccoord-policy-text-v2\n"
// and, in each article after its number, field("chapter",
// CanonicalHeading(chapter)); otherwise as v1. Every text without chapters
// (every revision stored before chapters existed) keeps its v1 hash.
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
