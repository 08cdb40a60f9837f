#include "services/policy/policy_cache.h"

namespace seccoord::policy {

PublishedContent::PublishedContent(std::string hash,
                                   const google::protobuf::RepeatedPtrField<v1::Article>& list)
    : content_hash(std::move(hash)), articles(list) {
  encoded_articles.reserve(articles.size());
  for (const v1::Article& article : articles) {
    encoded_articles.push_back(article.SerializeAsString());
  }
}

std::optional<v1::Document> ImmutableRowCache::FindDocument(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = documents_.find(id);
  if (it == documents_.end()) return std::nullopt;
  return it->second;
}

void ImmutableRowCache::PutDocument(const v1::Document& document) {
  std::lock_guard<std::mutex> lock(mu_);
  if (documents_.size() >= kMaxDocuments && documents_.count(document.id()) == 0) {
    documents_.clear();
  }
  documents_[document.id()] = document;
}

std::shared_ptr<const PublishedContent> ImmutableRowCache::FindContent(
    const std::string& document_id, int64_t number, const std::string& content_hash) const {
  std::shared_ptr<const PublishedContent> found;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = content_.find(RevisionKey(document_id, number));
    if (it != content_.end() && it->second->content_hash == content_hash) found = it->second;
  }
  (found ? content_hits_ : content_misses_).fetch_add(1, std::memory_order_relaxed);
  return found;
}

size_t ImmutableRowCache::content_size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return content_.size();
}

void ImmutableRowCache::PutContent(const std::string& document_id, int64_t number,
                                   std::shared_ptr<const PublishedContent> content) {
  RevisionKey key(document_id, number);
  std::shared_ptr<const PublishedContent> dropped;  // freed after the lock
  std::map<RevisionKey, std::shared_ptr<const PublishedContent>> evicted;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = content_.find(key);
  if (it != content_.end()) {
    dropped = std::move(it->second);
    it->second = std::move(content);
    return;
  }
  if (content_.size() >= kMaxRevisions) evicted.swap(content_);
  content_.emplace(std::move(key), std::move(content));
}

}  // namespace seccoord::policy
