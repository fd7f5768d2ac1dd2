"""The knowledge base: articles, their versions, articles drafted from resolved tickets."""
