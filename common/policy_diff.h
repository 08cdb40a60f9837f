// Policy diff: what one revision of a policy changes against another, article
// by article, with a line diff of each article's body, so members see what a
// new revision changes before they acknowledge it.
//
// Articles are matched by their normalised number (第1 … 附則); bodies are
// compared in their canonical form (CanonicalBody in common/policy_text.h),
// so the diff reports a change exactly when the content hash would see one in
// that article: its chapter (with its section), heading or body. Labels (第１
// as written) are presentation and never a change.
// Titles are not part of the article diff; compare PolicyText::title directly.
//
// Thread-safety: plain value types and stateless functions; safe from any
// thread.
#ifndef SECCOORD_COMMON_POLICY_DIFF_H_
#define SECCOORD_COMMON_POLICY_DIFF_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/policy_text.h"

namespace seccoord {

// One line of a body diff.
struct LineChange {
  // What happened to the line between the older and the newer body.
  enum Op {
    kKeep,    // In both bodies.
    kAdd,     // Only in the newer body.
    kRemove,  // Only in the older body.
  };
  Op op;
  std::string text;  // The line, without its "\n".

  friend bool operator==(const LineChange& a, const LineChange& b) {
    return a.op == b.op && a.text == b.text;
  }
};

// How one article differs between two policies.
struct ArticleChange {
  // Which side(s) the article is on and whether it differs.
  enum class Kind {
    kAdded,      // Only in `to`. lines: every body line as kAdd.
    kRemoved,    // Only in `from`. lines: every body line as kRemove.
    kChanged,    // In both; the chapter, the heading or the body differs.
                 // lines: the line diff (kKeep/kAdd/kRemove; all kKeep if
                 // only the chapter or the heading changed).
    kUnchanged,  // In both; chapter, heading and body identical. lines:
                 // every body line as kKeep.
  };
  Kind kind;
  std::string number;       // The normalised number, e.g. "第6", "附則".
  std::string old_heading;  // Heading in `from`; empty when kAdded.
  std::string new_heading;  // Heading in `to`; empty when kRemoved.
  // Chapter (Article::chapter: 第１章　総則, a section on its second line) in
  // `from` and in `to`; "" on the side the article is not on, or when the
  // document has no chapters. Differ when the article moved to another
  // chapter or section or its chapter was renamed.
  std::string old_chapter;
  std::string new_chapter;
  std::vector<LineChange> lines;
};

// The lower-case name of a kind: "added", "removed", "changed", "unchanged".
std::string_view ArticleChangeKindName(ArticleChange::Kind kind);

// Article-by-article diff from `from` (the older revision) to `to` (the newer
// one). Order: the articles of `to` in their order, each removed article
// where it stood in `from` (after the article it followed there); where
// articles were both removed and added between the same two kept articles,
// the removed ones come first. An article moved to an earlier place keeps its
// place in `to`. Unchanged articles are included only if `include_unchanged`.
//
// Numbers are expected to be unique within each policy (ParsePolicyText and
// the service guarantee it); should one repeat, its first occurrence in `to`
// is matched with its first occurrence in `from` and the others count as
// added or removed.
std::vector<ArticleChange> DiffPolicyTexts(const PolicyText& from,
                                           const PolicyText& to,
                                           bool include_unchanged);

// Line diff of two bodies, after CanonicalBody: a longest common subsequence
// of lines, listing removed lines before added lines where they interleave.
// Above 4,000,000 line pairs (bodies of some 2,000 lines each, after common
// leading and trailing lines are set aside) the middle is reported as all
// removed then all added, which keeps time and memory bounded.
std::vector<LineChange> DiffBodyLines(std::string_view old_body,
                                      std::string_view new_body);

}  // namespace seccoord

#endif  // SECCOORD_COMMON_POLICY_DIFF_H_
