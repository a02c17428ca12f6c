//! Parsing HTML into a tree, with the nesting depth capped as browsers cap it.
//!
//! html5ever builds the tree as the HTML standard says, and the standard's tree construction
//! scans the stack of open elements on most tags ("has a `p` element in button scope", "any
//! other end tag"). Nothing in the standard bounds that stack, so a page of 20,000 nested
//! `<article>` or 100,000 nested `<div>` elements costs time quadratic in its size. Browsers
//! stop nesting at a fixed depth (Chromium and WebKit at 512) and html5ever does not, so this
//! module puts a gate between html5ever's tokenizer and its tree builder (at 256: deeper than
//! real pages go, and each tag at the cap costs half what it would at 512):
//!
//! - While fewer than [`MAX_OPEN`] elements are held by the tree builder (its open elements
//!   and its list of active formatting elements), every token passes unchanged, so a page
//!   nested less deeply than that gives exactly the tree `scraper::Html::parse_document`
//!   gives.
//! - From [`MAX_OPEN`] on, start tags are dropped, except those that carry article text
//!   without nesting: blocks (`p`, `h1`–`h6`, `li`, `blockquote`), elements with raw text
//!   (`script`, `style`, `title`, ...) and void elements (`br`, `img`, ...). From
//!   [`MAX_OPEN`]` + `[`TEXT_MARGIN`] on, only void elements pass. The text inside a dropped
//!   element is kept (it goes to the nearest open element), and so is the end tag of an
//!   element that was not dropped: the end tag of a dropped element is dropped with it.
//! - Formatting elements (`a`, `b`, `i`, `font`, ...) left open are reopened by the standard
//!   around each later run of text, one new element each: a few hundred of them and a short
//!   paragraph repeated made 190 MB of tree from 21 KB. Their start tags are dropped while
//!   the builder holds [`MAX_FORMATTING`] of them.
//! - A document that still builds more than [`node_budget`] nodes (a quarter of its bytes,
//!   plus 100,000) is refused: honest markup needs at least four bytes a node.
//!
//! Every operation of the tree builder then works on a bounded stack, and the gate's own
//! count of held elements is redone only when the builder may have reached a limit, so a
//! document costs time and memory linear in its size.

use std::cell::Cell;
use std::collections::HashMap;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
    TokenizerResult,
};
use html5ever::tree_builder::{
    ElementFlags, NextParserState, NodeOrText, QuirksMode, Tracer, TreeBuilder, TreeBuilderOpts,
    TreeSink,
};
use html5ever::{Attribute, ExpandedName, LocalName, QualName};
use scraper::Html;

/// Elements the tree builder may hold (open, or listed as active formatting elements) before
/// start tags are dropped. Some tags make the builder scan all it holds, so this is the factor
/// of the worst case (about 2 MB/s at 256; `cargo bench --bench ingest`).
pub(super) const MAX_OPEN: usize = 256;

/// How many more elements blocks and elements with raw text may open past [`MAX_OPEN`].
pub(super) const TEXT_MARGIN: usize = 64;

/// Formatting elements the tree builder may hold (open or to be reopened, each counted once
/// for each) before formatting start tags are dropped.
pub(super) const MAX_FORMATTING: usize = 32;

/// The nodes (elements and comments) a document of `bytes` bytes may build.
pub(super) fn node_budget(bytes: usize) -> usize {
    100_000 + bytes / 4
}

/// A parsed document, with what the gate did to it.
pub(super) struct Parsed {
    pub html: Html,
    /// Start tags dropped because the document was nested too deeply (read by tests).
    #[cfg_attr(not(test), allow(dead_code))]
    pub dropped: usize,
    /// Whether the document built more than [`node_budget`] nodes; the tree is then
    /// incomplete.
    pub over_budget: bool,
}

/// Parses a whole document as `scraper::Html::parse_document` does, with the nesting capped.
pub(super) fn parse(input: &str) -> Parsed {
    let builder = TreeBuilder::new(Counted::default(), TreeBuilderOpts::default());
    let gate = Gate::new(builder, node_budget(input.len()));
    let mut tokenizer = Tokenizer::new(gate, TokenizerOpts::default());
    let mut queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(input));
    // Scripts are not run: a script result only means "script seen", so keep feeding.
    while let TokenizerResult::Script(_) = tokenizer.feed(&mut queue) {}
    tokenizer.end();
    let gate = tokenizer.sink;
    Parsed {
        dropped: gate.dropped_total,
        over_budget: gate.over_budget,
        html: gate.builder.sink.html,
    }
}

/// The token filter between the tokenizer and the tree builder.
struct Gate {
    builder: TreeBuilder<ego_tree::NodeId, Counted>,
    /// Elements, and formatting elements, the builder held when last counted.
    held: usize,
    held_formatting: usize,
    /// Elements created by then: each element created since may add at most three handles
    /// to the builder's state (open, active formatting, and the `head` or `form` pointer).
    created_when_counted: usize,
    /// Whether a token went to the builder since: if not, the count still holds.
    passed_since_count: bool,
    /// Start tags dropped and not closed yet, by name.
    dropped: HashMap<LocalName, usize>,
    dropped_total: usize,
    budget: usize,
    over_budget: bool,
}

impl Gate {
    fn new(builder: TreeBuilder<ego_tree::NodeId, Counted>, budget: usize) -> Gate {
        Gate {
            builder,
            held: 0,
            held_formatting: 0,
            created_when_counted: 0,
            passed_since_count: true,
            dropped: HashMap::new(),
            dropped_total: 0,
            budget,
            over_budget: false,
        }
    }

    /// Whether a start tag goes to the builder.
    fn admits(&mut self, tag: &Tag) -> bool {
        let name: &str = &tag.name;
        let formatting = FORMATTING.contains(&name);
        let created = self.builder.sink.elements;
        let added = 3 * (created - self.created_when_counted);
        if self.held + added < MAX_OPEN
            && !(formatting && self.held_formatting + added >= MAX_FORMATTING)
        {
            return true;
        }
        if self.passed_since_count {
            let count = Count {
                html: &self.builder.sink.html,
                all: Cell::new(0),
                formatting: Cell::new(0),
            };
            self.builder.trace_handles(&count);
            self.held = count.all.get();
            self.held_formatting = count.formatting.get();
            self.created_when_counted = created;
            self.passed_since_count = false;
        }
        if formatting && self.held_formatting >= MAX_FORMATTING {
            false
        } else if self.held < MAX_OPEN || VOID.contains(&name) {
            true
        } else {
            self.held < MAX_OPEN + TEXT_MARGIN && (TEXT.contains(&name) || RAW_TEXT.contains(&name))
        }
    }
}

impl TokenSink for Gate {
    type Handle = ego_tree::NodeId;

    fn process_token(&mut self, token: Token, line: u64) -> TokenSinkResult<Self::Handle> {
        if self.over_budget {
            return TokenSinkResult::Continue;
        }
        if let Token::TagToken(tag) = &token {
            match tag.kind {
                TagKind::StartTag if !self.admits(tag) => {
                    // A self-closing tag has no end tag to drop later.
                    if !tag.self_closing {
                        *self.dropped.entry(tag.name.clone()).or_default() += 1;
                    }
                    self.dropped_total += 1;
                    return TokenSinkResult::Continue;
                }
                TagKind::EndTag => {
                    if let Some(open) = self.dropped.get_mut(&tag.name) {
                        *open -= 1;
                        if *open == 0 {
                            self.dropped.remove(&tag.name);
                        }
                        return TokenSinkResult::Continue;
                    }
                }
                TagKind::StartTag => {}
            }
        }
        self.passed_since_count = true;
        let result = self.builder.process_token(token, line);
        if self.builder.sink.nodes > self.budget {
            self.over_budget = true;
        }
        result
    }

    fn end(&mut self) {
        self.builder.end();
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.builder
            .adjusted_current_node_present_but_not_in_html_namespace()
    }
}

/// Blocks whose text is article text (see `html.rs`), which may nest a little past the cap.
const TEXT: [&str; 9] = ["p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote"];

/// Elements whose content the tokenizer reads as text: if their start tag were dropped, their
/// content would be read as markup.
const RAW_TEXT: [&str; 10] = [
    "script",
    "style",
    "title",
    "textarea",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
];

/// Elements that are closed as soon as they are opened.
const VOID: [&str; 19] = [
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img",
    "input", "keygen", "link", "meta", "param", "source", "track", "wbr",
];

/// The formatting elements: those the standard reopens around later text.
const FORMATTING: [&str; 14] = [
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
];

/// Counts the handles the tree builder holds, and those of formatting elements.
struct Count<'h> {
    html: &'h Html,
    all: Cell<usize>,
    formatting: Cell<usize>,
}

impl Tracer for Count<'_> {
    type Handle = ego_tree::NodeId;

    fn trace_handle(&self, node: &Self::Handle) {
        self.all.set(self.all.get() + 1);
        let is_formatting = self
            .html
            .tree
            .get(*node)
            .and_then(|node| node.value().as_element())
            .is_some_and(|element| FORMATTING.contains(&element.name()));
        if is_formatting {
            self.formatting.set(self.formatting.get() + 1);
        }
    }
}

/// The attributes `html.rs` reads; the others (`style`, `data-*`, `srcset`, ...) are not
/// kept, to save memory.
const KEPT_ATTRIBUTES: [&str; 10] = [
    "class", "content", "href", "id", "itemprop", "name", "property", "rel", "role", "type",
];

fn kept(attribute: &Attribute) -> bool {
    KEPT_ATTRIBUTES.contains(&&*attribute.name.local)
}

/// `scraper::Html` as the tree, counting the nodes created and keeping no parse errors
/// (scraper would keep a message for each, which on hostile input is one per tag).
struct Counted {
    html: Html,
    /// Elements created.
    elements: usize,
    /// Elements, comments and processing instructions created.
    nodes: usize,
}

impl Default for Counted {
    fn default() -> Counted {
        Counted {
            html: Html::new_document(),
            elements: 0,
            nodes: 0,
        }
    }
}

impl TreeSink for Counted {
    type Handle = ego_tree::NodeId;
    type Output = Counted;

    fn finish(self) -> Counted {
        self
    }

    fn parse_error(&mut self, _msg: std::borrow::Cow<'static, str>) {}

    fn get_document(&mut self) -> Self::Handle {
        self.html.get_document()
    }

    fn elem_name<'a>(&'a self, target: &'a Self::Handle) -> ExpandedName<'a> {
        self.html.elem_name(target)
    }

    fn create_element(
        &mut self,
        name: QualName,
        mut attrs: Vec<Attribute>,
        flags: ElementFlags,
    ) -> Self::Handle {
        attrs.retain(kept);
        self.elements += 1;
        self.nodes += 1;
        self.html.create_element(name, attrs, flags)
    }

    fn create_comment(&mut self, text: StrTendril) -> Self::Handle {
        self.nodes += 1;
        self.html.create_comment(text)
    }

    fn create_pi(&mut self, target: StrTendril, data: StrTendril) -> Self::Handle {
        self.nodes += 1;
        self.html.create_pi(target, data)
    }

    fn append(&mut self, parent: &Self::Handle, child: NodeOrText<Self::Handle>) {
        self.html.append(parent, child);
    }

    fn append_based_on_parent_node(
        &mut self,
        element: &Self::Handle,
        prev_element: &Self::Handle,
        child: NodeOrText<Self::Handle>,
    ) {
        self.html
            .append_based_on_parent_node(element, prev_element, child);
    }

    fn append_doctype_to_document(
        &mut self,
        name: StrTendril,
        public_id: StrTendril,
        system_id: StrTendril,
    ) {
        self.html
            .append_doctype_to_document(name, public_id, system_id);
    }

    fn mark_script_already_started(&mut self, node: &Self::Handle) {
        self.html.mark_script_already_started(node);
    }

    fn pop(&mut self, node: &Self::Handle) {
        self.html.pop(node);
    }

    fn get_template_contents(&mut self, target: &Self::Handle) -> Self::Handle {
        self.html.get_template_contents(target)
    }

    fn same_node(&self, x: &Self::Handle, y: &Self::Handle) -> bool {
        self.html.same_node(x, y)
    }

    fn set_quirks_mode(&mut self, mode: QuirksMode) {
        self.html.set_quirks_mode(mode);
    }

    fn append_before_sibling(
        &mut self,
        sibling: &Self::Handle,
        new_node: NodeOrText<Self::Handle>,
    ) {
        self.html.append_before_sibling(sibling, new_node);
    }

    fn add_attrs_if_missing(&mut self, target: &Self::Handle, mut attrs: Vec<Attribute>) {
        attrs.retain(kept);
        self.html.add_attrs_if_missing(target, attrs);
    }

    fn associate_with_form(
        &mut self,
        target: &Self::Handle,
        form: &Self::Handle,
        nodes: (&Self::Handle, Option<&Self::Handle>),
    ) {
        self.html.associate_with_form(target, form, nodes);
    }

    fn remove_from_parent(&mut self, target: &Self::Handle) {
        self.html.remove_from_parent(target);
    }

    fn reparent_children(&mut self, node: &Self::Handle, new_parent: &Self::Handle) {
        self.html.reparent_children(node, new_parent);
    }

    fn is_mathml_annotation_xml_integration_point(&self, handle: &Self::Handle) -> bool {
        self.html.is_mathml_annotation_xml_integration_point(handle)
    }

    fn set_current_line(&mut self, line_number: u64) {
        self.html.set_current_line(line_number);
    }

    fn complete_script(&mut self, node: &Self::Handle) -> NextParserState {
        self.html.complete_script(node)
    }
}
