"""The site's pages: written as Markdown for MkDocs, MkDocs itself, forms, redirects, feeds and sitemap."""
