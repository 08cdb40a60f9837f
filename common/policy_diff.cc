#include "common/policy_diff.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_split.h"

namespace seccoord {
namespace {

// Bounds the LCS table: 4M cells of uint32_t is 16 MB.
constexpr size_t kMaxLcsCells = 4'000'000;

std::vector<std::string> BodyLines(std::string_view body) {
  const std::string canonical = CanonicalBody(body);
  if (canonical.empty()) return {};
  return absl::StrSplit(canonical, '\n');
}

std::vector<LineChange> AllLines(const std::vector<std::string>& lines,
                                 LineChange::Op op) {
  std::vector<LineChange> changes;
  changes.reserve(lines.size());
  for (const std::string& line : lines) changes.push_back({op, line});
  return changes;
}

std::vector<LineChange> DiffLines(const std::vector<std::string>& a,
                                  const std::vector<std::string>& b) {
  std::vector<LineChange> changes;

  // Common leading and trailing lines need no table, and they are most of a
  // typical revision.
  size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) {
    ++prefix;
  }
  size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
    ++suffix;
  }
  for (size_t i = 0; i < prefix; ++i) changes.push_back({LineChange::kKeep, a[i]});

  const size_t n = a.size() - prefix - suffix;
  const size_t m = b.size() - prefix - suffix;
  if (n > 0 && m > 0 && (n + 1) * (m + 1) <= kMaxLcsCells) {
    // lcs[i * (m + 1) + j]: LCS length of a[prefix + i ..] and b[prefix + j ..]
    // within the middle part.
    std::vector<uint32_t> lcs((n + 1) * (m + 1), 0);
    auto at = [&](size_t i, size_t j) -> uint32_t& { return lcs[i * (m + 1) + j]; };
    for (size_t i = n; i-- > 0;) {
      for (size_t j = m; j-- > 0;) {
        at(i, j) = a[prefix + i] == b[prefix + j]
                       ? at(i + 1, j + 1) + 1
                       : std::max(at(i + 1, j), at(i, j + 1));
      }
    }
    size_t i = 0;
    size_t j = 0;
    while (i < n && j < m) {
      if (a[prefix + i] == b[prefix + j]) {
        changes.push_back({LineChange::kKeep, a[prefix + i]});
        ++i, ++j;
      } else if (at(i + 1, j) >= at(i, j + 1)) {
        changes.push_back({LineChange::kRemove, a[prefix + i]});
        ++i;
      } else {
        changes.push_back({LineChange::kAdd, b[prefix + j]});
        ++j;
      }
    }
    for (; i < n; ++i) changes.push_back({LineChange::kRemove, a[prefix + i]});
    for (; j < m; ++j) changes.push_back({LineChange::kAdd, b[prefix + j]});
  } else {
    for (size_t i = 0; i < n; ++i) {
      changes.push_back({LineChange::kRemove, a[prefix + i]});
    }
    for (size_t j = 0; j < m; ++j) {
      changes.push_back({LineChange::kAdd, b[prefix + j]});
    }
  }

  for (size_t i = a.size() - suffix; i < a.size(); ++i) {
    changes.push_back({LineChange::kKeep, a[i]});
  }
  return changes;
}

ArticleChange Removed(const Article& article) {
  ArticleChange change;
  change.kind = ArticleChange::Kind::kRemoved;
  change.number = article.number;
  change.old_heading = article.heading;
  change.old_chapter = article.chapter;
  change.lines = AllLines(BodyLines(article.body), LineChange::kRemove);
  return change;
}

ArticleChange Added(const Article& article) {
  ArticleChange change;
  change.kind = ArticleChange::Kind::kAdded;
  change.number = article.number;
  change.new_heading = article.heading;
  change.new_chapter = article.chapter;
  change.lines = AllLines(BodyLines(article.body), LineChange::kAdd);
  return change;
}

}  // namespace

std::string_view ArticleChangeKindName(ArticleChange::Kind kind) {
  switch (kind) {
    case ArticleChange::Kind::kAdded: return "added";
    case ArticleChange::Kind::kRemoved: return "removed";
    case ArticleChange::Kind::kChanged: return "changed";
    case ArticleChange::Kind::kUnchanged: return "unchanged";
  }
  return "unknown";
}

std::vector<LineChange> DiffBodyLines(std::string_view old_body,
                                      std::string_view new_body) {
  return DiffLines(BodyLines(old_body), BodyLines(new_body));
}

std::vector<ArticleChange> DiffPolicyTexts(const PolicyText& from,
                                           const PolicyText& to,
                                           bool include_unchanged) {
  // Pair each article of `to` with the article of `from` of the same number.
  std::map<std::string_view, size_t> from_index;
  for (size_t k = 0; k < from.articles.size(); ++k) {
    from_index.emplace(from.articles[k].number, k);  // First occurrence wins.
  }
  constexpr size_t kNone = static_cast<size_t>(-1);
  std::vector<bool> from_matched(from.articles.size(), false);
  std::vector<size_t> match_of_to(to.articles.size(), kNone);
  for (size_t j = 0; j < to.articles.size(); ++j) {
    auto it = from_index.find(to.articles[j].number);
    if (it == from_index.end() || from_matched[it->second]) continue;
    from_matched[it->second] = true;
    match_of_to[j] = it->second;
  }

  std::vector<ArticleChange> changes;
  size_t next_from = 0;  // Removed articles before this index are emitted.
  auto emit_removed_before = [&](size_t end) {
    for (; next_from < end; ++next_from) {
      if (!from_matched[next_from]) changes.push_back(Removed(from.articles[next_from]));
    }
  };

  for (size_t j = 0; j < to.articles.size(); ++j) {
    const Article& new_article = to.articles[j];
    const size_t k = match_of_to[j];
    if (k == kNone) {
      // Within one gap between matched articles, removed articles come
      // before added ones, as removed lines come before added lines.
      size_t gap_end = from.articles.size();
      for (size_t later = j + 1; later < to.articles.size(); ++later) {
        if (match_of_to[later] != kNone && match_of_to[later] >= next_from) {
          gap_end = match_of_to[later];
          break;
        }
      }
      emit_removed_before(gap_end);
      changes.push_back(Added(new_article));
      continue;
    }
    // Articles removed between the previous match and this one stood here.
    // A moved article (k < next_from) keeps the order of `to`.
    if (k >= next_from) {
      emit_removed_before(k);
      next_from = k + 1;
    }
    const Article& old_article = from.articles[k];
    const std::vector<std::string> old_lines = BodyLines(old_article.body);
    const std::vector<std::string> new_lines = BodyLines(new_article.body);
    const bool same_heading = CanonicalHeading(old_article.heading) ==
                              CanonicalHeading(new_article.heading);
    const bool same_chapter = CanonicalHeading(old_article.chapter) ==
                              CanonicalHeading(new_article.chapter);
    const bool unchanged = same_chapter && same_heading && old_lines == new_lines;
    if (unchanged && !include_unchanged) continue;

    ArticleChange change;
    change.kind = unchanged ? ArticleChange::Kind::kUnchanged
                            : ArticleChange::Kind::kChanged;
    change.number = new_article.number;
    change.old_heading = old_article.heading;
    change.new_heading = new_article.heading;
    change.old_chapter = old_article.chapter;
    change.new_chapter = new_article.chapter;
    change.lines = DiffLines(old_lines, new_lines);
    changes.push_back(std::move(change));
  }
  emit_removed_before(from.articles.size());
  return changes;
}

}  // namespace seccoord
