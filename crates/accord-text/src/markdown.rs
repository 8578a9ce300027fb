//! A revision as Markdown, for reading and for e-mail: headings for sections and objectives, numbered
//! paragraphs, lettered actions as list items. Every element with an eId carries it as an HTML anchor so that
//! links to `#eId` keep working when the Markdown is rendered.

use crate::model::{Document, Node, Part};

/// The document as CommonMark text.
pub fn to_markdown(document: &Document) -> String {
    let mut out = String::new();
    out.push_str(&format!("# {}\n\n", escape(&document.meta().title)));
    let meta = document.meta();
    let mut facts = vec![meta.version.clone(), meta.expression_date.to_string()];
    facts.extend(meta.source_symbol.clone());
    out.push_str(&format!("*{}*\n\n", escape(&facts.join(" · "))));
    for part in document.parts() {
        write_node(part, 0, &mut out);
    }
    out
}

fn write_node(node: &Node, depth: usize, out: &mut String) {
    let is_list_item = node.element == "point";
    let anchor = node.eid.as_ref().map(|eid| format!("<a id=\"{eid}\"></a>")).unwrap_or_default();
    let title: Vec<&str> = node.num.iter().chain(node.heading.iter()).map(String::as_str).collect();
    if is_list_item {
        let text: Vec<String> = node.own_blocks().map(|block| escape(&block.text)).collect();
        out.push_str(
            &format!("- {anchor}{} {}\n", escape(&title.join(" ")), text.join(" ")).replace("  ", " "),
        );
        for child in node.children() {
            write_node(child, depth + 1, out);
        }
        return;
    }
    if node.heading.is_some() && depth > 0 {
        let level = "#".repeat((depth + 1).min(6));
        out.push_str(&format!("{level} {anchor}{}\n\n", escape(&title.join(": "))));
    } else if let Some(num) = &node.num {
        out.push_str(&format!("{anchor}**{}** ", escape(num)));
    } else if !anchor.is_empty() {
        out.push_str(&anchor);
    }
    for block in &node.intro {
        out.push_str(&format!("{}\n\n", escape(&block.text)));
    }
    let mut in_list = false;
    for part in &node.content {
        match part {
            Part::Block(block) => {
                if in_list {
                    out.push('\n');
                    in_list = false;
                }
                out.push_str(&format!("{}\n\n", escape(&block.text)));
            }
            Part::Node(child) => {
                in_list = child.element == "point";
                write_node(child, depth + 1, out);
            }
        }
    }
    if in_list {
        out.push('\n');
    }
    for block in &node.wrap_up {
        out.push_str(&format!("{}\n\n", escape(&block.text)));
    }
}

/// Escapes the characters that Markdown would read as markup at the start of text or inline.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        if matches!(character, '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#') {
            escaped.push('\\');
        }
        escaped.push(character);
    }
    escaped
}
