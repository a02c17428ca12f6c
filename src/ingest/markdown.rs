//! Markdown: optional front matter, then the document rendered to plain text.
//!
//! Rendering keeps what a reader reads and drops what they look at: each paragraph, heading,
//! block quote paragraph, table row and list item becomes one line (inner white space
//! collapsed); lines of one list (nested lists included) or one table are separated by a
//! newline, other blocks by a blank line.
//! Link text and inline code are kept; list markers, emphasis marks, images (and their alt
//! text), code blocks, raw HTML and horizontal rules are dropped. Table cells are joined
//! with ` | `.

use std::path::Path;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::header;
use super::{collapse_ws, Article, IngestError};

/// Reads a Markdown article. The title is the front matter's `title:`, else the first level-1
/// heading.
pub(super) fn parse(path: &Path, input: &str) -> Result<Article, IngestError> {
    let front = header::front_matter(input).map_err(|_| IngestError::UnclosedFrontMatter {
        path: path.to_path_buf(),
    })?;
    let mut article = Article::default();
    let body = match &front {
        Some(split) => {
            header::apply(&mut article, &split.fields);
            split.body
        }
        None => input,
    };
    let (text, first_h1) = render(body);
    if text.is_empty() {
        let path = path.to_path_buf();
        return Err(if front.is_some() && body.trim().is_empty() {
            IngestError::NoTextAfterHeader { path }
        } else {
            IngestError::NoArticleText { path }
        });
    }
    if article.title.is_none() {
        article.title = first_h1;
    }
    article.text = text;
    Ok(article)
}

#[derive(Default)]
struct Renderer {
    /// Finished lines, each with the list or table it belongs to, if any.
    lines: Vec<(String, Option<usize>)>,
    current: String,
    /// Depth inside elements whose text is dropped (images, code blocks, HTML blocks).
    skipping: usize,
    /// Depth of nested lists, and whether inside a table.
    lists: usize,
    in_table: bool,
    /// The current top-level list or table, and how many were seen.
    group: usize,
    in_h1: bool,
    first_h1: Option<String>,
}

impl Renderer {
    fn flush(&mut self) {
        let line = collapse_ws(&self.current);
        self.current.clear();
        if line.is_empty() {
            return;
        }
        if self.in_h1 && self.first_h1.is_none() {
            self.first_h1 = Some(line.clone());
        }
        let group = (self.lists > 0 || self.in_table).then_some(self.group);
        self.lines.push((line, group));
    }

    fn push(&mut self, text: &str) {
        if self.skipping == 0 {
            self.current.push_str(text);
        }
    }

    fn start(&mut self, tag: &Tag<'_>) {
        match tag {
            Tag::Heading { level, .. } => {
                self.flush();
                self.in_h1 = *level == HeadingLevel::H1;
            }
            Tag::List(_) => {
                self.flush();
                if self.lists == 0 {
                    self.group += 1;
                }
                self.lists += 1;
            }
            Tag::Table(_) => {
                self.flush();
                self.group += 1;
                self.in_table = true;
            }
            Tag::TableCell if !self.current.trim().is_empty() => self.current.push_str(" | "),
            Tag::Image { .. } => self.skipping += 1,
            Tag::CodeBlock(_) | Tag::HtmlBlock | Tag::MetadataBlock(_) => {
                self.flush();
                self.skipping += 1;
            }
            Tag::Paragraph
            | Tag::BlockQuote(_)
            | Tag::Item
            | Tag::TableHead
            | Tag::TableRow
            | Tag::FootnoteDefinition(_)
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition => self.flush(),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(_) => {
                self.flush();
                self.in_h1 = false;
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists = self.lists.saturating_sub(1);
            }
            TagEnd::Table => {
                self.flush();
                self.in_table = false;
            }
            TagEnd::Image => self.skipping = self.skipping.saturating_sub(1),
            TagEnd::CodeBlock | TagEnd::HtmlBlock | TagEnd::MetadataBlock(_) => {
                self.skipping = self.skipping.saturating_sub(1);
            }
            TagEnd::Paragraph
            | TagEnd::BlockQuote(_)
            | TagEnd::Item
            | TagEnd::TableHead
            | TagEnd::TableRow
            | TagEnd::FootnoteDefinition
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition => self.flush(),
            _ => {}
        }
    }

    fn finish(mut self) -> (String, Option<String>) {
        self.flush();
        let mut text = String::new();
        let mut previous_group = None;
        for (i, (line, group)) in self.lines.iter().enumerate() {
            if i > 0 {
                let same_group = group.is_some() && *group == previous_group;
                text.push_str(if same_group { "\n" } else { "\n\n" });
            }
            text.push_str(line);
            previous_group = *group;
        }
        (text, self.first_h1)
    }
}

/// Renders Markdown to plain text (see the module docs) and returns it with the text of the
/// first level-1 heading.
pub(super) fn render(markdown: &str) -> (String, Option<String>) {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut renderer = Renderer::default();
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(tag) => renderer.start(&tag),
            Event::End(tag) => renderer.end(tag),
            Event::Text(text) | Event::Code(text) => renderer.push(&text),
            Event::InlineMath(text) | Event::DisplayMath(text) => renderer.push(&text),
            Event::SoftBreak | Event::HardBreak => renderer.push(" "),
            Event::Rule => renderer.flush(),
            _ => {}
        }
    }
    renderer.finish()
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn renders_blocks_as_lines() {
        let markdown = "Intro with a  \nhard break and <b>inline html</b>.\n\n\
                        <div>html block</div>\n\n\
                        > quoted one\n>\n> quoted two\n\n\
                        1. first\n2. second\n\nPara.\n\n    indented code\n\n---\n\nEnd [^1] ~~struck~~.\n";
        let (text, h1) = render(markdown);
        assert_eq!(
            text,
            "Intro with a hard break and inline html.\n\nquoted one\n\nquoted two\n\n\
             first\nsecond\n\nPara.\n\nEnd [^1] struck."
        );
        assert_eq!(h1, None);
    }

    #[test]
    fn separate_lists_are_separate_blocks() {
        let (text, _) = render("- a\n- b\n\nBetween.\n\n* c\n");
        assert_eq!(text, "a\nb\n\nBetween.\n\nc");
    }
}
